"""The chat page: a session list, messages, and replies streaming in over SSE.

Sending a message saves it and a pending reply, and returns both as a fragment whose reply
opens an EventSource on /chat/messages/<id>/stream. That endpoint claims the pending reply
once: a reconnect (EventSource retries by itself) gets 204 and never starts a second call.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, request, url_for

from promptcraft import sse
from promptcraft.ai.relay import relay
from promptcraft.auth.identity import login_required, require_user
from promptcraft.chat import service
from promptcraft.chat.schemas import CompletionRequestSchema
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.htmx import hx_redirect, render_page

bp = Blueprint("chat_pages", __name__)


def _page(session=None, status: int = 200):
    user = require_user()
    sessions = service.list_sessions(user, 1, 50).results
    providers = current_app.extensions["ai"].status()
    return render_page("chat/chat.html", session=session, sessions=sessions, providers=providers), status


@bp.route("/chat")
@login_required
def chat():
    """Start a new chat."""
    return _page()


@bp.route("/chat/<uuid:session_id>")
@login_required
def session(session_id: uuid.UUID):
    """A chat with its messages (a reply still streaming picks up where it is)."""
    return _page(service.get_session(require_user(), session_id))


@bp.route("/chat/send", methods=["POST"])
@login_required
def send():
    """Save the message and a pending reply; the reply streams into the page over SSE."""
    user = require_user()
    raw = {"message": request.form.get("message", "")}
    if request.form.get("session_id"):
        raw["session_id"] = request.form["session_id"]
    data = CompletionRequestSchema().load(raw)
    session, question, reply = service.start_turn(user, data)
    if not raw.get("session_id"):  # a new chat opens its own page, where the reply streams in
        return hx_redirect(url_for("chat_pages.session", session_id=session.id))
    return render_page("chat/_turn.html", question=question, reply=reply)


@bp.route("/chat/messages/<uuid:message_id>/stream")
@login_required
def stream(message_id: uuid.UUID):
    """The reply as Server-Sent Events; 204 once it has started, so a reconnect stops there."""
    user = require_user()
    reply = service.get_message(user, message_id)
    if reply.role != "assistant" or not service.claim(reply.id):
        return "", 204
    request_ = service.request_for(reply.session, {}, current_app.config["CHAT_HISTORY_TOKEN_BUDGET"])
    try:
        upstream = service.open_reply(user, reply, request_)
    except AppError as error:  # an EventSource cannot read a JSON error: say it as an event
        return sse.response(iter([sse.event("error", {"code": error.code, "message": error.message})]))
    user_id, reply_id = user.id, reply.id
    db.session.remove()
    return sse.response(relay(upstream, start={"session_id": str(reply.session_id), "message_id": str(reply_id)},
                              on_end=lambda s, outcome: service.save_reply(user_id, reply_id, s, outcome)))


@bp.route("/chat/messages/<uuid:message_id>")
@login_required
def message(message_id: uuid.UUID):
    """One message as it is stored (the reply's final state after its stream)."""
    return render_page("chat/_message.html", message=service.get_message(require_user(), message_id))


@bp.route("/chat/<uuid:session_id>", methods=["DELETE"])
@login_required
def delete(session_id: uuid.UUID):
    """Delete a chat."""
    service.delete_session(require_user(), session_id)
    return hx_redirect(url_for("chat_pages.chat"))


@bp.route("/ai/providers")
def providers():
    """The provider chain and its models."""
    from promptcraft.ai.service import models

    return render_page("chat/providers.html", providers=current_app.extensions["ai"].status(), models=models())
