"""Chat use cases: sessions, turns, streaming replies, and the extracted-template proposals.

A turn saves the user's message at once (nothing a user wrote is lost), then an assistant
message that the stream fills. The stream's final state is saved in a short transaction of its
own: complete, interrupted (the client left, partial text kept) or error.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from promptcraft import background, signals
from promptcraft.ai.gateway import GatewayStream, gateway
from promptcraft.ai.providers.local import estimate_tokens
from promptcraft.ai.types import ChatRequest
from promptcraft.auth.models import User
from promptcraft.chat import extraction
from promptcraft.chat.models import ChatMessage, ChatSession, ExtractedTemplate
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.pagination import Page, paginate

OPTIONS = ("model", "temperature", "max_tokens", "thinking")
HISTORY_ROLES = ("user", "assistant")
FINAL = {"ok": "complete", "error": "error", "interrupted": "interrupted"}


def list_sessions(user: User, page: int, page_size: int) -> Page:
    stmt = sa.select(ChatSession).where(ChatSession.user_id == user.id).order_by(ChatSession.updated_at.desc())
    return paginate(stmt, page, page_size)


def get_session(user: User, session_id: uuid.UUID) -> ChatSession:
    session = db.session.get(ChatSession, session_id)
    if session is None or session.user_id != user.id:
        raise AppError.not_found("Chat session")
    return session


def delete_session(user: User, session_id: uuid.UUID) -> None:
    db.session.delete(get_session(user, session_id))
    db.session.commit()


def get_message(user: User, message_id: uuid.UUID) -> ChatMessage:
    message = db.session.get(ChatMessage, message_id)
    if message is None or message.session.user_id != user.id:
        raise AppError.not_found("Message")
    return message


def _system_prompt(user: User, data: dict[str, Any]) -> tuple[str, int | None]:
    """A library template rendered with its variables becomes the session's system prompt."""
    if not data.get("template_id"):
        return data.get("system") or "", None
    from promptcraft.prompt_templates import service as templates

    template, text = templates.render_template(data["template_id"], user, data.get("variables") or {}, record=False)
    templates.record_usage(template, user, "chat")
    return text, template.id


def start_turn(user: User, data: dict[str, Any], *, streaming: bool = False
               ) -> tuple[ChatSession, ChatMessage, ChatMessage]:
    """Save the user's message (continuing `session_id` or starting a session) and the reply,
    pending until a stream claims it.

    `streaming`: this request streams the reply now, so it starts as `streaming`, and the turn is
    only flushed: the gateway commits it with its quota check, before any upstream call (and a
    refusal is saved on the reply, see open_reply)."""
    if data.get("session_id"):
        session = get_session(user, data["session_id"])
        texts = [data["message"]] if data.get("message") else [
            m["content"] for m in data.get("messages", []) if m["role"] == "user"][-1:]
    else:
        system, template_id = _system_prompt(user, data)
        texts = [data["message"]] if data.get("message") else []
        session = ChatSession(id=uuid.uuid4(), user_id=user.id, model=data.get("model"), system_prompt=system,
                              template_id=template_id)
        db.session.add(session)
        if data.get("messages"):  # an OpenAI-style history starts the session, older than the question
            for item in data["messages"]:
                if item["role"] == "system" and not session.system_prompt:
                    session.system_prompt = item["content"]
                elif item["role"] in HISTORY_ROLES:
                    db.session.add(ChatMessage(session_id=session.id, role=item["role"], content=item["content"]))
            db.session.flush()
    if not texts and not data.get("messages"):
        raise AppError.invalid("Send a message.", {"message": ["Missing data for required field."]})
    question = None
    for text in texts:
        question = ChatMessage(session_id=session.id, role="user", content=text)
        db.session.add(question)
    if question is None:  # the history's last user message is the question
        question = db.session.scalars(sa.select(ChatMessage).where(
            ChatMessage.session_id == session.id, ChatMessage.role == "user").order_by(ChatMessage.created_at.desc())
        ).first()
        if question is None:
            raise AppError.invalid("The conversation needs a user message.", {"messages": ["No user message."]})
    if session.title == "New chat" or not session.title:
        session.title = extraction.title_for(question.content)[:200]
    reply = ChatMessage(session_id=session.id, role="assistant", status="streaming" if streaming else "pending")
    db.session.add(reply)
    session.updated_at = utcnow()
    if streaming:
        db.session.flush()
    else:
        db.session.commit()
    return session, question, reply


