"""Where research jobs run: a thread of the serving process (a greenlet under gunicorn's gevent
worker, whose monkey-patching makes `threading` cooperative), with its own app context and
database session; or, with JOB_QUEUE_URL, a job worker (`promptcraft.jobs`).

A process can die with jobs in flight. `recover()` finds jobs still queued or running whose
heartbeat is older than RESEARCH_STALE_SECONDS: each is resumed (run again from the start) while
it has attempts left, else marked failed. It runs once per process, before its first request,
and whenever a progress stream notices a stale job.
"""
from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from promptcraft import jobs
from promptcraft.extensions import db
from promptcraft.research.models import ResearchEvent, ResearchJob

log = logging.getLogger("promptcraft.research")
UNFINISHED = ("queued", "running")


def _threads(app: Flask) -> dict[int, threading.Thread]:
    return app.extensions.setdefault("research_threads", {})


def start(app: Flask, job_id: int) -> None:
    """Run the job in the background; it outlives the request that started it. On a job worker
    when there is a queue; in this process when there is none, or it cannot be reached."""
    if jobs.enqueue("promptcraft.research.runner.run", job_id, key=_job_key(job_id)):
        return
    thread = threading.Thread(target=_run, args=(app, job_id), name=f"research-{job_id}", daemon=True)
    _threads(app)[job_id] = thread
    thread.start()


def _run(app: Flask, job_id: int) -> None:
    try:
        with app.app_context():
            run(job_id)
    finally:
        _threads(app).pop(job_id, None)


def _job_key(job_id: int) -> str:
    return f"research-{job_id}"


def run(job_id: int) -> None:
    """The whole job, in the caller's app context: a thread's of this process, or a job worker's."""
    from promptcraft.research.service import pipeline

    pipeline.run(job_id)


def wait(app: Flask, job_id: int, timeout: float = 30.0) -> bool:
    """Wait for this process's run of a job to end (tests, and shutdown); True when it has."""
    thread = _threads(app).get(job_id)
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def stale_before(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(seconds=current_app.config["RESEARCH_STALE_SECONDS"])


def recover(now: datetime | None = None) -> dict[str, list[int]]:
    """Resume or fail the jobs a dead process left behind; returns the ids of each.

    Each change is a conditional update, so two processes recovering at once never both take a job.
    """
    app = current_app._get_current_object()
    now = now or datetime.now(UTC)
    cutoff = stale_before(now)
    limit = current_app.config["RESEARCH_MAX_ATTEMPTS"]
    stale = db.session.execute(sa.select(ResearchJob.id, ResearchJob.attempts).where(
        ResearchJob.status.in_(UNFINISHED), ResearchJob.heartbeat_at < cutoff)).all()
    outcome: dict[str, list[int]] = {"resumed": [], "failed": []}
    for job_id, attempts in stale:
        if job_id in _threads(app):
            continue  # running here, just slow between two heartbeats
        if jobs.waiting(_job_key(job_id)):
            continue  # queued behind other work on the job workers, not lost
        condition = sa.and_(ResearchJob.id == job_id, ResearchJob.status.in_(UNFINISHED),
                            ResearchJob.heartbeat_at < cutoff)
        if attempts < limit:
            changes: dict[str, Any] = {"status": "queued", "stage": "queued", "heartbeat_at": now}
            message, key = "The server restarted during this job; resuming it.", "resumed"
        else:
            changes = {"status": "failed", "stage": "failed", "heartbeat_at": now, "finished_at": now,
                       "error_code": "interrupted",
                       "error_message": f"The job was interrupted {attempts} time(s) by server restarts."}
            message, key = f"Failed: {changes['error_message']}", "failed"
        if db.session.execute(sa.update(ResearchJob).where(condition).values(**changes)).rowcount:
            progress = db.session.scalar(sa.select(ResearchJob.progress).where(ResearchJob.id == job_id)) or 0
            db.session.add(ResearchEvent(job_id=job_id, stage=changes["stage"], progress=progress, message=message,
                                         created_at=now))
            outcome[key].append(job_id)
        db.session.commit()
    for job_id in outcome["resumed"]:
        start(app, job_id)
    if stale:
        log.warning("research jobs recovered: resumed %s, failed %s", outcome["resumed"], outcome["failed"])
    return outcome


def recover_once(app: Flask) -> None:
    """Before this process's first request: take care of jobs a previous process left running."""
    state = app.extensions.setdefault("research", {"recovered": False})
    if state["recovered"]:
        return
    state["recovered"] = True
    try:
        recover()
    except sa.exc.SQLAlchemyError:  # no table yet (a database not migrated): nothing to recover
        db.session.rollback()
        log.warning("research job recovery skipped: the database is not ready")
