"""AskMe in a real browser: plan from a goal, answer one question at a time, go back and edit an
answer, finish, see the prompt with its score, copy and save it; resume an unfinished session."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from promptcraft.askme.models import AskMeSession
from promptcraft.extensions import db
from promptcraft.history.models import PromptHistory, SavedPrompt

GOAL = "Write a launch announcement for our new budgeting app"


def answer_current(page, text: str = "Plain words, no jargon") -> str:
    """Answer whatever is asked: the first option of a choice, else typed text. Returns the question id."""
    form = page.locator("#askme-question")
    qid = form.get_attribute("data-question")
    if form.locator("input[type=radio]").count():
        form.locator("input[type=radio]").first.check()
    else:
        page.fill("#askme-answer", text)
    page.click("#askme-next")
    expect(page.locator(f"#askme-answers [data-question='{qid}']")).to_be_visible()
    return qid


def test_the_whole_wizard_with_going_back_to_edit_an_answer(signed_in, library, app, user):
    page = signed_in
    page.goto("/askme")
    page.fill("#goal", GOAL)
    page.click("#askme-start-button")
    page.wait_for_url(re.compile(r"/askme/[0-9a-f-]{36}$"))
    expect(page.locator("#askme-question")).to_have_attribute("data-question", "q1")
    expect(page.locator("#askme-why")).to_contain_text("Why it matters")
    expect(page.locator("#askme-back")).to_have_count(0)
    total = int(re.search(r"of (\d+)", page.locator("#askme-progress-label").inner_text()).group(1))
    assert 3 <= total <= 7

    expect(page.locator("#askme-question")).to_have_attribute("data-slot", "audience")
    answer_current(page)  # "Beginners" opens a follow-up, asked next
    expect(page.locator("#askme-progress-label")).to_contain_text(f"1 of {total + 1}")
    expect(page.locator("#askme-question")).to_have_attribute("data-question", "q1-prior_knowledge")
    width = page.locator(".askme-progress .bar span").evaluate("el => el.style.width")
    assert width != "0%"

    # Back to the first question: the answer given is shown, and a new one replaces it.
    page.click("#askme-back")
    expect(page.locator("#askme-question")).to_have_attribute("data-question", "q1")
    expect(page.locator("#askme-question input[value=Beginners]")).to_be_checked()
    page.fill("#askme-answer", "Freelancers who hate spreadsheets")
    page.click("#askme-next")
    # The new answer opens nothing: the follow-up the old one opened is gone.
    expect(page.locator("#askme-progress-label")).to_have_text(f"1 of {total} answered")
    expect(page.locator("#askme-answers [data-question='q1'] .answer-text")).to_have_text(
        "Freelancers who hate spreadsheets")
    expect(page.locator("#askme-question")).to_have_attribute("data-question", "q2")

    # Editing from the list of answers works too.
    page.click("#askme-answers [data-question='q1'] .askme-edit")
    expect(page.locator("#askme-answer")).to_have_value("Freelancers who hate spreadsheets")
    page.fill("#askme-answer", "Freelancers and students")
    page.click("#askme-next")
    expect(page.locator("#askme-answers [data-question='q1'] .answer-text")).to_have_text("Freelancers and students")

    while page.locator("#askme-question").count():
        answer_current(page)
    expect(page.locator("#askme-ready")).to_be_visible()
    expect(page.locator("#askme-completeness")).to_have_text("100% complete")

    page.click("#askme-finalize")
    expect(page.locator("#askme-final")).to_be_visible()
    expect(page.locator("#askme-prompt")).to_contain_text("The audience is Freelancers and students.")
    expect(page.locator("#askme-prompt")).to_contain_text(f"Task: {GOAL}.")
    score = page.locator("#askme-score").inner_text()
    assert re.fullmatch(r"\d+(\.\d)?/10", score)

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#askme-copy")
    expect(page.locator("#askme-copy")).to_have_text("Copied")
    assert "Freelancers and students" in page.evaluate("navigator.clipboard.readText()")
    page.click("#askme-save")
    expect(page.locator("#askme-saved")).to_contain_text("Saved as")

    with app.app_context():
        session = db.session.query(AskMeSession).one()
        assert session.status == "finished" and f"{session.score}/10" == score
        assert db.session.get(PromptHistory, session.history_id).original_prompt == session.final_prompt
        assert db.session.query(SavedPrompt).one().content == session.final_prompt


def test_an_unfinished_session_is_resumed_from_the_start_page(signed_in, library):
    page = signed_in
    page.goto("/askme")
    page.fill("#goal", GOAL)
    page.click("#askme-start-button")
    page.wait_for_url(re.compile(r"/askme/[0-9a-f-]{36}$"))
    session_url = page.url
    answer_current(page)
    asking = page.locator("#askme-question").get_attribute("data-question")
    page.goto("/askme")
    page.click("#askme-unfinished li a")
    expect(page).to_have_url(session_url)
    expect(page.locator("#askme-question")).to_have_attribute("data-question", asking)
    expect(page.locator("#askme-answers .askme-answer")).to_have_count(1)
