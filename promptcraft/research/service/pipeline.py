"""One run of a research job, stage by stage. It runs outside any request (runner.py gives it an
app context); it holds no database session while it waits on Tavily or a model."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.research.models import ResearchEvent, ResearchJob
from promptcraft.research.service import brief, gather, web
from promptcraft.research.service.jobs import JobLost, fail, finish, report

log = logging.getLogger("promptcraft.research")


def claim(job_id: int) -> bool:
    """Move a queued job to running (one worker wins: the update is conditional)."""
    now = datetime.now(UTC)
    result = db.session.execute(sa.update(ResearchJob).where(
        ResearchJob.id == job_id, ResearchJob.status == "queued").values(
        status="running", stage="starting", attempts=ResearchJob.attempts + 1, started_at=now, heartbeat_at=now))
    if result.rowcount:
        db.session.add(ResearchEvent(job_id=job_id, stage="starting", progress=1, message="Started.",
                                     created_at=now))
    db.session.commit()
    return bool(result.rowcount)


def run(job_id: int) -> None:
    """Run a queued job to `done`, or to `failed` with the reason; never leaves it running."""
    if not claim(job_id):
        return
    try:
        _stages(job_id)
    except JobLost:
        db.session.rollback()
        log.info("research job %s was taken over or finished elsewhere", job_id)
    except AppError as error:
        db.session.rollback()
        fail(job_id, error.code, error.message)
    except Exception:  # a job must end: record the failure rather than leave it running
        db.session.rollback()
        log.exception("research job %s failed", job_id)
        fail(job_id, "internal_error", "Something went wrong while researching; it has been logged.")
    finally:
        db.session.remove()


def _stages(job_id: int) -> None:
    job = db.session.get(ResearchJob, job_id)
    topic, depth_name, owner_id = job.topic, job.depth, job.owner_id
    depth = gather.DEPTHS[depth_name]
    report(job_id, "planning", 5, f"Researching “{topic}” ({depth_name}).")

    user = db.session.get(User, owner_id)
    report(job_id, "library", 15, "Searching the library…")
    library = gather.library(user, topic, depth)
    report(job_id, "library", 35, f"Found {len(library)} template(s) in the library.")
    own = gather.own(db.session.get(User, owner_id), topic, depth)
    report(job_id, "history", 50, f"Found {len(own)} of your saved prompts and history entries.")

    pages = []
    if web.configured():
        report(job_id, "web", 55, "Searching the web (Tavily)…")  # commits: no session held while waiting
        try:
            pages = gather.web(web.search(topic, max_results=depth.web, depth=depth.web_depth))
            message = f"Found {len(pages)} web page(s)."
        except web.WebSearchError as error:
            message = f"Web search failed ({error.message}); continuing with the library and your prompts."
        report(job_id, "web", 70, message)
    else:
        report(job_id, "web", 70, "Web search is off (no Tavily key); using the library and your prompts.")

    sources = gather.numbered(library, own, pages)
    report(job_id, "writing", 80, f"Writing the brief from {len(sources)} source(s)…")
    text, method, note = brief.write(db.session.get(User, owner_id), topic, sources, depth.points)
    if note:
        report(job_id, "writing", 90, note)
    used = brief.cited(text)
    stored = [{**{k: v for k, v in s.items() if k != "text"}, "cited": s["n"] in used} for s in sources]
    finish(job_id, stored, text, method, f"Brief ready: {len(used)} of {len(sources)} source(s) cited.")
