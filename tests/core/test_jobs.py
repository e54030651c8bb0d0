"""Side effects on RQ workers (JOB_QUEUE_URL): a chat turn's XP and its analytics event leave the
web process as a queued job and a worker runs them; the small sends (an AI call's or a search's
analytics event) stay in the web process; an unreachable queue loses nothing. Needs Redis (the
`job_queue` fixture); skipped without one. Research jobs on the queue: tests/research/test_queue.py."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from promptcraft import background
from promptcraft.analytics.models import Event
from promptcraft.gamification.models import Action
from promptcraft.history.models import PromptHistory
from tests.ai.test_gateway import parse_events


@pytest.fixture
def deferred(app, monkeypatch):
    """The production setting: side effects run after the response, off the request."""
    monkeypatch.setitem(app.config, "BACKGROUND_INLINE", False)
    return app


def _chat_turn(client, headers) -> str:
    response = client.post("/api/v2/chat/completions/", headers=headers,
                           json={"message": "Improve this prompt: write a product description for a lamp"})
    events = [(name, json.loads(data)) for name, data in parse_events(response.get_data(as_text=True))]
    assert events[-1][0] == "done"
    return events[0][1]["message_id"]


def _history(db, user) -> list[str]:
    return list(db.session.scalars(sa.select(PromptHistory.source).where(PromptHistory.user_id == user.id)))


def _events(db, user) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(Event.name).where(Event.user_id == user.id)))


def test_a_chat_turn_s_xp_is_paid_on_the_worker_and_its_small_sends_stay_here(client, auth, user, db, deferred,
                                                                              job_queue):
    headers = auth.headers(user)  # one sign-in: a second one's (unpaid) XP statement would hold SQLite's
    # write lock in the session the test shares with its requests
    message_id = _chat_turn(client, headers)
    client.get("/api/v2/templates/", query_string={"q": "lamp"}, headers=headers)
    assert background.drain(10)
    assert job_queue.count == 1  # the chat turn's side effects, and nothing else
    assert _events(db, user) == ["ai.call", "search"]  # sent in this process
    assert db.session.scalar(sa.select(Action).where(Action.user_id == user.id, Action.kind == "chat_turn")) is None
    assert _history(db, user) == []

    job_queue.work()
    assert _events(db, user) == ["ai.call", "chat.turn", "prompt.recorded", "search"]
    turn = db.session.scalar(sa.select(Action).where(Action.user_id == user.id, Action.kind == "chat_turn"))
    assert turn is not None and turn.ref == message_id
    assert _history(db, user) == ["chat"]  # the turn's question and answer, in the user's history
    assert job_queue.count == 0 and job_queue.failed_job_registry.count == 0


def test_an_unreachable_queue_leaves_the_side_effects_to_the_web_process(app, client, auth, user, db, deferred,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    app.extensions.pop("job_queue", None)
    try:
        message_id = _chat_turn(client, auth.headers(user))
        assert background.drain(10)
    finally:
        app.extensions.pop("job_queue", None)
    assert _events(db, user) == ["ai.call", "chat.turn", "prompt.recorded"]
    turn = db.session.scalar(sa.select(Action).where(Action.user_id == user.id, Action.kind == "chat_turn"))
    assert turn is not None and turn.ref == message_id
