"""JSON and streaming endpoints of the chat under /api/v2/chat/."""
from __future__ import annotations

import uuid

from flask import current_app

from promptcraft import sse
from promptcraft.ai.api import STREAM_DOC
from promptcraft.ai.gateway import gateway
from promptcraft.ai.relay import relay
from promptcraft.ai.service import chat_request
from promptcraft.auth.identity import current_identity, login_required, require_user
from promptcraft.chat import schemas, service
from promptcraft.core.service import database_ok
from promptcraft.extensions import db
from promptcraft.http import ApiBlueprint, document_errors
from promptcraft.pagination import PageQuerySchema, page_schema

blp = ApiBlueprint("chat", __name__, url_prefix="/api/v2/chat", description="Chat sessions, streaming replies")


@blp.route("/completions/", methods=["POST"])
@blp.arguments(schemas.CompletionRequestSchema)
@blp.alt_response(200, success=True, **STREAM_DOC)
@document_errors(402, 502, 503, 504)
@login_required
def completions(data):
    """Send a message (new or continued session) and stream the reply; everything is saved."""
    user = require_user()
    session, _, reply = service.start_turn(user, data, streaming=True)
    request = service.request_for(session, data, current_app.config["CHAT_HISTORY_TOKEN_BUDGET"])
    stream = service.open_reply(user, reply, request)
    start = {"session_id": str(session.id), "message_id": str(reply.id)}
    user_id, reply_id = user.id, reply.id
    db.session.remove()
    return sse.response(relay(stream, start=start,
                              on_end=lambda s, outcome: service.save_reply(user_id, reply_id, s, outcome)))


@blp.route("/completions/basic/", methods=["POST"])
@blp.arguments(schemas.BasicCompletionSchema)
@blp.alt_response(200, success=True, **STREAM_DOC)
@document_errors(402, 502, 503, 504)
@login_required
def basic_completions(data):
    """A plain streaming proxy: the reply streams back, nothing is saved but the usage row."""
    stream = gateway().open_stream(require_user(), chat_request(data["messages"], data), kind="chat-basic")
    db.session.remove()
    return sse.response(relay(stream))


@blp.route("/sessions/", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, page_schema(schemas.ChatSessionSchema))
@login_required
def sessions(args):
    """Your chat sessions, most recent first."""
    return service.list_sessions(require_user(), args["page"], args["page_size"])


@blp.route("/sessions/<uuid:session_id>/", methods=["GET"])
@blp.response(200, schemas.ChatSessionDetailSchema)
@login_required
def session_detail(session_id: uuid.UUID):
    """One session with all its messages."""
    return service.get_session(require_user(), session_id)


@blp.route("/sessions/<uuid:session_id>/", methods=["DELETE"], endpoint="delete_session")
@blp.response(204)
@login_required
def delete_session(session_id: uuid.UUID):
    """Delete a session and its messages."""
    service.delete_session(require_user(), session_id)


@blp.route("/templates/status/", methods=["GET"])
@blp.response(200, schemas.ExtractionStatusSchema)
@login_required
def extraction_status():
    """The template-extraction service: how it works and what it proposed to you."""
    return service.extraction_status(require_user())


@blp.route("/templates/extracted/", methods=["GET"])
@blp.arguments(schemas.ExtractedQuerySchema, location="query")
@blp.response(200, page_schema(schemas.ExtractedSchema))
@login_required
def extracted(args):
    """Reusable prompts found in your chats, proposed as templates."""
    return service.list_extracted(require_user(), args.get("status"), args["page"], args["page_size"])


@blp.route("/templates/extracted/<id:proposal_id>/", methods=["PATCH"])
@blp.arguments(schemas.DecisionSchema)
@blp.response(200, schemas.ExtractedSchema)
@document_errors(409)
@login_required
def decide(data, proposal_id: int):
    """Approve a proposal (it becomes a private template in your library) or reject it."""
    return service.decide(require_user(), proposal_id, data)


@blp.route("/health/", methods=["GET"])
@blp.response(200, schemas.ChatHealthSchema)
def health():
    """Whether chat can work: the database and the provider chain."""
    ok, _, _ = database_ok()
    providers = current_app.extensions["ai"].status()
    usable = any(p["configured"] and p["reachable"] is not False for p in providers)
    return {"status": "ok" if ok and usable else "degraded", "database": "ok" if ok else "down",
            "providers": providers}


@blp.route("/auth-test/", methods=["GET"])
@blp.response(200, schemas.AuthTestSchema)
def auth_test():
    """Who the server thinks you are (handy when wiring a client)."""
    identity = current_identity()
    return {"authenticated": identity is not None, "via": identity.via if identity else None,
            "username": identity.user.username if identity else None}
