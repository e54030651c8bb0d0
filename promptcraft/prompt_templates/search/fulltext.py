"""Full-text ranking on the database's own index: SQLite FTS5 (bm25) or PostgreSQL (ts_rank).

Relevance gets a modest boost from rating and usage: at most ×1.2 for heavy use and ×1.2 for a
perfect rating, so a popular template wins a close call but never buries a better match.

Work per query is bounded: scoring (bm25, ts_rank) reads every scored match's positions, so a
query scores at most RANK_DEPTH matches, the newest first, read from the index in id order
without scoring the rest. A query matching fewer is ranked exactly (the bundled library has
under 2,000 templates); a broader one lists its newest RANK_DEPTH matches by score, then the
older ones by score (only a page that deep pays for scoring them). Counting stays exact.
"""
from __future__ import annotations

import sqlalchemy as sa
from markupsafe import Markup, escape

from promptcraft.extensions import db
from promptcraft.prompt_templates.models import Template
from promptcraft.prompt_templates.search.query import TermQuery

OPEN, CLOSE = "\x02", "\x03"  # markers that user text cannot contain once escaped
TEMPLATES = Template.__table__
FTS = sa.table("templates_fts", sa.column("rowid"))
SEARCH_VECTOR = sa.literal_column("templates.search_vector")
HEADLINE_OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=28, MinWords=12, MaxFragments=1"
RANK_DEPTH = 2000


def _boost() -> sa.ColumnElement:
    usage = sa.cast(Template.usage_count, sa.Float)
    return (1.0 + 0.2 * usage / (usage + 25.0)) * (1.0 + 0.04 * Template.rating_avg)


def mark(text: str | None) -> Markup:
    """Escape `text`, then turn the match markers into <mark> elements."""
    return Markup(str(escape(text or "")).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


class FullTextRanker:
    name = "fulltext"

    def _dialect(self) -> str:
        return db.engine.dialect.name

    def _match(self, query: TermQuery) -> tuple[sa.ColumnElement, sa.ColumnElement, sa.FromClause]:
        """(match condition, raw relevance, FROM clause) for this database."""
        if self._dialect() == "sqlite":
            condition = sa.text("templates_fts MATCH :match").bindparams(match=query.fts5())
            # bm25 is smaller for better matches; weights follow the column order of the index.
            relevance = -sa.literal_column("bm25(templates_fts, 10.0, 6.0, 3.0, 1.0)")
            return condition, relevance, FTS.join(TEMPLATES, TEMPLATES.c.id == FTS.c.rowid)
        tsquery = sa.func.to_tsquery(sa.literal_column("'english'::regconfig"), query.tsquery())
        return SEARCH_VECTOR.op("@@")(tsquery), sa.func.ts_rank(SEARCH_VECTOR, tsquery, 1), TEMPLATES

    def rank(self, query: TermQuery, where: sa.ColumnElement, limit: int, offset: int = 0) -> list[tuple[int, float]]:
        condition, relevance, source = self._match(query)
        score = (relevance * _boost()).label("score")
        scored = sa.select(TEMPLATES.c.id, score).select_from(source).where(condition, where)
        # SQLite's FTS5 yields rowids in order itself, so a scan in that order stops at its limit.
        newest = FTS.c.rowid.desc() if self._dialect() == "sqlite" else TEMPLATES.c.id.desc()
        if offset + limit <= RANK_DEPTH:
            ranked = scored.order_by(newest).limit(RANK_DEPTH).subquery()
            stmt = sa.select(ranked.c.id, ranked.c.score).order_by(ranked.c.score.desc(), ranked.c.id)
        else:  # a deep page: the same order — the newest RANK_DEPTH by score, then the older ones by score
            oldest_scored = db.session.scalar(sa.select(TEMPLATES.c.id).select_from(source).where(condition, where)
                                              .order_by(newest).offset(RANK_DEPTH - 1).limit(1))
            older = sa.case((TEMPLATES.c.id < oldest_scored, 1), else_=0) if oldest_scored else sa.literal(0)
            stmt = scored.order_by(older, sa.desc("score"), TEMPLATES.c.id)
        return [(row.id, float(row.score)) for row in db.session.execute(stmt.limit(limit).offset(offset))]

    def matches(self, query: TermQuery, where: sa.ColumnElement) -> sa.Select:
        """The ids of every matching template, as a subquery."""
        condition, _, source = self._match(query)
        return sa.select(TEMPLATES.c.id).select_from(source).where(condition, where)

    def count(self, query: TermQuery, where: sa.ColumnElement) -> int:
        condition, _, source = self._match(query)
        stmt = sa.select(sa.func.count()).select_from(source).where(condition, where)
        return db.session.scalar(stmt) or 0

    def highlights(self, query: TermQuery, ids: list[int]) -> dict[int, tuple[Markup, Markup]]:
        """(title, snippet) with the matched words marked, for the given templates."""
        if not ids:
            return {}
        if self._dialect() == "sqlite":
            stmt = sa.text(
                "SELECT rowid AS id, highlight(templates_fts, 0, :o, :c) AS title, "
                "snippet(templates_fts, -1, :o, :c, '…', 24) AS snippet "
                "FROM templates_fts WHERE templates_fts MATCH :match AND rowid IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True))
            params = {"o": OPEN, "c": CLOSE, "match": query.fts5(), "ids": ids}
            rows = db.session.execute(stmt, params)
        else:
            tsquery = sa.func.to_tsquery(sa.literal_column("'english'::regconfig"), query.tsquery())
            english = sa.literal_column("'english'::regconfig")
            body = sa.func.left(TEMPLATES.c.description + " " + TEMPLATES.c.content, 4000)
            stmt = sa.select(
                TEMPLATES.c.id,
                sa.func.ts_headline(english, TEMPLATES.c.title, tsquery,
                                    f"StartSel={OPEN}, StopSel={CLOSE}, HighlightAll=true").label("title"),
                sa.func.ts_headline(english, body, tsquery, HEADLINE_OPTIONS).label("snippet"),
            ).where(TEMPLATES.c.id.in_(ids))
            rows = db.session.execute(stmt)
        return {row.id: (mark(row.title), mark(row.snippet)) for row in rows}
