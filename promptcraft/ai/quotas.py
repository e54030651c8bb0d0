"""Who may call a model now: a daily allowance (requests and tokens) and the credit balance.

The allowance comes from the user's entitlements (promptcraft.entitlements: the plan, else
config). Checked before any upstream call: over the allowance is a
429, no credits left for a paid provider is a 402.
"""
from __future__ import annotations

import functools
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from promptcraft.ai.models import AIDailyUsage
from promptcraft.ai.types import Usage
from promptcraft.auth.models import User
from promptcraft.database import conflict_insert
from promptcraft.entitlements import entitlements
from promptcraft.errors import AppError
from promptcraft.extensions import db

TOKENS_PER_CREDIT = 1000


@dataclass
class Allowance:
    daily_requests: int
    daily_tokens: int
    source: str  # "default" or the plan's name
    models: list[str] | None = None  # None: every model


def allowance(user: User) -> Allowance:
    granted = entitlements(user)
    return Allowance(granted["ai_daily_requests"], granted["ai_daily_tokens"], granted["plan"], granted["models"])


def day_start(now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    return datetime.combine(now.date(), time.min, tzinfo=UTC)


# Built once: read before every AI call.
USED_ON = sa.select(AIDailyUsage.requests, AIDailyUsage.tokens).where(
    AIDailyUsage.user_id == sa.bindparam("user_id"), AIDailyUsage.day == sa.bindparam("day", type_=sa.Date))


def used_today(user_id: uuid.UUID) -> tuple[int, int]:
    """(requests, tokens) since midnight UTC; failed calls do not count."""
    row = db.session.execute(USED_ON, {"user_id": user_id, "day": day_start().date()}).first()
    return (int(row.requests), int(row.tokens)) if row else (0, 0)


def count_call(user_id: uuid.UUID, tokens: int, when: datetime) -> None:
    """Add a call that counts (and its tokens) to the user's day, in the caller's transaction."""
    db.session.execute(_add_to_day(db.engine.dialect.name), {"user_id": user_id, "day": day_start(when).date(),
                                                              "tokens": tokens})


@functools.cache
def _add_to_day(dialect: str) -> sa.Insert:
    """The day's upsert, built once per dialect: it runs after every AI call."""
    table = AIDailyUsage.__table__
    tokens = sa.bindparam("tokens", type_=sa.BigInteger)
    stmt = conflict_insert(table, dialect).values(user_id=sa.bindparam("user_id"), day=sa.bindparam("day"),
                                                  requests=1, tokens=tokens)
    return stmt.on_conflict_do_update(index_elements=[table.c.user_id, table.c.day], set_={
        "requests": table.c.requests + 1, "tokens": table.c.tokens + tokens})


def status(user: User) -> dict[str, Any]:
    limits = allowance(user)
    requests, tokens = used_today(user.id)
    resets = day_start() + timedelta(days=1)
    return {
        "plan": limits.source,
        "period": "day",
        "resets_at": resets,
        "requests": {"limit": limits.daily_requests, "used": requests,
                     "remaining": max(limits.daily_requests - requests, 0)},
        "tokens": {"limit": limits.daily_tokens, "used": tokens, "remaining": max(limits.daily_tokens - tokens, 0)},
        "credits": user.credits,
        "models": limits.models,
    }


def check(user: User, *, paid: bool, model: str | None = None) -> None:
    """Refuse before any upstream call: 429 over the daily allowance, 402 out of credits."""
    limits = allowance(user)
    requests, tokens = used_today(user.id)
    if requests >= limits.daily_requests or tokens >= limits.daily_tokens:
        retry = int((day_start() + timedelta(days=1) - datetime.now(UTC)).total_seconds()) + 1
        which = "requests" if requests >= limits.daily_requests else "tokens"
        raise AppError(429, "quota_exceeded", f"You have used today's AI {which} allowance; it resets at midnight UTC.",
                       {"requests_used": requests, "tokens_used": tokens, "plan": limits.source},
                       headers={"Retry-After": str(retry)})
    if limits.models is not None and model and model not in limits.models:
        raise AppError(402, "model_not_in_plan", f"Your plan does not include {model}.", {"models": limits.models})
    if paid and user.credits <= 0:
        raise AppError(402, "insufficient_credits", "You have no credits left for this model; top up or use the "
                       "offline engine.", {"credits": user.credits})


def credits_for(usage: Usage) -> int:
    return max(1, math.ceil(usage.total_tokens / TOKENS_PER_CREDIT))
