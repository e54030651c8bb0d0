"""Research jobs as a user sees them: create (within the daily limit), list, read, and the
progress steps a running job writes (each in a short transaction of its own)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from promptcraft.ai.quotas import day_start  # daily allowances share the gateway's UTC day
from promptcraft.auth.models import User
from promptcraft.entitlements import entitlements
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.pagination import Page, paginate
from promptcraft.research.models import FINISHED, ResearchEvent, ResearchJob


def jobs_today(user_id: uuid.UUID) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ResearchJob).where(
        ResearchJob.owner_id == user_id, ResearchJob.created_at >= day_start())) or 0


def allowance(user: User) -> dict[str, Any]:
    """Today's limit (None: unlimited), jobs used and when the count resets (midnight UTC)."""
    limit = entitlements(user)["research_jobs_per_day"]
    return {"limit": limit, "used": jobs_today(user.id), "resets_at": day_start() + timedelta(days=1)}


def create_job(user: User, data: dict[str, Any]) -> ResearchJob:
    """Queue a job and start it in the background.

    Raises 429 `research_limit_reached` when the user's plan allows no more jobs today.
    """
    from promptcraft.research import runner

    granted = allowance(user)
    if granted["limit"] is not None and granted["used"] >= granted["limit"]:
        retry = max(1, int((granted["resets_at"] - datetime.now(UTC)).total_seconds()))
        raise AppError(429, "research_limit_reached",
                       f"Your plan allows {granted['limit']} research jobs a day; try again after midnight UTC.",
                       {"limit": granted["limit"], "used": granted["used"],
                        "resets_at": granted["resets_at"].isoformat()}, headers={"Retry-After": str(retry)})
    now = datetime.now(UTC)
    job = ResearchJob(owner_id=user.id, topic=data["topic"].strip(), depth=data["depth"], status="queued",
                      stage="queued", progress=0, created_at=now, heartbeat_at=now)
    db.session.add(job)
    db.session.flush()
    db.session.add(ResearchEvent(job_id=job.id, stage="queued", progress=0, message="Queued.", created_at=now))
    db.session.commit()
    runner.start(current_app._get_current_object(), job.id)
    return job


def list_jobs(user: User, page: int = 1, page_size: int = 20, status: str | None = None) -> Page:
    stmt = sa.select(ResearchJob).where(ResearchJob.owner_id == user.id)
    if status:
        stmt = stmt.where(ResearchJob.status == status)
    return paginate(stmt.order_by(ResearchJob.created_at.desc(), ResearchJob.id.desc()), page, page_size)


def get_job(user: User, job_id: int) -> ResearchJob:
    """The caller's job; another user's job is 404, as if it did not exist."""
    job = db.session.get(ResearchJob, job_id)
    if job is None or job.owner_id != user.id:
        raise AppError.not_found("Research job")
    return job


def events_after(job_id: int, after: int = 0, limit: int = 200) -> list[ResearchEvent]:
    return list(db.session.scalars(sa.select(ResearchEvent).where(
        ResearchEvent.job_id == job_id, ResearchEvent.id > after).order_by(ResearchEvent.id).limit(limit)))


def report(job_id: int, stage: str, progress: int, message: str, **changes: Any) -> None:
    """Record one progress step (and any other column changes) and beat the heart, then commit.

    Only a job still running is changed: a job recovered elsewhere is no longer this run's to write.
    """
    now = datetime.now(UTC)
    result = db.session.execute(sa.update(ResearchJob).where(
        ResearchJob.id == job_id, ResearchJob.status == "running").values(
        stage=stage, progress=progress, heartbeat_at=now, **changes))
    if result.rowcount:
        db.session.add(ResearchEvent(job_id=job_id, stage=stage, progress=progress, message=message,
                                     created_at=now))
    db.session.commit()
    if not result.rowcount:
        raise JobLost(job_id)


class JobLost(Exception):
    """The job is no longer running under this worker (finished, or failed by a recovery)."""


def finish(job_id: int, sources: list[dict[str, Any]], brief: str, method: str, message: str) -> None:
    report(job_id, "done", 100, message, status="done", sources=sources, brief=brief, brief_method=method,
           finished_at=datetime.now(UTC), error_code=None, error_message=None)


def fail(job_id: int, code: str, message: str, *, statuses: tuple[str, ...] = ("queued", "running")) -> bool:
    """Mark a job failed with a reason (only one not already finished); True when it was."""
    now = datetime.now(UTC)
    result = db.session.execute(sa.update(ResearchJob).where(
        ResearchJob.id == job_id, ResearchJob.status.in_(statuses)).values(
        status="failed", stage="failed", error_code=code, error_message=message, finished_at=now,
        heartbeat_at=now))
    if result.rowcount:
        progress = db.session.scalar(sa.select(ResearchJob.progress).where(ResearchJob.id == job_id)) or 0
        db.session.add(ResearchEvent(job_id=job_id, stage="failed", progress=progress,
                                     message=f"Failed: {message}", created_at=now))
    db.session.commit()
    return bool(result.rowcount)


def is_finished(status: str) -> bool:
    return status in FINISHED
