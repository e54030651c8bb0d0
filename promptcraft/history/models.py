"""The history domain's tables: prompt runs, saved prompts, their iterations and threads.

Every row belongs to one user and is soft-deleted: `deleted_at` set means "in the trash".
"""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from promptcraft.auth.models import User
from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import JSONType

# Where a history entry came from; the domains that call `record_prompt` pass one of these.
SOURCES = ("manual", "chat", "askme", "generate", "optimizer", "template", "assistant", "research", "api")


class Owned:
    """The owner and the timestamps every history table carries."""

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PromptHistory(Owned, db.Model):
    """One prompt the user ran: what was sent, what came back, what it cost."""

    __tablename__ = "prompt_history"
    __table_args__ = (sa.Index("ix_prompt_history_user_created", "user_id", "deleted_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    original_prompt: Mapped[str] = mapped_column(sa.Text)
    optimized_prompt: Mapped[str | None] = mapped_column(sa.Text)
    response: Mapped[str | None] = mapped_column(sa.Text)
    provider: Mapped[str] = mapped_column(sa.String(64), default="")
    model: Mapped[str] = mapped_column(sa.String(120), default="")
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(sa.String(64), default="")
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tokens_used: Mapped[int] = mapped_column(default=0)
    cost: Mapped[float] = mapped_column(default=0.0)
    quality_score: Mapped[float | None]
    source: Mapped[str] = mapped_column(sa.String(32), default="manual")
    is_favorite: Mapped[bool] = mapped_column(default=False)


class SavedPrompt(Owned, db.Model):
    """A prompt the user keeps in their library; public ones can be browsed and copied by anyone."""

    __tablename__ = "saved_prompts"
    __table_args__ = (
        sa.Index("ix_saved_prompts_user_created", "user_id", "deleted_at", "created_at"),
        sa.Index("ix_saved_prompts_public_created", "is_public", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    category: Mapped[str] = mapped_column(sa.String(64), default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    is_favorite: Mapped[bool] = mapped_column(default=False)
    # How many times it was copied into a library (its owner's or someone else's).
    use_count: Mapped[int] = mapped_column(default=0)
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"), index=True)
    duplicated_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("saved_prompts.id", ondelete="SET NULL"), index=True
    )

    owner: Mapped[User] = relationship()  # joined-loaded where shown: the public listing

    @property
    def owner_name(self) -> str:
        return self.owner.username


class PromptIteration(Owned, db.Model):
    """One version of a prompt. Its parent is its thread when it has one, else its saved prompt;
    versions are numbered 1, 2, 3… within the parent, and exactly one live version per parent is active."""

    __tablename__ = "prompt_iterations"
    __table_args__ = (sa.Index("ix_prompt_iterations_user_created", "user_id", "deleted_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_prompt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("saved_prompts.id", ondelete="SET NULL"), index=True
    )
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("prompt_threads.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    prompt: Mapped[str] = mapped_column(sa.Text)
    response: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    score: Mapped[float | None]
    is_bookmarked: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=False)


class PromptThread(Owned, db.Model):
    """A conversation of iterations: the user refines a prompt turn by turn."""

    __tablename__ = "prompt_threads"
    __table_args__ = (sa.Index("ix_prompt_threads_user_updated", "user_id", "deleted_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    saved_prompt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("saved_prompts.id", ondelete="SET NULL"), index=True
    )

    # Live iterations only, oldest version first (loaded when a thread is shown on its own).
    iterations: Mapped[list[PromptIteration]] = relationship(
        primaryjoin="and_(PromptThread.id == PromptIteration.thread_id, PromptIteration.deleted_at.is_(None))",
        order_by="PromptIteration.version",
        viewonly=True,
    )
    iteration_count: Mapped[int] = column_property(
        sa.select(sa.func.count(PromptIteration.id))
        .where(PromptIteration.thread_id == id, PromptIteration.deleted_at.is_(None))
        .correlate_except(PromptIteration)
        .scalar_subquery()
    )