def history_for(session: ChatSession, budget: int) -> list[dict[str, str]]:
    """The conversation sent upstream: the system prompt and the newest messages that fit `budget`
    tokens (estimated); failed and unfinished replies are left out."""
    rows = db.session.scalars(sa.select(ChatMessage).where(
        ChatMessage.session_id == session.id, ChatMessage.role.in_(HISTORY_ROLES),
        ChatMessage.status.in_(("complete", "interrupted")), ChatMessage.content != "",
    ).order_by(ChatMessage.created_at.desc(), ChatMessage.role.desc())).all()
    kept, used = [], estimate_tokens(session.system_prompt) if session.system_prompt else 0
    for message in rows:
        cost = estimate_tokens(message.content) + 4
        if kept and used + cost > budget:
            break
        kept.append({"role": message.role, "content": message.content})
        used += cost
    kept.reverse()
    return ([{"role": "system", "content": session.system_prompt}] if session.system_prompt else []) + kept


def request_for(session: ChatSession, data: dict[str, Any], budget: int) -> ChatRequest:
    options = {key: data.get(key) for key in OPTIONS}
    options["model"] = options["model"] or session.model
    if data.get("message") and not data.get("session_id") and not data.get("messages"):
        # A session this request started holds the system prompt and the message: nothing to read.
        system = [{"role": "system", "content": session.system_prompt}] if session.system_prompt else []
        return ChatRequest(system + [{"role": "user", "content": data["message"]}], **options)
    return ChatRequest(history_for(session, budget), **options)


def claim(message_id: uuid.UUID) -> bool:
    """Mark a pending reply as streaming; False if it already started or finished (a reconnect)."""
    claimed = db.session.execute(sa.update(ChatMessage).where(
        ChatMessage.id == message_id, ChatMessage.status == "pending").values(status="streaming")).rowcount
    db.session.commit()
    return bool(claimed)


def open_reply(user: User, reply: ChatMessage, request: ChatRequest) -> GatewayStream:
    """Start the model's answer; a failure before the first byte is saved on the reply, then raised."""
    try:
        return gateway().open_stream(user, request, kind="chat")
    except AppError as error:
        fail(reply.id, error.code, error.message)
        raise


def fail(message_id: uuid.UUID, code: str, text: str) -> None:
    db.session.execute(sa.update(ChatMessage).where(ChatMessage.id == message_id).values(
        status="error", error_code=code, error_message=text[:500], completed_at=utcnow()))
    db.session.commit()


# Built once: the end of every streamed reply runs them. The reply's final state (error fields
# None unless it failed); its session's time; the question it answered.
REPLY_FIELDS = ("content", "reasoning", "status", "provider", "model", "finish_reason", "prompt_tokens",
                "completion_tokens", "completed_at", "error_code", "error_message")
MESSAGES, SESSIONS = ChatMessage.__table__, ChatSession.__table__
FINISH_REPLY = (sa.update(MESSAGES).where(MESSAGES.c.id == sa.bindparam("message_id"))
                .values({name: sa.bindparam(f"new_{name}") for name in REPLY_FIELDS})
                .returning(MESSAGES.c.session_id, MESSAGES.c.created_at))
TOUCH_SESSION = (sa.update(SESSIONS).where(SESSIONS.c.id == sa.bindparam("session_id"))
                 .values(updated_at=sa.bindparam("now")))
QUESTION = (sa.select(ChatMessage).where(ChatMessage.session_id == sa.bindparam("session_id"),
                                         ChatMessage.role == "user", ChatMessage.created_at <= sa.bindparam("asked"))
            .order_by(ChatMessage.created_at.desc()).limit(1))


