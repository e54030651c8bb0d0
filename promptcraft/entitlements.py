"""What a user may do: the one place that decides.

Defaults come from config; a plan (the billing domain answers `entitlements_requested`)
replaces them. Every limit a domain enforces reads it from here, so an operator changes a plan
without touching code. `None` means unlimited.
"""
from __future__ import annotations

from typing import Any

from flask import current_app

from promptcraft import signals
from promptcraft.auth.models import User

KEYS = ("plan", "ai_daily_requests", "ai_daily_tokens", "models", "private_templates", "api_keys",
        "research_jobs_per_day")


def defaults() -> dict[str, Any]:
    config = current_app.config
    return {"plan": "default", "ai_daily_requests": config["AI_DAILY_REQUESTS"],
            "ai_daily_tokens": config["AI_DAILY_TOKENS"], "models": None, "private_templates": None,
            "api_keys": config["MAX_API_KEYS"], "research_jobs_per_day": config["RESEARCH_JOBS_PER_DAY"]}


def entitlements(user: User) -> dict[str, Any]:
    result = defaults()
    for _receiver, answer in signals.entitlements_requested.send(user.id):
        if answer:
            result.update({key: value for key, value in answer.items() if key in KEYS})
            break
    return result
