"""Retrieval over what the user can draw on: the library, and their own saved and best prompts.

Library passages come from the one search service. The user's own prompts are few, so they are
scored here with the same words-in-common measure over just that user's rows.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields, validate

from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.history.models import PromptHistory, SavedPrompt
from promptcraft.orchestrator.structured import ask_json
from promptcraft.prompt_templates.discovery import Filters, top
from promptcraft.prompt_templates.search import keywords
from promptcraft.prompt_templates.search.query import STOPWORDS, words

OWN_LIMIT = 200  # the user's most recent saved prompts and best history entries considered
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class Passage:
    id: str  # "template:12", "saved:3", "history:9"
    kind: str
    title: str
    text: str
    score: float
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "text": self.text,
                "score": round(self.score, 4), "url": self.url, **self.meta}


def _terms(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOPWORDS and len(w) > 2}


def _overlap(query: set[str], text: str) -> float:
    found = _terms(text)
    if not query or not found:
        return 0.0
    return len(query & found) / math.sqrt(len(query) * len(found))


def own_prompts(user: User, query: str, k: int) -> list[Passage]:
    terms = _terms(query)
    saved = db.session.scalars(sa.select(SavedPrompt).where(SavedPrompt.user_id == user.id,
                                                            SavedPrompt.deleted_at.is_(None))
                               .order_by(SavedPrompt.updated_at.desc()).limit(OWN_LIMIT)).all()
    history = db.session.scalars(sa.select(PromptHistory).where(
        PromptHistory.user_id == user.id, PromptHistory.deleted_at.is_(None))
        .order_by(sa.func.coalesce(PromptHistory.quality_score, 0).desc(), PromptHistory.created_at.desc())
        .limit(OWN_LIMIT)).all()
    passages = []
    for item in saved:
        score = _overlap(terms, f"{item.title} {item.content}") * (1.2 if item.is_favorite else 1.0)
        if score > 0:
            passages.append(Passage(f"saved:{item.id}", "saved_prompt", item.title, item.content, score,
                                    f"/saved-prompts#saved-{item.id}"))
    for entry in history:
        quality = (entry.quality_score or 0) / 10  # the rubric's 0-10 scale
        score = _overlap(terms, entry.original_prompt) * (1 + 0.5 * quality)
        if score > 0:
            passages.append(Passage(f"history:{entry.id}", "history", entry.original_prompt[:80],
                                    entry.optimized_prompt or entry.original_prompt, score, "/history",
                                    {"quality_score": entry.quality_score}))
    return sorted(passages, key=lambda p: -p.score)[:k]


def library(user: User | None, query: str, k: int) -> list[Passage]:
    terms = keywords(query, limit=12)
    if terms is None:
        return []
    hits = top(terms, Filters(), user, k)
    best = max((t.search_score for t in hits), default=1.0) or 1.0
    return [Passage(f"template:{t.id}", "template", t.title, t.content, t.search_score / best, f"/library/{t.id}",
                    {"template_id": t.id, "category": t.category.slug if t.category else None}) for t in hits]


RRF_K = 60  # reciprocal-rank fusion constant (Cormack et al.)


def retrieve(user: User, query: str, k: int = 6) -> list[Passage]:
    """The best passages from the library and the user's own prompts, fused by reciprocal rank.

    The two sources score on different scales (a ranker's relative score against words in
    common), so their ranks are fused rather than their scores; each passage keeps its own score.
    """
    fused = [(1 / (RRF_K + rank), p) for source in (library(user, query, k), own_prompts(user, query, k))
             for rank, p in enumerate(source, 1)]
    fused.sort(key=lambda item: -item[0])  # stable: at equal rank the library passage comes first
    return [p for _, p in fused[:k]]


class AnswerSchema(ma.Schema):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    citations = fields.List(fields.String(), required=True)


def answer(user: User, question: str, k: int = 5) -> dict[str, Any]:
    """An answer grounded in retrieved passages, citing them; says so when nothing is relevant."""
    passages = [p for p in retrieve(user, question, k) if p.score >= 0.05]
    if not passages:
        return {"answer": "I found nothing relevant in the library or your prompts for this question.",
                "citations": [], "passages": [], "grounded": False, "method": "local"}
    numbered = "\n\n".join(f"[{p.id}] {p.title}\n{p.text[:1500]}" for p in passages)
    model = ask_json(user, "Answer the question using only the passages. Cite the ids you used in `citations`. "
                     "If they do not answer it, say so.", f"Passages:\n{numbered}\n\nQuestion: {question}",
                     AnswerSchema(), kind="rag")
    known = {p.id for p in passages}
    if model and model["citations"] and set(model["citations"]) <= known:
        return {"answer": model["answer"], "citations": model["citations"],
                "passages": [p.as_dict() for p in passages], "grounded": True, "method": "model"}
    return _extractive(question, passages)


def _extractive(question: str, passages: list[Passage]) -> dict[str, Any]:
    """Offline: the sentences that share most words with the question, each cited to its passage."""
    terms = _terms(question)
    scored = []
    for passage in passages:
        for sentence in SENTENCE.split(passage.text):
            sentence = sentence.strip()
            if 6 <= len(sentence.split()) <= 60:
                scored.append((_overlap(terms, sentence) * (0.5 + passage.score), sentence, passage.id))
    best = [item for item in sorted(scored, key=lambda s: -s[0])[:4] if item[0] > 0]
    if not best:
        titles = "; ".join(f"“{p.title}” [{p.id}]" for p in passages[:3])
        return {"answer": f"The closest material I found: {titles}. None of it answers the question directly.",
                "citations": [p.id for p in passages[:3]], "passages": [p.as_dict() for p in passages],
                "grounded": False, "method": "local"}
    lines = [f"- {sentence} [{pid}]" for _, sentence, pid in best]
    return {"answer": "From the passages I found:\n" + "\n".join(lines),
            "citations": list(dict.fromkeys(pid for _, _, pid in best)),
            "passages": [p.as_dict() for p in passages], "grounded": True, "method": "local"}
