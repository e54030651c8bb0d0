"""Side effects sent after the response (promptcraft.background), as production runs them."""
from __future__ import annotations

import json
import queue
import uuid

import pytest
import sqlalchemy as sa
from blinker import Signal

from promptcraft import background
from promptcraft.analytics.models import Event
from promptcraft.auth.models import User
from promptcraft.gamification.models import Action
from tests.ai.test_gateway import parse_events


@pytest.fixture
def deferred(app, monkeypatch):
    """The production setting: signals sent with send_later run on the background thread."""
    monkeypatch.setitem(app.config, "BACKGROUND_INLINE", False)
    yield app
    with app.app_context():
        assert background.drain(10)


def test_a_chat_turn_pays_xp_and_is_counted_after_the_stream(client, auth, user, db, deferred):
    response = client.post("/api/v2/chat/completions/", headers=auth.headers(user),
                           json={"message": "Improve this prompt: write a product description for a lamp"})
    events = [(name, json.loads(data)) for name, data in parse_events(response.get_data(as_text=True))]
    assert events[-1][0] == "done"
    message_id = events[0][1]["message_id"]
    assert background.drain(10)
    db.session.expire_all()
    names = set(db.session.scalars(sa.select(Event.name).where(Event.user_id == user.id)))
    assert {"chat.turn", "ai.call"} <= names
    turn = db.session.scalar(sa.select(Action).where(Action.user_id == user.id, Action.kind == "chat_turn"))
    assert turn is not None and turn.ref == message_id


def test_a_failing_receiver_does_not_stop_the_ones_queued_after_it(app, user, deferred):
    signal, seen = Signal("test-background"), []

    def receiver(sender, **kwargs):
        if kwargs["n"] == 1:
            raise RuntimeError("receiver bug")
        # Each send has an app context and a database session of its own.
        seen.append((kwargs["n"], background.db.session.get(User, sender).username))

    signal.connect(receiver)
    with app.app_context():
        for n in (1, 2, 3):
            background.send_later(signal, user.id, n=n)
        assert background.drain(10)
    assert seen == [(2, user.username), (3, user.username)]


def test_inline_sends_at_once_in_the_caller(app, user):
    signal, seen = Signal("test-inline"), []
    signal.connect(lambda sender, **kwargs: seen.append(sender), weak=False)
    with app.app_context():
        background.send_later(signal, uuid.UUID(int=7))
    assert seen == [uuid.UUID(int=7)]


def test_a_full_queue_makes_the_sender_run_the_signal_itself(app, user, deferred):
    signal, seen = Signal("test-full"), []
    signal.connect(lambda sender, **kwargs: seen.append(kwargs["n"]), weak=False)
    with app.app_context():
        dispatcher = app.extensions["background"]
        dispatcher._ensure_thread()
        running, dispatcher._queue = dispatcher._queue, queue.Queue(1)  # a queue nobody drains, full
        try:
            dispatcher._queue.put((signal, user.id, {"n": 1}))
            background.send_later(signal, user.id, n=2)
        finally:
            dispatcher._queue = running
    assert seen == [2]  # sent by the caller, at once
