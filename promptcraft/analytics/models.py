"""The analytics tables: one row per event, and A/B tests with their variants, assignments and outcomes."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import JSONType

# 64-bit keys on PostgreSQL (events pile up); SQLite's rowid is already 64-bit and must stay INTEGER.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Event(db.Model):
    """Something that happened: sent by a client (`source="client"`) or recorded by the product itself.

    `day` is the UTC date of `occurred_at`, stored so that per-day series group on an indexed
    column the same way on SQLite and PostgreSQL. Figures that dashboards add up (tokens, cost)
    and the template an event concerns are columns, not properties, so SQL can aggregate them.
    """

    __tablename__ = "analytics_events"
    __table_args__ = (
        # The dashboard: one user's events of a few names over a range of days.
        sa.Index("ix_analytics_events_user_day", "user_id", "day", "name"),
        # Template analytics and "rising" templates: events of one name per template over days.
        sa.Index("ix_analytics_events_template_name_day", "template_id", "name", "day"),
        sa.Index("ix_analytics_events_name_day", "name", "day"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(8), default="client")
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"))
    tokens: Mapped[int] = mapped_column(default=0)
    cost: Mapped[float] = mapped_column(default=0.0)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    day: Mapped[date] = mapped_column(sa.Date)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


AB_METRICS = ("binary", "numeric")
AB_STATUSES = ("running", "stopped")
AB_GOALS = ("maximize", "minimize")


class ABTest(db.Model):
    """A comparison of prompt variants on one metric: a success rate (binary) or a mean (numeric)."""

    __tablename__ = "ab_tests"
    __table_args__ = (sa.Index("ix_ab_tests_owner_created", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    metric: Mapped[str] = mapped_column(sa.String(120))  # what is measured, in the owner's words
    metric_type: Mapped[str] = mapped_column(sa.String(16), default="binary")
    goal: Mapped[str] = mapped_column(sa.String(8), default="maximize")  # or "minimize" (e.g. latency)
    min_sample: Mapped[int] = mapped_column(default=30)  # trials per variant before a winner is named
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    variants: Mapped[list[ABVariant]] = relationship(
        back_populates="test", order_by="ABVariant.position", cascade="all, delete-orphan", passive_deletes=True,
        lazy="selectin")


class ABVariant(db.Model):
    """One arm of a test: a prompt text or a library template, under a short key ("A", "B", …)."""

    __tablename__ = "ab_variants"
    __table_args__ = (sa.UniqueConstraint("test_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_tests.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int]
    text: Mapped[str | None] = mapped_column(sa.Text)
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("templates.id", ondelete="SET NULL"))

    test: Mapped[ABTest] = relationship(back_populates="variants")


class ABAssignment(db.Model):
    """The variant a subject was given; unique per (test, subject), which is what makes it sticky."""

    __tablename__ = "ab_assignments"
    __table_args__ = (sa.UniqueConstraint("test_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_tests.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_variants.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ABOutcome(db.Model):
    """One observed trial of a variant: a success or failure, or a measured value."""

    __tablename__ = "ab_outcomes"
    __table_args__ = (sa.Index("ix_ab_outcomes_test_variant", "test_id", "variant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_tests.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("ab_variants.id", ondelete="CASCADE"))
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    success: Mapped[bool | None]
    value: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    variant: Mapped[ABVariant] = relationship(lazy="joined")
