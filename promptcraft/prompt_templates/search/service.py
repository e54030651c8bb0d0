"""The search service: rankers behind one interface, fused by reciprocal rank.

Today there is one ranker (full text). A dense-embedding ranker only has to implement `rank`
and `count` and be added to `search_service()`; callers do not change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from markupsafe import Markup

from promptcraft.prompt_templates.models import Template
from promptcraft.prompt_templates.search.fulltext import FullTextRanker
from promptcraft.prompt_templates.search.query import TermQuery

RRF_K = 60  # the usual constant of reciprocal rank fusion
FUSION_DEPTH = 200


class Ranker(Protocol):
    name: str

    def rank(self, query: TermQuery, where: sa.ColumnElement, limit: int,
             offset: int = 0) -> list[tuple[int, float]]: ...

    def count(self, query: TermQuery, where: sa.ColumnElement) -> int: ...

    def search(self, query: TermQuery, where: sa.ColumnElement, limit: int,
               offset: int = 0) -> tuple[list[tuple[int, float]], int, bool]:
        """`rank` and `count` together, which a ranker may answer in one pass; the flag says
        the count is only a lower bound (counting stopped there)."""
        ...


@dataclass
class Hit:
    template_id: int
    score: float


class SearchService:
    def __init__(self, rankers: list[Ranker], highlighter: FullTextRanker) -> None:
        self.rankers = rankers
        self.highlighter = highlighter

    def search(self, query: TermQuery, where: sa.ColumnElement, *, offset: int = 0,
               limit: int = 20) -> tuple[list[Hit], int, bool]:
        """One page of hits, best first; how many templates match in all, and whether that
        count is only a lower bound (a very broad query stops counting)."""
        if len(self.rankers) == 1:
            ranked, total, capped = self.rankers[0].search(query, where, limit, offset)
            return [Hit(i, s) for i, s in ranked], total, capped
        return self.rank(query, where, offset=offset, limit=limit), self.count(query, where), False

    def rank(self, query: TermQuery, where: sa.ColumnElement, *, offset: int = 0, limit: int = 20) -> list[Hit]:
        """Hits best first, without counting the rest (for "more like this" and other top-k lists)."""
        if len(self.rankers) == 1:
            return [Hit(i, s) for i, s in self.rankers[0].rank(query, where, limit, offset)]
        depth = max(FUSION_DEPTH, offset + limit)
        fused: dict[int, float] = {}
        for ranker in self.rankers:
            for position, (template_id, _) in enumerate(ranker.rank(query, where, depth)):
                fused[template_id] = fused.get(template_id, 0.0) + 1.0 / (RRF_K + position + 1)
        ordered = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        return [Hit(i, s) for i, s in ordered[offset:offset + limit]]

    def count(self, query: TermQuery, where: sa.ColumnElement) -> int:
        return max(ranker.count(query, where) for ranker in self.rankers)

    def matches(self, query: TermQuery, where: sa.ColumnElement) -> sa.Select:
        """Every template the query matches (the full-text ranker defines what matches)."""
        return self.highlighter.matches(query, where)

    def highlighted(self, query: TermQuery, ids: list[int]) -> dict[int, tuple[Template, Markup, Markup]]:
        """The templates with these ids, with title and snippet marked where the query matched."""
        return self.highlighter.highlighted(query, ids)


def search_service() -> SearchService:
    fulltext = FullTextRanker()
    return SearchService([fulltext], highlighter=fulltext)
