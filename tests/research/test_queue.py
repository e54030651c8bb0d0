"""Research jobs on RQ workers (JOB_QUEUE_URL, `promptcraft.jobs`): a job leaves the web process
as a queued job, a worker runs it, recovery tells a job waiting in the queue from a lost one, and
an unreachable queue leaves the job to the web process. Needs Redis (the `job_queue` fixture);
skipped without one."""
from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from promptcraft import jobs
from promptcraft.research import runner
from promptcraft.research.models import ResearchJob


def test_a_research_job_runs_on_the_worker(client, auth, user, db, material, job_queue):
    created = client.post("/api/v2/research/jobs/", json={"topic": "SQL query indexes"}, headers=auth.headers(user))
    assert created.status_code == 201
    assert created.json["status"] == "queued" and job_queue.count == 1

    job_queue.work()
    db.session.expire_all()
    job = db.session.get(ResearchJob, created.json["id"])
    assert job.status == "done" and job.progress == 100 and f"template:{material['sql']}" in json.dumps(job.sources)


def test_recovery_leaves_a_job_waiting_on_the_queue_and_resumes_a_lost_one(app, client, auth, user, db, material,
                                                                           job_queue):
    headers = auth.headers(user)
    waiting, lost = (client.post("/api/v2/research/jobs/", json={"topic": topic}, headers=headers).json["id"]
                     for topic in ("SQL query indexes", "SQL joins"))
    job_queue.fetch_job(f"research-{lost}").delete()  # as if Redis had lost it
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    db.session.execute(sa.update(ResearchJob).values(heartbeat_at=long_ago))
    db.session.commit()

    assert runner.recover() == {"resumed": [lost], "failed": []}
    assert job_queue.count == 2  # the waiting one, once; the lost one, again

    job_queue.work()
    db.session.expire_all()
    for job_id in (waiting, lost):
        job = db.session.get(ResearchJob, job_id)
        assert job.status == "done" and job.attempts == 1
    assert not any("restarted" in e.message for e in db.session.get(ResearchJob, waiting).events)


def test_the_worker_command_runs_what_is_queued_and_needs_a_queue(app, client, auth, user, db, material, job_queue):
    created = client.post("/api/v2/research/jobs/", json={"topic": "SQL query indexes"}, headers=auth.headers(user))
    assert job_queue.count == 1
    cli = app.test_cli_runner()
    result = cli.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert job_queue.count == 0
    db.session.expire_all()
    assert db.session.get(ResearchJob, created.json["id"]).status == "done"

    app.config["JOB_QUEUE_URL"] = None
    refused = cli.invoke(args=["jobs", "worker", "--burst"])
    assert refused.exit_code != 0 and "JOB_QUEUE_URL is not set" in refused.output


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers (a stuck Redis)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


@pytest.mark.parametrize("kind", ["refused", "stuck"])
def test_an_unreachable_queue_leaves_the_job_to_the_web_process(app, client, auth, user, db, material, monkeypatch,
                                                                 kind, silent_server):
    # refused: nothing listens on port 1; stuck: connected, never answered (given up after the timeout)
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", "redis://127.0.0.1:1/0" if kind == "refused" else silent_server)
    monkeypatch.setattr(jobs, "ENQUEUE_TIMEOUT_SECONDS", 0.3)
    app.extensions.pop("job_queue", None)
    try:
        created = client.post("/api/v2/research/jobs/", json={"topic": "SQL query indexes"},
                              headers=auth.headers(user))
        assert created.status_code == 201
        assert runner.wait(app, created.json["id"], timeout=30)
    finally:
        app.extensions.pop("job_queue", None)
    db.session.expire_all()
    assert db.session.get(ResearchJob, created.json["id"]).status == "done"
