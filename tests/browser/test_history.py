"""History and saved prompts in a real browser: the editor, stars, search as you type, undo."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from promptcraft.history import service


@pytest.fixture
def history(app, user):
    """A few prompts the user ran, newest last."""
    with app.app_context():
        for text in ("Summarise this article", "Translate to French", "Write a French poem", "Plan a trip"):
            service.record_prompt(user.id, text, source="chat")


def test_write_a_saved_prompt_fix_the_error_in_place_and_star_it(signed_in):
    page = signed_in
    page.goto("/saved-prompts")
    page.click("text=New prompt")
    page.wait_for_url("**/saved-prompts/new")
    page.fill("#title", "Meeting notes")
    page.fill("#content", "   ")
    page.click("#prompt-form button[type=submit]")
    expect(page.locator("#field-content .error")).to_contain_text("This field cannot be blank.")
    expect(page.locator("#title")).to_have_value("Meeting notes")  # what was typed stays
    page.fill("#content", "Turn these notes into action items: {{notes}}")
    page.fill("#tags", "meetings, work")
    page.check("#is_public")
    page.click("#prompt-form button[type=submit]")
    page.wait_for_url("**/saved-prompts")
    expect(page.locator(".flash")).to_contain_text("Saved “Meeting notes”.")
    star = page.locator("article.saved-prompt", has_text="Meeting notes").locator("button.star")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    page.click("nav.tabs >> text=Favourites")
    page.wait_for_url("**/saved-prompts?favorite=true")
    expect(page.locator("article.saved-prompt")).to_have_count(1)
    page.click("nav.tabs >> text=Public")
    expect(page.locator("#public-results")).to_contain_text("by ada")


def test_search_history_as_you_type_with_a_shareable_url(signed_in, history):
    page = signed_in
    page.goto("/history")
    expect(page.locator("article.entry")).to_have_count(4)
    page.locator("#q").press_sequentially("FRENCH", delay=40)
    expect(page.locator("article.entry")).to_have_count(2)
    expect(page.locator("#history-count")).to_contain_text("2 entries matching “FRENCH”")
    expect(page).to_have_url(re.compile(r"/history\?.*q=FRENCH"))
    page.reload()
    expect(page.locator("article.entry")).to_have_count(2)
    expect(page.locator("#q")).to_have_value("FRENCH")
    page.locator("#q").fill("")
    expect(page.locator("article.entry")).to_have_count(4)


def test_delete_an_entry_and_undo(signed_in, history):
    page = signed_in
    page.goto("/history")
    row = page.locator("#history-results article").filter(has_text="Plan a trip")
    row.get_by_role("button", name="Delete").click()
    expect(row).to_contain_text("Moved to the trash")
    row.get_by_role("button", name="Undo").click()
    expect(row.get_by_role("button", name="Delete")).to_be_visible()
    row.get_by_role("button", name="Delete").click()
    expect(row).to_contain_text("Moved to the trash")
    page.click("nav.tabs >> text=Trash")
    page.wait_for_url("**/history?deleted=true")
    trashed = page.locator("article.entry")
    expect(trashed).to_have_count(1)
    trashed.get_by_role("button", name="Restore").click()
    expect(trashed).to_contain_text("is back in your history")
    page.click("nav.tabs >> text=All")
    expect(page.locator("article.entry")).to_have_count(4)
