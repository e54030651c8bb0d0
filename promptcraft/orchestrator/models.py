"""What the intelligence features remember: optimisation runs, assistant threads and their
steps, and the feedback users give on AI results."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import JSONType


class OptimizationRun(db.Model):
    __tablename__ = "optimization_runs"
    __table_args__ = (sa.Index("ix_optimization_runs_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16), default="optimize")  # optimize or iterate
    goal: Mapped[str] = mapped_column(sa.Text, default="")
    original: Mapped[str] = mapped_column(sa.Text)
    optimized: Mapped[str] = mapped_column(sa.Text)
    score_before: Mapped[float]
    score_after: Mapped[float]
    iterations: Mapped[int] = mapped_column(default=1)
    method: Mapped[str] = mapped_column(sa.String(32))  # local, or the provider that rewrote it
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssistantThread(db.Model):
    __tablename__ = "assistant_threads"
    __table_args__ = (sa.Index("ix_assistant_threads_user_updated", "user_id", "updated_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    assistant_id: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    steps: Mapped[list[AssistantStep]] = relationship(
        back_populates="thread", order_by="AssistantStep.position", cascade="all, delete-orphan", passive_deletes=True)


class AssistantStep(db.Model):
    """One step of a run: the user's message, a tool call with its result, or a reply."""

    __tablename__ = "assistant_steps"
    __table_args__ = (sa.UniqueConstraint("thread_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("assistant_threads.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))  # user, tool, assistant
    content: Mapped[str] = mapped_column(sa.Text, default="")
    tool: Mapped[str | None] = mapped_column(sa.String(64))
    arguments: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    result: Mapped[Any] = mapped_column(JSONType, nullable=True)
    provider: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    thread: Mapped[AssistantThread] = relationship(back_populates="steps")


class Feedback(db.Model):
    """A user's rating of an AI result; it moves what suggestions and recommendations show."""

    __tablename__ = "ai_feedback"
    __table_args__ = (sa.Index("ix_ai_feedback_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(32))
    target_id: Mapped[str] = mapped_column(sa.String(64))
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"), index=True)
    rating: Mapped[int]  # 1-5
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
