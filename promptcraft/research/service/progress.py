"""A job's progress as a stream of domain chunks (the API frames them as SSE): every step
recorded after the client's last one, then one final chunk when the job has finished.

It polls in short, fresh sessions and holds none while it sleeps, so a watched job costs no
connection. A job it finds stale is handed to recovery, so a watcher never waits forever."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from flask import current_app

from promptcraft.extensions import db
from promptcraft.research.models import ResearchJob
from promptcraft.research.service.jobs import events_after

KEEPALIVE = "keep-alive"
KEEPALIVE_SECONDS = 15  # proxies drop connections that stay silent for long


def follow(job_id: int, after: int = 0) -> Iterator[tuple[str, dict[str, Any], int | None] | str]:
    """Yield ("progress", step, id) for each step, then ("done" | "error", summary, None); KEEPALIVE while idle."""
    from promptcraft.research import runner

    poll = current_app.config["RESEARCH_POLL_SECONDS"]
    keepalive_every = max(1, round(KEEPALIVE_SECONDS / poll))
    idle = 0
    while True:
        steps = events_after(job_id, after)
        job = db.session.get(ResearchJob, job_id)
        if job is None:
            db.session.remove()
            yield "error", {"code": "not_found", "message": "The research job no longer exists."}, None
            return
        for step in steps:
            after = step.id
            yield "progress", {"stage": step.stage, "progress": step.progress, "message": step.message,
                               "status": job.status}, step.id
        finished, stale = job.finished, job.heartbeat_at is not None and job.heartbeat_at < runner.stale_before()
        final = _final(job) if finished and not events_after(job_id, after) else None
        db.session.remove()
        if final is not None:
            yield final
            return
        if stale:
            runner.recover()
            db.session.remove()
        if not steps:
            idle += 1
            if idle % keepalive_every == 0:
                yield KEEPALIVE
        time.sleep(poll)


def _final(job: ResearchJob) -> tuple[str, dict[str, Any], None]:
    if job.status == "done":
        cited = sum(1 for s in job.sources if s.get("cited"))
        return "done", {"job_id": job.id, "status": "done", "sources": len(job.sources), "cited": cited,
                        "brief_method": job.brief_method}, None
    return "error", {"job_id": job.id, "code": job.error_code or "failed",
                     "message": job.error_message or "The job failed."}, None
