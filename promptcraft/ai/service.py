"""AI use cases: one-shot generation, usage reports, the DeepSeek connectivity check."""
from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from promptcraft.ai.gateway import gateway
from promptcraft.ai.models import AIUsage
from promptcraft.ai.types import ChatRequest, Completion, ProviderError
from promptcraft.auth.models import User
from promptcraft.extensions import db

OPTIONS = ("model", "temperature", "max_tokens", "thinking")


def chat_request(messages: list[dict[str, Any]], data: dict[str, Any]) -> ChatRequest:
    return ChatRequest(messages, **{key: data.get(key) for key in OPTIONS})


def generate(user: User, data: dict[str, Any]) -> tuple[Completion, int | None, int | None]:
    """Run a prompt (or a library template with its variables); the run goes to the user's history.

    Returns (completion, template id, history entry id). A template is rendered first, so missing
    variables are a 400 before any model is called, and its use is counted.
    """
    from promptcraft.history.service import record_prompt
    from promptcraft.prompt_templates import service as templates

    template_id = data.get("template_id")
    if template_id:
        template, prompt = templates.render_template(template_id, user, data.get("variables") or {}, record=False)
    else:
        template, prompt = None, data["prompt"]
    messages = ([{"role": "system", "content": data["system"]}] if data.get("system") else []) + [
        {"role": "user", "content": prompt}]
    result = gateway().complete(user, chat_request(messages, data), kind="generate")
    if template is not None:
        templates.record_usage(template, user, "generate")
    entry = record_prompt(user.id, prompt, response=result.content, provider=result.provider, model=result.model,
                          template_id=template.id if template else None, source="generate",
                          tokens_used=result.usage.total_tokens)
    return result, template.id if template else None, entry.id


def usage_report(user: User, days: int) -> dict[str, Any]:
    """The caller's real totals per day, provider and model over the last `days` days (UTC)."""
    since = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    day = sa.func.date(AIUsage.created_at) if db.engine.dialect.name == "sqlite" else sa.cast(AIUsage.created_at,
                                                                                              sa.Date)
    counted = AIUsage.status != "error"
    stmt = (sa.select(day.label("day"), AIUsage.provider, AIUsage.model, sa.func.count().label("requests"),
                      sa.func.sum(AIUsage.prompt_tokens), sa.func.sum(AIUsage.completion_tokens),
                      sa.func.sum(AIUsage.cached_tokens), sa.func.sum(AIUsage.cost))
            .where(AIUsage.user_id == user.id, AIUsage.created_at >= since, counted)
            .group_by(day, AIUsage.provider, AIUsage.model).order_by(day, AIUsage.provider, AIUsage.model))
    rows = []
    for row in db.session.execute(stmt):
        rows.append({"day": date.fromisoformat(row[0]) if isinstance(row[0], str) else row[0], "provider": row[1],
                     "model": row[2], "requests": row[3], "prompt_tokens": int(row[4] or 0),
                     "completion_tokens": int(row[5] or 0), "cached_tokens": int(row[6] or 0),
                     "cost": Decimal(row[7] or 0)})
    errors = db.session.scalar(sa.select(sa.func.count()).where(
        AIUsage.user_id == user.id, AIUsage.created_at >= since, AIUsage.status == "error")) or 0
    totals = {key: sum(r[key] for r in rows) for key in ("requests", "prompt_tokens", "completion_tokens",
                                                           "cached_tokens")}
    totals["cost"] = sum((r["cost"] for r in rows), Decimal(0))
    totals["errors"] = errors
    return {"days": days, "rows": rows, "totals": totals}


def models() -> dict[str, Any]:
    """Models of every configured provider in the chain, asked live; failures are listed, not fatal."""
    results, errors = [], {}
    for name in gateway().chain_names:
        provider = gateway().providers[name]
        if not provider.configured:
            continue
        try:
            results += provider.models()
        except ProviderError as error:
            errors[name] = error.message
    return {"results": results, "errors": errors}


def deepseek_test(user: User) -> dict[str, Any]:
    provider = gateway().providers["deepseek"]
    if not provider.configured:
        return {"configured": False, "reachable": False, "latency_ms": None, "models": [], "balance": None,
                "error": "DEEPSEEK_API_KEY is not set."}
    started = time.perf_counter()
    try:
        names = [m["id"] for m in provider.models()]
        latency = round((time.perf_counter() - started) * 1000, 1)
        balance = provider.balance() if user.is_staff else None
    except ProviderError as error:
        return {"configured": True, "reachable": False, "latency_ms": None, "models": [], "balance": None,
                "error": error.message}
    return {"configured": True, "reachable": True, "latency_ms": latency, "models": names, "balance": balance,
            "error": None}
