"""JSON endpoints under /api/v2/research/: create and list jobs, read one, stream its progress."""
from __future__ import annotations

from collections.abc import Iterator

from flask import current_app

from promptcraft import sse
from promptcraft.auth.identity import login_required, require_user
from promptcraft.extensions import db
from promptcraft.http import ApiBlueprint
from promptcraft.pagination import page_schema
from promptcraft.research import runner, schemas, service
from promptcraft.research.service.progress import KEEPALIVE, follow

blp = ApiBlueprint("research", __name__, url_prefix="/api/v2/research",
                   description="Research jobs: sources from the library, your prompts and the web, and a cited brief")

STREAM_DOC = sse.stream_doc("Server-Sent Events: start, progress events (with ids, for Last-Event-ID), then "
                            "exactly one done or error event", "`start`, `progress`, `done` or `error`")


@blp.before_app_request
def _recover_left_jobs() -> None:
    """Once per process, before its first request: resume or fail jobs a dead process left."""
    runner.recover_once(current_app._get_current_object())


@blp.route("/jobs/", methods=["GET"])
@blp.arguments(schemas.ResearchJobQuerySchema, location="query")
@blp.response(200, page_schema(schemas.ResearchJobSummarySchema))
@login_required
def list_jobs(args):
    """The caller's research jobs, newest first (optionally of one status)."""
    return service.list_jobs(require_user(), **args)


@blp.route("/jobs/", methods=["POST"], endpoint="create_job")
@blp.arguments(schemas.ResearchJobCreateSchema)
@blp.response(201, schemas.ResearchJobSchema)
@login_required
def create_job(data):
    """Start researching a topic in the background (429 when today's allowance is used up)."""
    return service.create_job(require_user(), data)


@blp.route("/jobs/<id:job_id>/", methods=["GET"])
@blp.response(200, schemas.ResearchJobSchema)
@login_required
def get_job(job_id: int):
    """A job: status, progress and its steps, the sources and, once done, the brief citing them."""
    return service.get_job(require_user(), job_id)


@blp.route("/jobs/<id:job_id>/stream/", methods=["GET"])
@blp.arguments(schemas.ResearchStreamQuerySchema, location="query")
@blp.alt_response(200, success=True, **STREAM_DOC)
@login_required
def stream(args, job_id: int):
    """The job's progress as Server-Sent Events, ending when the job finishes; reconnecting resumes."""
    job = service.get_job(require_user(), job_id)
    after = sse.resume_after(args.get("last_event_id"))
    db.session.remove()  # no session is held while the stream is open
    return sse.response(frames(job.id, after))


def frames(job_id: int, after: int = 0, *, final: str | None = None) -> Iterator[str]:
    """SSE frames of a job's progress; `final` renames the last event (the page's stream ends
    with `done` either way, since an event named `error` is also an EventSource failure)."""
    yield sse.event("start", {"job_id": job_id})
    for chunk in follow(job_id, after):
        if chunk == KEEPALIVE:
            yield sse.comment()
        else:
            name, payload, event_id = chunk
            yield sse.event(final if final and name != "progress" else name, payload, event_id)
