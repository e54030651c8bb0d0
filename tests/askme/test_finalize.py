"""finalize/: composes the prompt from the answers and the library, assesses, saves once, signals once."""
from __future__ import annotations

import importlib
import json
import uuid

import pytest

from promptcraft import signals
from promptcraft.askme.models import AskMeSession
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.history.models import PromptHistory
from promptcraft.orchestrator.assessment import assess

GOAL = "Write a launch announcement for our new budgeting app"


@pytest.fixture
def finished_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    signals.askme_finished.connect(receiver)
    yield received
    signals.askme_finished.disconnect(receiver)


def answer_all(askme, session, answers):
    for slot, text in answers.items():
        current = askme.answer(session, askme.question(session, slot)["id"], text)
    return current["session"]


def test_finalize_composes_the_answers_into_role_context_task_constraints_and_format(askme):
    session = askme.start(GOAL)
    answer_all(askme, session, {"audience": "Young professionals", "tone": "Friendly", "format": "Table",
                                "length": "About 100 words", "constraints": "Do not promise returns"})
    result = askme.finalize(session)
    prompt = result["prompt"]
    assert prompt.startswith("You are ")
    assert "Task: Write a launch announcement for our new budgeting app." in prompt
    assert "The audience is Young professionals." in prompt and "Use a friendly tone." in prompt
    assert "- Do not promise returns." in prompt and "- Length: About 100 words." in prompt
    assert "Output format: Table" in prompt


def test_a_follow_up_answer_lands_in_the_prompt(askme):
    session = askme.start(GOAL)
    follow = askme.answer(session, askme.question(session, "format")["id"], "Table")["follow_ups"][0]
    askme.answer(session, follow["id"], "Feature, monthly price, who it suits")
    prompt = askme.finalize(session)["prompt"]
    assert "Output format: Table (columns: Feature, monthly price, who it suits)" in prompt


def test_finalize_scores_with_the_rubric_and_saves_to_history(askme, app, user):
    session = askme.start(GOAL)
    answer_all(askme, session, {"audience": "Students", "tone": "Playful"})
    result = askme.finalize(session)
    assert result["score"] == assess(result["prompt"]).overall and 0 <= result["score"] <= 10
    assert set(result["assessment"]["scores"]) >= {"clarity", "specificity", "output_format"}
    with app.app_context():
        entry = db.session.get(PromptHistory, result["history_id"])
        assert entry.user_id == user.id and entry.source == "askme"
        assert entry.original_prompt == result["prompt"] and entry.quality_score == result["score"]
        assert "askme" in entry.tags


def test_the_answered_prompt_scores_higher_than_the_bare_goal(askme):
    session = askme.start(GOAL)
    answer_all(askme, session, {"audience": "Young professionals", "tone": "Friendly", "format": "Bulleted list",
                                "constraints": "Mention the free trial; avoid jargon"})
    assert askme.finalize(session)["score"] > assess(GOAL).overall


def test_finalize_twice_saves_once_and_signals_once(askme, app, user, finished_signals):
    session = askme.start(GOAL)
    first = askme.finalize(session)
    second = askme.finalize(session)
    assert second["history_id"] == first["history_id"] and second["prompt"] == first["prompt"]
    with app.app_context():
        assert db.session.query(PromptHistory).filter_by(source="askme").count() == 1
    assert finished_signals == [(user.id, {"session_id": session["id"], "score": first["score"]})]


def test_a_finalised_session_cannot_be_answered(askme):
    session = askme.start(GOAL)
    askme.finalize(session)
    error = askme.answer(session, session["questions"][0]["id"], "Late", status=409)["error"]
    assert error["code"] == "conflict"


def test_a_failed_finalize_leaves_the_session_open(askme, app, monkeypatch):
    module = importlib.import_module("promptcraft.askme.service.finalize")

    def broken(*args, **kwargs):
        raise AppError(503, "history_unavailable", "The history is unavailable.")

    session = askme.start(GOAL)
    monkeypatch.setattr(module, "record_prompt", broken)
    askme.finalize(session, status=503)
    with app.app_context():
        assert db.session.get(AskMeSession, uuid.UUID(session["id"])).status == "open"
    monkeypatch.undo()
    assert askme.finalize(session)["session"]["status"] == "finished"


MODEL_PROMPT = ("You are a senior fintech copywriter. Context: our budgeting app launches next week. "
                "Task: write a launch announcement for young professionals. Constraints: use a friendly tone, "
                "at most 120 words, no jargon, must mention the free trial. Output format: three short paragraphs.")


def test_with_a_model_its_wording_is_kept_when_it_keeps_every_answer_and_scores_as_well(askme, use_deepseek):
    fake = use_deepseek()
    session = askme.start(GOAL)  # the intent and plan steps get the fake's echo (not JSON): local plan
    answer_all(askme, session, {"audience": "Young professionals", "tone": "Friendly"})
    fake.reply(content=json.dumps({"prompt": MODEL_PROMPT}))
    assert askme.finalize(session)["prompt"] == MODEL_PROMPT
    assert any(r["body"]["messages"][0]["content"].startswith("You turn a prompt builder") for r in fake.requests)


def test_a_model_wording_that_drops_an_answer_is_discarded(askme, use_deepseek):
    fake = use_deepseek()
    session = askme.start(GOAL)
    answer_all(askme, session, {"audience": "Retired teachers", "tone": "Friendly"})
    fake.reply(content=json.dumps({"prompt": MODEL_PROMPT}))  # says nothing of retired teachers
    prompt = askme.finalize(session)["prompt"]
    assert prompt != MODEL_PROMPT and "The audience is Retired teachers." in prompt


def test_finishing_pays_askme_xp_once_through_gamification(askme, app, user):
    from promptcraft.gamification.models import XPGrant

    session = askme.start(GOAL)
    askme.finalize(session)
    askme.finalize(session)
    with app.app_context():
        grants = db.session.query(XPGrant).filter_by(user_id=user.id, reason="askme_finished").all()
        assert len(grants) == 1 and grants[0].amount > 0
