"""This period's use against each entitlement, counted from the rows the other domains keep."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from promptcraft.ai import quotas
from promptcraft.ai.models import AIUsage
from promptcraft.auth.models import ApiKey, User
from promptcraft.billing.service.subscriptions import subscription_of
from promptcraft.entitlements import entitlements
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import Template
from promptcraft.research.service.jobs import jobs_today

LABELS = {"ai_daily_requests": "AI requests today", "ai_daily_tokens": "AI tokens today",
          "private_templates": "Private templates", "api_keys": "API keys",
          "research_jobs_per_day": "Research jobs today"}


def _meter(key: str, limit: int | None, used: int, period: str, resets_at: datetime | None) -> dict[str, Any]:
    remaining = None if limit is None else max(limit - used, 0)
    percent = None if not limit else min(round(100 * used / limit, 1), 100.0)
    return {"key": key, "label": LABELS[key], "limit": limit, "used": used, "remaining": remaining,
            "percent": percent, "period": period, "resets_at": resets_at}


def _billing_period(user_id) -> tuple[datetime, datetime]:
    """The subscription's current period, else the calendar month (UTC)."""
    subscription = subscription_of(user_id)
    if subscription and subscription.current_period_start and subscription.current_period_end:
        return subscription.current_period_start, subscription.current_period_end
    now = datetime.now(UTC)
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    return start, (start + timedelta(days=32)).replace(day=1)


def usage(user: User) -> dict[str, Any]:
    """Meters for each counted entitlement, and the AI use of the billing period so far."""
    granted = entitlements(user)
    requests, tokens = quotas.used_today(user.id)
    tomorrow = quotas.day_start() + timedelta(days=1)
    private = db.session.scalar(sa.select(sa.func.count()).where(Template.owner_id == user.id,
                                                                 Template.is_public.is_(False))) or 0
    keys = db.session.scalar(sa.select(sa.func.count()).where(ApiKey.user_id == user.id)) or 0
    start, end = _billing_period(user.id)
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(AIUsage.prompt_tokens + AIUsage.completion_tokens), 0),
                  sa.func.coalesce(sa.func.sum(AIUsage.cost), 0))
        .where(AIUsage.user_id == user.id, AIUsage.created_at >= start, AIUsage.created_at < end,
               AIUsage.status != "error")
    ).one()
    return {
        "plan": granted["plan"],
        "meters": [
            _meter("ai_daily_requests", granted["ai_daily_requests"], requests, "day", tomorrow),
            _meter("ai_daily_tokens", granted["ai_daily_tokens"], tokens, "day", tomorrow),
            _meter("private_templates", granted["private_templates"], private, "total", None),
            _meter("api_keys", granted["api_keys"], keys, "total", None),
            _meter("research_jobs_per_day", granted["research_jobs_per_day"], jobs_today(user.id), "day", tomorrow),
        ],
        "period": {"start": start, "end": end, "requests": int(row[0]), "tokens": int(row[1]),
                   "cost": float(row[2])},
        "models": granted["models"],
        "credits": user.credits,
    }
