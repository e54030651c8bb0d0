"""start/: the questions are the slots this task needs, minus what is already known."""
from __future__ import annotations

import json

from promptcraft.auth.models import User
from promptcraft.extensions import db


def slots(session):
    return [q["slot"] for q in session["questions"]]


def test_start_plans_three_to_seven_questions_each_with_why_and_kind(askme):
    session = askme.start("Write a launch announcement for our new budgeting app")
    assert 3 <= len(session["questions"]) <= 7
    assert session["status"] == "open" and session["task_type"] == "write"
    for q in session["questions"]:
        assert q["text"] and q["why"] and q["kind"] in ("text", "choice")
        assert (q["kind"] == "choice") == bool(q["options"])
    assert session["current_question"] == session["questions"][0]
    assert 0 <= session["completeness"] < 1


def test_slots_the_goal_already_answers_are_not_asked(askme):
    plain = askme.start("Write a launch announcement for our new budgeting app")
    assert {"audience", "tone", "format"} <= set(slots(plain))
    told = askme.start("Write a friendly launch announcement for beginners as a bulleted list, 150 words")
    assert not {"audience", "tone", "format", "length"} & set(slots(told))
    assert told["known"]["tone"] == {"value": "friendly", "source": "goal"}
    assert told["known"]["format"]["source"] == "goal"
    assert told["completeness"] > plain["completeness"]


def test_the_task_type_chooses_which_slots_matter(askme):
    code = askme.start("Debug a function that parses dates from log lines")
    assert code["task_type"] == "code" and slots(code)[0] == "language"
    summary = askme.start("Summarize a research paper on sleep")
    assert summary["task_type"] == "summarize" and slots(summary)[0] == "source_text"
    assert "language" not in slots(summary)


def test_the_profile_answers_the_background_question(askme, app, user):
    with app.app_context():
        db.session.get(User, user.id).bio = "I run a small bakery and write its weekly newsletter."
        db.session.commit()
    session = askme.start("Write a launch announcement for our new sourdough loaf")
    assert "context" not in slots(session)
    assert session["known"]["context"]["source"] == "profile"


def test_answers_repeated_in_earlier_sessions_are_not_asked_again(askme):
    for goal in ("Write a blog post about remote work", "Write a blog post about hiring juniors"):
        session = askme.start(goal)
        askme.answer(session, askme.question(session, "tone")["id"], "Warm and witty")
        askme.finalize(session)
    third = askme.start("Write a blog post about code review")
    assert "tone" not in slots(third)
    assert third["known"]["tone"] == {"value": "Warm and witty", "source": "history"}


def test_a_known_table_format_asks_for_its_columns_up_front(askme):
    session = askme.start("Write a comparison of three laptops as a table")
    assert "format" not in slots(session) and "columns" in slots(session)


def test_start_with_a_model_uses_its_validated_plan(askme, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="not the intent JSON")  # the intent step falls back to the library's vote
    fake.reply(content=json.dumps({"questions": [
        {"slot": "audience", "text": "Who are the readers of the newsletter?", "why": "It sets the vocabulary."},
        {"slot": "tone", "text": "How should it sound?", "why": "Brand voice.", "options": ["Warm", "Crisp"]},
        {"slot": "length", "text": "How long?", "why": "Newsletters are skimmed."}]}))
    session = askme.start("Write a launch announcement for our new budgeting app")
    assert session["method"] == "model"
    assert [q["text"] for q in session["questions"]][0] == "Who are the readers of the newsletter?"
    assert session["questions"][1]["kind"] == "choice"


def test_an_invalid_model_plan_falls_back_to_the_local_one(askme, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="not the intent JSON")
    fake.reply(content=json.dumps({"questions": [{"slot": "horoscope", "text": "What is your sign?", "why": "Fun."}]}))
    session = askme.start("Write a launch announcement for our new budgeting app")
    assert session["method"] == "local" and "audience" in slots(session)


def test_only_a_plausible_category_reorders_the_slots():
    from promptcraft.askme.slots import ranked_slots

    assert ranked_slots("write", None)[:3] == ["audience", "context", "tone"]
    assert ranked_slots("write", "coding")[0] == "language"
    assert ranked_slots("write", None, ["programming_language", "topic"])[0] == "language"


def test_a_weak_category_vote_leaves_the_task_order(app, user):
    from promptcraft.askme import planner

    with app.app_context():
        owner = db.session.get(User, user.id)
        weak = {"task_type": "write", "category": "coding", "confidence": 0.1, "templates": []}
        strong = {**weak, "confidence": 0.6}
        assert planner.plan(owner, "Write an announcement", "", weak)[0][0]["slot"] == "audience"
        assert planner.plan(owner, "Write an announcement", "", strong)[0][0]["slot"] == "language"
