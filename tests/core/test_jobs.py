"""Background work on RQ workers (JOB_QUEUE_URL): side effects and research jobs leave the web
process as queued jobs, a worker runs them, and an unreachable queue loses nothing.

Needs Redis (the `job_queue` fixture); skipped without one. A research job on a worker: see
tests/research/test_jobs.py."""
from __future__ import annotations

import json
import socket

import pytest
import sqlalchemy as sa

from promptcraft import background, jobs
from promptcraft.analytics.models import Event
from promptcraft.gamification.models import Action
from tests.ai.test_gateway import parse_events


def test_a_chat_turn_s_side_effects_run_on_the_worker_not_in_the_web_process(client, auth, user, db, job_queue):
    response = client.post("/api/v2/chat/completions/", headers=auth.headers(user),
                           json={"message": "Improve this prompt: write a product description for a lamp"})
    events = [(name, json.loads(data)) for name, data in parse_events(response.get_data(as_text=True))]
    assert events[-1][0] == "done"
    message_id = events[0][1]["message_id"]
    assert background.drain(10)  # nothing was left to this process's own queue
    assert job_queue.count == 2  # the AI call and the chat turn
    db.session.expire_all()
    assert not db.session.scalars(sa.select(Event.name).where(Event.user_id == user.id)).all()

    job_queue.work()
    db.session.expire_all()
    names = set(db.session.scalars(sa.select(Event.name).where(Event.user_id == user.id)))
    assert {"chat.turn", "ai.call"} <= names
    turn = db.session.scalar(sa.select(Action).where(Action.user_id == user.id, Action.kind == "chat_turn"))
    assert turn is not None and turn.ref == message_id
    assert job_queue.count == 0 and job_queue.failed_job_registry.count == 0


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers (a stuck Redis)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


@pytest.mark.parametrize("kind", ["refused", "stuck"])
def test_an_unreachable_queue_leaves_the_work_to_the_web_process(app, client, auth, user, db, monkeypatch, kind,
                                                                  silent_server):
    monkeypatch.setitem(app.config, "BACKGROUND_INLINE", False)
    # refused: nothing listens on port 1; stuck: connected, never answered (given up after the timeout)
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "redis://127.0.0.1:1/0" if kind == "refused" else silent_server)
    monkeypatch.setattr(jobs, "ENQUEUE_TIMEOUT_SECONDS", 0.3)
    app.extensions.pop("job_queue", None)
    try:
        response = client.get("/api/v2/templates/", query_string={"q": "cover letter"}, headers=auth.headers(user))
        assert response.status_code == 200
        assert background.drain(10)
    finally:
        app.extensions.pop("job_queue", None)
    db.session.expire_all()
    assert db.session.scalars(sa.select(Event.name).where(Event.user_id == user.id)).all() == ["search"]


def test_the_worker_command_runs_what_is_queued_and_needs_a_queue(app, user, db, job_queue):
    runner = app.test_cli_runner()
    with app.app_context():
        background.send_later(background.signals.templates_searched, user.id, query="cover letter", results=3)
    assert job_queue.count == 1
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert job_queue.count == 0
    db.session.expire_all()
    assert db.session.scalars(sa.select(Event.name).where(Event.user_id == user.id)).all() == ["search"]

    app.config["JOB_QUEUE_URL"] = None
    refused = runner.invoke(args=["jobs", "worker", "--burst"])
    assert refused.exit_code != 0 and "JOB_QUEUE_URL is not set" in refused.output
