"""The plans `flask seed` creates: free, pro and team (idempotent; existing plans are left alone,
so an operator's edits to a plan survive a re-seed)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from promptcraft.billing.models import Plan
from promptcraft.extensions import db

# Entitlements use promptcraft.entitlements.KEYS; None means unlimited, `models` None means every model.
PLANS: list[dict[str, Any]] = [
    {"code": "free", "name": "Free", "price_cents": 0, "monthly_credits": 0, "position": 0,
     "description": "The offline engine and DeepSeek's fast model, for trying PromptCraft out.",
     "entitlements": {"ai_daily_requests": 50, "ai_daily_tokens": 50_000, "private_templates": 10, "api_keys": 2,
                      "models": ["promptcraft-local", "deepseek-v4-flash"], "research_jobs_per_day": 2}},
    {"code": "pro", "name": "Pro", "price_cents": 1200, "monthly_credits": 2_000, "position": 1,
     "description": "Every model, unlimited private templates and more research, for one person.",
     "entitlements": {"ai_daily_requests": 1_000, "ai_daily_tokens": 2_000_000, "private_templates": None,
                      "api_keys": 10, "models": None, "research_jobs_per_day": 25}},
    {"code": "team", "name": "Team", "price_cents": 4900, "monthly_credits": 10_000, "position": 2,
     "description": "Pro with room for a team's automation: higher allowances and more API keys.",
     "entitlements": {"ai_daily_requests": 5_000, "ai_daily_tokens": 10_000_000, "private_templates": None,
                      "api_keys": 50, "models": None, "research_jobs_per_day": 100}},
]


def run() -> dict[str, int]:
    existing = set(db.session.scalars(sa.select(Plan.code)))
    added = [Plan(**spec) for spec in PLANS if spec["code"] not in existing]
    db.session.add_all(added)
    db.session.commit()
    return {"plans": len(added)}
