"""Chat sessions, their messages, and the reusable prompts found in them."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import JSONType

# pending: waiting for its stream; streaming: being written; complete / interrupted / error: final.
MESSAGE_STATUSES = ("pending", "streaming", "complete", "interrupted", "error")


class ChatSession(db.Model):
    __tablename__ = "chat_sessions"
    __table_args__ = (sa.Index("ix_chat_sessions_user_updated", "user_id", "updated_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200), default="New chat")
    model: Mapped[str | None] = mapped_column(sa.String(100))
    system_prompt: Mapped[str] = mapped_column(sa.Text, default="")
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    messages: Mapped[list[ChatMessage]] = relationship(
        back_populates="session", order_by="ChatMessage.created_at", cascade="all, delete-orphan",
        passive_deletes=True)


class ChatMessage(db.Model):
    __tablename__ = "chat_messages"
    __table_args__ = (sa.Index("ix_chat_messages_session_created", "session_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[str] = mapped_column(sa.Text, default="")
    reasoning: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="complete")
    provider: Mapped[str | None] = mapped_column(sa.String(32))
    model: Mapped[str | None] = mapped_column(sa.String(100))
    finish_reason: Mapped[str | None] = mapped_column(sa.String(64))
    error_code: Mapped[str | None] = mapped_column(sa.String(64))
    error_message: Mapped[str | None] = mapped_column(sa.String(500))
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ChatSession] = relationship(back_populates="messages")


class ExtractedTemplate(db.Model):
    """A prompt from a conversation that looks reusable, proposed for the user's library."""

    __tablename__ = "extracted_templates"
    __table_args__ = (sa.UniqueConstraint("user_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("chat_sessions.id", ondelete="SET NULL"))
    message_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("chat_messages.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    content: Mapped[str] = mapped_column(sa.Text)
    variables: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    category: Mapped[str | None] = mapped_column(sa.String(64))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    score: Mapped[float] = mapped_column(default=0.0)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending, approved, rejected
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