def save_reply(user_id: uuid.UUID, message_id: uuid.UUID, stream: GatewayStream, outcome: str) -> dict[str, Any]:
    """Store what the stream produced, then look for reusable prompts in the turn.

    Runs at the end of a stream in a fresh, short-lived session, with plain updates (nothing is
    read back but the reply's session and time). Returns extra fields for the final event (the
    ids of new template proposals).
    """
    usage, content, now = stream.usage, "".join(stream.content), utcnow()
    status = FINAL[outcome]
    values = {"content": content, "reasoning": "".join(stream.reasoning), "status": status,
              "provider": stream.provider_name, "model": stream.model, "finish_reason": stream.finish_reason,
              "prompt_tokens": usage.prompt_tokens if usage else 0,
              "completion_tokens": usage.completion_tokens if usage else estimate_tokens(content), "completed_at": now,
              "error_code": stream.error.code if stream.error else None,
              "error_message": stream.error.message[:500] if stream.error else None}
    session_id, created_at = db.session.execute(FINISH_REPLY, {
        "message_id": message_id, **{f"new_{name}": value for name, value in values.items()}}).one()
    db.session.execute(TOUCH_SESSION, {"session_id": session_id, "now": now})
    proposals, question = [], None
    if status == "complete":
        question = db.session.scalars(QUESTION, {"session_id": session_id, "asked": created_at}).first()
        proposal = extraction.propose(user_id, question) if question else None
        proposals = [proposal.id] if proposal else []
    db.session.commit()
    background.send_later(signals.chat_message_finished, user_id, message_id=message_id, session_id=session_id,
                          status=status, tokens=values["prompt_tokens"] + values["completion_tokens"],
                          prompt=question.content if question else None, response=content,
                          provider=values["provider"], model=values["model"])
    db.session.remove()
    return {"message_id": str(message_id), "extracted_templates": proposals}


# --- extracted templates ---------------------------------------------------------------------

def list_extracted(user: User, status: str | None, page: int, page_size: int) -> Page:
    stmt = sa.select(ExtractedTemplate).where(ExtractedTemplate.user_id == user.id)
    if status:
        stmt = stmt.where(ExtractedTemplate.status == status)
    return paginate(stmt.order_by(ExtractedTemplate.created_at.desc()), page, page_size)


def decide(user: User, proposal_id: int, changes: dict[str, Any]) -> ExtractedTemplate:
    """Approve (it becomes a private template in the user's library, edits applied) or reject."""
    proposal = db.session.get(ExtractedTemplate, proposal_id)
    if proposal is None or proposal.user_id != user.id:
        raise AppError.not_found("Extracted template")
    if proposal.status != "pending":
        raise AppError.conflict(f"This proposal was already {proposal.status}.")
    for field in ("title", "content", "description"):
        if changes.get(field):
            setattr(proposal, field, changes[field])
    if changes["status"] == "approved":
        from promptcraft.prompt_templates import service as templates

        template = templates.create_template(user, {
            "title": proposal.title, "content": proposal.content, "description": proposal.description,
            "variables": [v for v in proposal.variables if v["name"] in extraction.placeholders(proposal.content)],
            "category": proposal.category, "tags": proposal.tags, "is_public": False})
        proposal.template_id = template.id
    proposal.status = changes["status"]
    proposal.decided_at = utcnow()
    db.session.commit()
    return proposal


def extraction_status(user: User) -> dict[str, Any]:
    counts = dict(db.session.execute(sa.select(ExtractedTemplate.status, sa.func.count()).where(
        ExtractedTemplate.user_id == user.id).group_by(ExtractedTemplate.status)).all())
    last = db.session.scalar(sa.select(sa.func.max(ExtractedTemplate.created_at)).where(
        ExtractedTemplate.user_id == user.id))
    return {"enabled": True, "method": "rubric and placeholder detection, de-duplicated against the library",
            "min_words": extraction.MIN_WORDS, "min_score": extraction.MIN_SCORE,
            "pending": counts.get("pending", 0), "approved": counts.get("approved", 0),
            "rejected": counts.get("rejected", 0), "last_proposal_at": last}
