"""A job is never left running for ever: failures end it as failed, and jobs a dead process
left queued or running (a stale heartbeat) are resumed, or failed once out of attempts."""
from __future__ import annotations

import pytest

from promptcraft.errors import AppError
from promptcraft.research import runner
from promptcraft.research.models import ResearchEvent, ResearchJob
from promptcraft.research.service import gather


def test_a_crash_in_a_stage_fails_the_job_with_the_reason(app, monkeypatch, client, auth, user, material):
    def broken(*args, **kwargs):
        raise RuntimeError("search index corrupted")

    monkeypatch.setattr(gather, "library", broken)
    headers = auth.headers(user)
    job_id = client.post("/api/v2/research/jobs/", json={"topic": "SQL"}, headers=headers).json["id"]
    assert runner.wait(app, job_id)
    job = client.get(f"/api/v2/research/jobs/{job_id}/", headers=headers).json
    assert job["status"] == "failed" and job["stage"] == "failed" and job["finished_at"]
    assert job["error"]["code"] == "internal_error" and "search index corrupted" not in job["error"]["message"]
    assert job["messages"][-1]["message"].startswith("Failed: ")
    body = client.get(f"/api/v2/research/jobs/{job_id}/stream/", headers=headers).get_data(as_text=True)
    assert body.rstrip().endswith('"code":"internal_error","message":"Something went wrong while researching; '
                                  'it has been logged."}')


def test_an_app_error_in_a_stage_keeps_its_code(app, monkeypatch, client, auth, user):
    def refused(*args, **kwargs):
        raise AppError(503, "search_unavailable", "The search service is down.")

    monkeypatch.setattr(gather, "own", refused)
    headers = auth.headers(user)
    job_id = client.post("/api/v2/research/jobs/", json={"topic": "SQL"}, headers=headers).json["id"]
    runner.wait(app, job_id)
    job = client.get(f"/api/v2/research/jobs/{job_id}/", headers=headers).json
    assert job["error"] == {"code": "search_unavailable", "message": "The search service is down."}


def test_stale_running_job_is_resumed_and_finishes(app, db, make_job, user, material):
    job_id = make_job(user, minutes_ago=30)
    outcome = runner.recover()
    assert outcome == {"resumed": [job_id], "failed": []}
    assert runner.wait(app, job_id)
    db.session.expire_all()
    job = db.session.get(ResearchJob, job_id)
    assert job.status == "done" and job.attempts == 2 and job.sources
    messages = [e.message for e in job.events]
    assert "The server restarted during this job; resuming it." in messages


def test_stale_job_out_of_attempts_is_failed(app, db, make_job, user):
    job_id = make_job(user, minutes_ago=30, attempts=2)
    assert runner.recover() == {"resumed": [], "failed": [job_id]}
    job = db.session.get(ResearchJob, job_id)
    assert job.status == "failed" and job.error_code == "interrupted" and job.finished_at
    assert job.progress == 35  # where it stopped
    assert runner.recover() == {"resumed": [], "failed": []}  # done once


def test_jobs_with_a_fresh_heartbeat_or_finished_are_left_alone(app, db, make_job, user):
    fresh = make_job(user, minutes_ago=1)
    finished = make_job(user, minutes_ago=30, status="done", progress=100)
    assert runner.recover() == {"resumed": [], "failed": []}
    assert db.session.get(ResearchJob, fresh).status == "running"
    assert db.session.get(ResearchJob, finished).status == "done"


def test_first_request_of_a_process_recovers_left_jobs(app, db, make_job, client, user, monkeypatch):
    job_id = make_job(user, minutes_ago=30, attempts=2)
    monkeypatch.setitem(app.extensions, "research", {"recovered": False})
    assert client.get("/health/").status_code == 200
    db.session.expire_all()
    assert db.session.get(ResearchJob, job_id).status == "failed"
    assert app.extensions["research"]["recovered"] is True


def test_a_stream_watching_a_stale_job_recovers_it(app, db, make_job, client, auth, user):
    job_id = make_job(user, minutes_ago=30, attempts=2)
    body = client.get(f"/api/v2/research/jobs/{job_id}/stream/", headers=auth.headers(user)).get_data(as_text=True)
    assert "event: error" in body and '"code":"interrupted"' in body


@pytest.mark.parametrize("status", ["queued", "running"])
def test_queued_jobs_left_behind_are_resumed_too(app, db, make_job, user, material, status):
    job_id = make_job(user, minutes_ago=30, status=status)
    assert runner.recover()["resumed"] == [job_id]
    runner.wait(app, job_id)
    db.session.expire_all()
    assert db.session.get(ResearchJob, job_id).status == "done"
    done = db.select(ResearchEvent).where(ResearchEvent.job_id == job_id, ResearchEvent.stage == "done")
    assert len(db.session.scalars(done).all()) == 1
