"""AskMe sessions (the plan, the answers, the final prompt) and the events a stream replays."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import JSONType

STATUSES = ("open", "finalizing", "finished")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class AskMeSession(db.Model):
    """One guided build. `questions` is the plan in asking order (follow-ups sit after the question
    that opened them); `answers` maps question ids to answers; `known` holds the slots the goal,
    the profile or earlier sessions already answered, with where each came from."""

    __tablename__ = "askme_sessions"
    __table_args__ = (sa.Index("ix_askme_sessions_user_updated", "user_id", "updated_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    goal: Mapped[str] = mapped_column(sa.Text)
    context: Mapped[str] = mapped_column(sa.Text, default="")
    task_type: Mapped[str] = mapped_column(sa.String(32))
    category: Mapped[str | None] = mapped_column(sa.String(64))
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(sa.String(16), default="local")  # who planned the questions
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    answers: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    known: Mapped[dict[str, dict[str, str]]] = mapped_column(JSONType, default=dict)
    completeness: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    final_prompt: Mapped[str | None] = mapped_column(sa.Text)
    score: Mapped[float | None]
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    history_id: Mapped[int | None] = mapped_column(sa.ForeignKey("prompt_history.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def current_question(self) -> dict[str, Any] | None:
        """The first question without an answer (None when every question is answered)."""
        return next((q for q in self.questions if not (self.answers or {}).get(q["id"])), None)


class AskMeEvent(db.Model):
    """Something that happened in a session, in order: what stream/ sends, and replays on reconnect."""

    __tablename__ = "askme_events"
    __table_args__ = (sa.Index("ix_askme_events_session_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("askme_sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
