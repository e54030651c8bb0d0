"""What a call costs, from the dated price table in config (AI_PRICES)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import current_app

from promptcraft.ai.types import Usage

MILLION = Decimal(1_000_000)


def price_for(model: str, on: date | datetime) -> dict | None:
    """The price row in force for `model` on that day: the latest one starting on or before it."""
    day = on.date() if isinstance(on, datetime) else on
    rows = [row for row in current_app.config["AI_PRICES"]
            if row["model"] == model and date.fromisoformat(row["from"]) <= day]
    return max(rows, key=lambda row: row["from"]) if rows else None


def cost(model: str, usage: Usage, on: date | datetime) -> Decimal:
    """USD cost; cache-hit prompt tokens at their own (lower) price. Unknown models cost nothing."""
    row = price_for(model, on)
    if row is None:
        return Decimal(0)
    miss = max(usage.prompt_tokens - usage.cached_tokens, 0)
    total = (Decimal(str(row["input_cache_hit"])) * usage.cached_tokens
             + Decimal(str(row["input_cache_miss"])) * miss
             + Decimal(str(row["output"])) * usage.completion_tokens)
    return (total / MILLION).quantize(Decimal("0.00000001"))
