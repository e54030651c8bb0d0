"""JSON and streaming endpoints of AskMe under /api/v2/ai/askme/."""
from __future__ import annotations

import uuid

from flask import current_app

from promptcraft import sse
from promptcraft.ai.api import STREAM_DOC
from promptcraft.askme import schemas, service
from promptcraft.auth.identity import login_required, require_user, staff_required
from promptcraft.extensions import db
from promptcraft.http import ApiBlueprint, document_errors
from promptcraft.pagination import page_schema

blp = ApiBlueprint("askme", __name__, url_prefix="/api/v2/ai/askme",
                   description="AskMe: a guided prompt builder that asks only what the prompt still needs")


@blp.route("/start/", methods=["POST"])
@blp.arguments(schemas.AskMeStartSchema)
@blp.response(201, schemas.AskMeSessionSchema)
@document_errors(402)
@login_required
def start(data):
    """Start a session: the questions a strong prompt for this goal still needs, each with why."""
    return service.start(require_user(), data.get("goal") or data["intent"], data["context"], data.get("task_type"))


@blp.route("/answer/", methods=["POST"])
@blp.arguments(schemas.AskMeAnswerSchema)
@blp.response(200, schemas.AskMeAnswerResultSchema)
@document_errors(404, 409)
@login_required
def answer(data):
    """Answer (or change the answer to) a question: follow-ups it opens and the new completeness."""
    session, opened = service.answer(require_user(), data["session_id"], data["question_id"], data["answer"])
    return {"session_id": session.id, "question_id": data["question_id"], "follow_ups": opened,
            "completeness": session.completeness, "next_question": session.current_question, "session": session}


@blp.route("/finalize/", methods=["POST"])
@blp.arguments(schemas.AskMeSessionIdSchema)
@blp.response(200, schemas.AskMeFinalizeResultSchema)
@document_errors(402, 404, 409)
@login_required
def finalize(data):
    """Compose the prompt from the answers and the best library template, score it, save it to history."""
    session = service.finalize(require_user(), data["session_id"])
    return {"session_id": session.id, "prompt": session.final_prompt, "score": session.score,
            "assessment": session.assessment, "history_id": session.history_id,
            "template_id": session.template_id, "session": session}


@blp.route("/stream/", methods=["GET"])
@blp.arguments(schemas.AskMeStreamQuerySchema, location="query")
@blp.alt_response(200, success=True, **STREAM_DOC)
@document_errors(404)
@login_required
def stream(args):
    """The session's events as Server-Sent Events: those so far, then each as it happens, then done."""
    session = service.get_session(require_user(), args["session_id"])
    after = sse.resume_after(args["after"])
    chunks = service.stream(session.id, after, max_seconds=current_app.config["ASKME_STREAM_SECONDS"],
                            keepalive_seconds=current_app.config["AI_KEEPALIVE_SECONDS"])
    start_event = {"session_id": str(session.id)}
    db.session.remove()  # no connection is held while the stream is open
    return sse.response(_frames(start_event, chunks))


def _frames(start_event, chunks):
    yield sse.event("start", start_event)
    for name, payload in chunks:
        yield sse.KEEP_ALIVE if name == "keep-alive" else sse.event(name, payload)


@blp.route("/sessions/", methods=["GET"])
@blp.arguments(schemas.AskMeSessionQuerySchema, location="query")
@blp.response(200, page_schema(schemas.AskMeSessionSummarySchema))
@login_required
def sessions(args):
    """Your sessions, most recently touched first (`status=open` lists those you can resume)."""
    return service.list_sessions(require_user(), **args)


@blp.route("/sessions/<uuid:session_id>/", methods=["GET"])
@blp.response(200, schemas.AskMeSessionSchema)
@login_required
def session_detail(session_id: uuid.UUID):
    """One session with its questions, answers and (once finalised) the prompt: enough to resume it."""
    return service.get_session(require_user(), session_id)


@blp.route("/sessions/<uuid:session_id>/", methods=["DELETE"], endpoint="delete_session")
@blp.route("/sessions/<uuid:session_id>/delete/", methods=["DELETE"], endpoint="delete_session_alias")
@blp.response(204)
@login_required
def delete_session(session_id: uuid.UUID):
    """Delete a session (a prompt it saved stays in your history)."""
    service.delete_session(require_user(), session_id)


@blp.route("/debug/", methods=["GET"])
@blp.response(200, schemas.AskMeDebugSchema)
@staff_required
def debug():
    """How AskMe is used: sessions by status and planner, averages, the slots and follow-ups asked."""
    return service.stats()
