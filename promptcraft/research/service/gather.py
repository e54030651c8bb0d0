"""Sources for a topic: the library, the user's own saved prompts and history (through the
orchestrator's retrieval, which uses the one search service), and web pages from Tavily."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from promptcraft.auth.models import User
from promptcraft.orchestrator import retrieval
from promptcraft.research.service.web import WebResult

SNIPPET = 400
TEXT = 2000  # what the brief reads of each source


@dataclass(frozen=True)
class Depth:
    library: int
    own: int
    web: int
    web_depth: str  # Tavily's search_depth
    points: int  # sentences in the brief's summary


DEPTHS = {
    "quick": Depth(library=3, own=2, web=3, web_depth="basic", points=3),
    "standard": Depth(library=5, own=4, web=5, web_depth="basic", points=5),
    "deep": Depth(library=8, own=6, web=8, web_depth="advanced", points=8),
}


def _source(kind: str, ref: str, title: str, text: str, score: float, url: str | None) -> dict[str, Any]:
    text = " ".join(text.split())
    return {"id": ref, "kind": kind, "title": title.strip()[:200] or ref, "url": url,
            "snippet": text[:SNIPPET] + ("…" if len(text) > SNIPPET else ""), "text": text[:TEXT],
            "score": round(float(score), 4)}


def library(user: User, topic: str, depth: Depth) -> list[dict[str, Any]]:
    return [_source("template", p.id, p.title, p.text, p.score, p.url)
            for p in retrieval.library(user, topic, depth.library)]


def own(user: User, topic: str, depth: Depth) -> list[dict[str, Any]]:
    return [_source(p.kind, p.id, p.title, p.text, p.score, p.url)
            for p in retrieval.own_prompts(user, topic, depth.own)]


def web(results: list[WebResult]) -> list[dict[str, Any]]:
    return [_source("web", f"web:{n}", r.title, r.content, r.score, r.url) for n, r in enumerate(results, 1)]


def numbered(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All sources in one list, numbered from 1 as the brief cites them (`[1]`)."""
    return [{"n": n, **source} for n, source in enumerate((s for group in groups for s in group), 1)]
