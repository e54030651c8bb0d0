"""One row per AI call (who, which provider and model, tokens, cost, timings, outcome), and the
per-user daily totals the allowance is checked against."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db


class AIUsage(db.Model):
    __tablename__ = "ai_usage"
    __table_args__ = (sa.Index("ix_ai_usage_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))  # chat, generate, v1, assistant, askme, ...
    provider: Mapped[str] = mapped_column(sa.String(32))
    model: Mapped[str] = mapped_column(sa.String(100))
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    cached_tokens: Mapped[int] = mapped_column(default=0)
    cost: Mapped[Decimal] = mapped_column(sa.Numeric(14, 8), default=Decimal(0))
    credits: Mapped[int] = mapped_column(default=0)
    upstream_ttfb_ms: Mapped[float | None]
    total_ms: Mapped[float] = mapped_column(default=0.0)
    overhead_ms: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(sa.String(16))  # ok, error, interrupted
    error_code: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AIDailyUsage(db.Model):
    """Calls and tokens that count against a user's daily allowance (failed calls do not), per UTC
    day: kept with every usage row, so a quota check reads one row however much was used."""
    __tablename__ = "ai_daily_usage"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    requests: Mapped[int] = mapped_column(default=0)
    tokens: Mapped[int] = mapped_column(sa.BigInteger, default=0)
