"""Chart.js configurations built from the services' figures (the pages draw them as they are)."""
from __future__ import annotations

from typing import Any

PALETTE = ["#4f46e5", "#0891b2", "#f59e0b", "#16a34a", "#dc2626", "#9333ea", "#64748b", "#db2777", "#0d9488",
           "#ea580c"]


def _dataset(label: str, data: list, color: str, **extra: Any) -> dict[str, Any]:
    return {"label": label, "data": data, "borderColor": color, "backgroundColor": color, **extra}


def activity(dashboard: dict[str, Any]) -> dict[str, Any]:
    days = dashboard["series"]
    return {"type": "line", "labels": [d["date"].isoformat() for d in days], "datasets": [
        _dataset("Prompts created", [d["prompts"] for d in days], PALETTE[0], tension=0.25),
        _dataset("Templates used", [d["templates_used"] for d in days], PALETTE[1], tension=0.25),
        _dataset("Chat turns", [d["chats"] for d in days], PALETTE[2], tension=0.25),
    ]}


def usage(dashboard: dict[str, Any]) -> dict[str, Any]:
    days = dashboard["series"]
    return {"type": "bar", "labels": [d["date"].isoformat() for d in days], "datasets": [
        _dataset("Tokens", [d["tokens"] for d in days], PALETTE[3], yAxisID="y"),
        _dataset("Cost (USD)", [d["cost"] for d in days], PALETTE[4], type="line", yAxisID="y1"),
    ], "axes": {"y1": {"position": "right"}}}


def templates(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "bar", "labels": [r["title"][:40] for r in rows], "datasets": [
        _dataset("Views", [r["views"] for r in rows], PALETTE[0]),
        _dataset("Uses", [r["uses"] for r in rows], PALETTE[1]),
    ]}


def ab_results(results: dict[str, Any]) -> dict[str, Any]:
    variants = results["variants"]
    binary = results["metric_type"] == "binary"
    measure = [v["rate"] if binary else v["mean"] for v in variants]
    datasets = [_dataset("Success rate" if binary else "Mean value", measure, PALETTE[0], yAxisID="y")]
    if results["state"] == "ready":
        datasets.append(_dataset("Probability best", [v["probability_best"] for v in variants], PALETTE[2],
                                 yAxisID="y1"))
    return {"type": "bar", "labels": [v["key"] for v in variants], "datasets": datasets,
            "axes": {"y1": {"position": "right", "min": 0, "max": 1}}}
