"""Research jobs and the progress they report, one row per step (what the stream replays)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import JSONType

STATUSES = ("queued", "running", "done", "failed")
FINISHED = ("done", "failed")
DEPTHS = ("quick", "standard", "deep")


class ResearchJob(db.Model):
    """One research run. `heartbeat_at` moves with every step: a job "running" whose heartbeat
    is stale was left by a process that died, and is resumed or failed (see runner.recover)."""

    __tablename__ = "research_jobs"
    __table_args__ = (
        sa.Index("ix_research_jobs_owner_created", "owner_id", "created_at"),
        sa.Index("ix_research_jobs_status_heartbeat", "status", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(sa.String(300))
    depth: Mapped[str] = mapped_column(sa.String(16), default="standard")
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    stage: Mapped[str] = mapped_column(sa.String(32), default="queued")
    progress: Mapped[int] = mapped_column(default=0)  # percent
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    brief: Mapped[str] = mapped_column(sa.Text, default="")
    brief_method: Mapped[str | None] = mapped_column(sa.String(16))  # "model" or "local"
    error_code: Mapped[str | None] = mapped_column(sa.String(64))
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    events: Mapped[list[ResearchEvent]] = relationship(order_by="ResearchEvent.id",
                                                       viewonly=True)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def error(self) -> dict[str, str] | None:
        return {"code": self.error_code, "message": self.error_message or ""} if self.error_code else None


class ResearchEvent(db.Model):
    """A progress step of a job: its stage, percent and message. Ids order a job's stream and are
    the SSE event ids, so a client that reconnects with Last-Event-ID resumes after the last one."""

    __tablename__ = "research_events"
    __table_args__ = (sa.Index("ix_research_events_job_id_id", "job_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("research_jobs.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(sa.String(32))
    progress: Mapped[int] = mapped_column()
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
