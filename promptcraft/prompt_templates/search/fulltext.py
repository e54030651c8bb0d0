"""Full-text ranking on the database's own index: SQLite FTS5 (bm25) or PostgreSQL (ts_rank).

Relevance gets a modest boost from rating and usage: at most ×1.2 for heavy use and ×1.2 for a
perfect rating, so a popular template wins a close call but never buries a better match.

Work per query is bounded: scoring (bm25, ts_rank) reads every scored match's positions, so a
query scores at most RANK_DEPTH matches (SQLITE_RANK_DEPTH on SQLite), the newest first, read
from the index in id order without scoring the rest. A query matching fewer is ranked exactly
(nearly any query of the bundled library's 1,663 templates); a broader one lists its newest
matches by score, then the older ones by score (only a page that deep pays for scoring them).

Counting is bounded too: a query is counted as far as it is scored, and a broader one reported
as "at least" that many (`count_capped`) — an exact count visits every match's row, which at
150,000 templates costs a broad word more than ranking it; a page deeper than that, which pays
for every match anyway, counts exactly. PostgreSQL's matches come from the GIN index alone (see
`_from_the_index`) with the few columns ranking and filtering need, and `_pg_search` keeps its
work bounded by READ_CAP and RANK_DEPTH rather than by how many templates match: a broad query's
newest matches are found in windows of recent ids, which the GIN index matches by their blocks
of ids (`recency_buckets`) in the same scan as the words. It scores on
`rank_vector` (title, tags, description and the opening of the content, kept in the row), not
on the full `search_vector`, which is mostly compressed or out of line and slow to read back.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import InternalTraversal, iterate

from promptcraft.extensions import db
from promptcraft.prompt_templates.models import Template
from promptcraft.prompt_templates.search.query import TermQuery, typing_prefix

OPEN, CLOSE = "\x02", "\x03"  # markers that user text cannot contain once escaped
TEMPLATES = Template.__table__
FTS = sa.table("templates_fts", sa.column("rowid"))
SEARCH_VECTOR = sa.literal_column("templates.search_vector")  # what matches (GIN index)
RANK_VECTOR = sa.literal_column("templates.rank_vector")  # what scores (migration 0017)
RECENCY_BUCKETS = sa.literal_column("templates.recency_buckets")  # where in id order (migration 0020)
ROW_ADDRESS = sa.literal_column("templates.ctid")
ENGLISH = sa.literal_column("'english'::regconfig")
HEADLINE_OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=28, MinWords=12, MaxFragments=1"
TITLE_HEADLINE_OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, HighlightAll=true"
# ts_headline parses the whole text it is given (~0.1 ms per 1,000 characters, for each of a
# page's results): the snippet comes from SNIPPET_SOURCE_CHARS of description and content,
# starting SNIPPET_LEAD_CHARS before the first place a query word appears as typed (found by a
# plain substring search, far cheaper than parsing), or from the opening when none does (a
# word matched only through its stem, or only in the title or tags): `snippet_window`. The
# title is always marked in full.
SNIPPET_SOURCE_CHARS = 320
SNIPPET_LEAD_CHARS = 80
RANK_DEPTH = 2000
# SQLite's bm25 costs 2–5 µs a scored row, in the process serving the request (PostgreSQL's
# ts_rank on the short rank_vector under 1 µs, in the database server): SQLite scores half as many.
SQLITE_RANK_DEPTH = RANK_DEPTH // 2
READ_CAP = 3 * RANK_DEPTH  # PostgreSQL: at most this many matches read in one pass when few are expected
# PostgreSQL: `recency_buckets` holds a template's block of 2**11 ids and, negated and minus one,
# its block of 2**14 ids (migration 0020 computes them from the id with these shifts).
RECENCY_SHIFTS = (11, 14)
RECENCY_BUCKET = 1 << RECENCY_SHIFTS[0]
WINDOW_MARGIN = 2  # PostgreSQL: a window is sized to hold this many times the matches still wanted
WINDOW_REACH = 0.5  # PostgreSQL: a window over more of the library than this is the full pass instead
WINDOWS = 3  # PostgreSQL: passes over windows of recent ids for a broad query, the last one all that is left
# What search may filter and boost on (the columns of ix_templates_ranking): PostgreSQL carries
# these, and only these, from each match to the filters, the count and the score.
RANKING_COLUMNS = ("id", "is_public", "owner_id", "category_id", "is_featured", "usage_count", "rating_avg")
SEARCH_SETTINGS = {"enable_seqscan": "off", "enable_indexscan": "off", "max_parallel_workers_per_gather": "0"}


def _boost(usage_count: sa.ColumnElement, rating_avg: sa.ColumnElement) -> sa.ColumnElement:
    usage = sa.cast(usage_count, sa.Float)
    return (1.0 + 0.2 * usage / (usage + 25.0)) * (1.0 + 0.04 * rating_avg)


class Explain(sa.sql.expression.Executable, sa.sql.expression.ClauseElement):
    """PostgreSQL's plan of a statement as JSON; a construct (not a string) so that its SQL
    is compiled once and cached like any other statement's."""

    _traverse_internals = [("statement", InternalTraversal.dp_clauseelement)]
    inherit_cache = True
    _all_selected_columns = ()  # one column of JSON, read by position

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler, **kw) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def _run(stmt: sa.Executable, params: dict | None = None) -> sa.CursorResult:
    """Run a statement of plain rows on the session's connection (its transaction): the ORM's
    execution path, which these rows do not need, costs more than building the statement."""
    return db.session.connection().execute(stmt, params)


# The highest template id while the settings of `_from_the_index` are in force, else None.
_INSIDE: ContextVar[int | None] = ContextVar("from_the_index", default=None)


@contextmanager
def _from_the_index() -> Iterator[int | None]:
    """PostgreSQL: find matches through the GIN index only, never by testing rows one by one.

    Testing a row reads its whole tsvector out of TOAST, a cost the planner does not price:
    for a broad term it prefers a sequential scan (every vector in the table read, ~0.5 s at
    150,000 templates), for a bounded ranking it walks the primary key backwards testing rows,
    and with a filter it may test every row another index yields. A bitmap of the GIN index's
    matches reads only matching rows, and never their vectors (the index answers plain and
    prefix terms exactly). (Every statement is planned for its own words anyway: see
    `database.engine_options`.) Nor is any run in parallel: workers cost more to start than
    these statements take, and a parallel plan's row estimates are per worker.
    The settings are local to the transaction and put back afterwards.

    Yields the highest template id, read by the primary key in the same round trip: a
    statement is planned before it runs, so that read is planned with index scans still on
    (with them off, max(id) reads every row). Used again while in force (a count within a
    search), it changes nothing: psycopg prepares a statement run five times, and PostgreSQL
    keeps the first plan of one without parameters, so a single run with index scans off made
    every later search on that connection read every row for max(id) (7 ms at 15,000 templates,
    139 ms at 150,000).
    """
    if db.engine.dialect.name != "postgresql":
        yield None
        return
    if (newest := _INSIDE.get()) is not None:  # already so (a count within a search): nothing to change
        yield newest
        return
    names = ", ".join(f"current_setting('{name}') AS {name}" for name in SEARCH_SETTINGS)
    changes = ", ".join(f"set_config('{name}', '{value}', true)" for name, value in SEARCH_SETTINGS.items())
    saved = _run(sa.text(f"SELECT {names}, {changes}, (SELECT max(id) FROM templates) AS newest")).one()
    inside = _INSIDE.set(saved.newest or 0)
    try:
        yield saved.newest or 0
    finally:
        _INSIDE.reset(inside)
        restore = ", ".join(f"set_config('{name}', :{name}, true)" for name in SEARCH_SETTINGS)
        _run(sa.text(f"SELECT {restore}"), {name: saved._mapping[name] for name in SEARCH_SETTINGS})


def recency_buckets(low: int, high: int) -> list[int]:
    """The keys of `recency_buckets` that cover the ids from `low` up to, not including, `high`
    (both multiples of RECENCY_BUCKET): the large blocks that fit whole, the small ones at the ends.
    A window is as many keys as that, not as many ids: the GIN index matches it in the same scan as
    the words, where a range of the primary key was a bitmap of every id in it."""
    small, large = RECENCY_SHIFTS
    per_large = 1 << (large - small)
    keys, block, end = [], low >> small, high >> small
    while block < end:
        if block % per_large == 0 and block + per_large <= end:
            keys.append(-1 - (block >> (large - small)))
            block += per_large
        else:
            keys.append(block)
            block += 1
    return keys


def mark(text: str | None) -> Markup:
    """Escape `text`, then turn the match markers into <mark> elements."""
    return Markup(str(escape(text or "")).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


class FullTextRanker:
    name = "fulltext"

    def _dialect(self) -> str:
        return db.engine.dialect.name

    def _terms(self, query: TermQuery) -> str:
        """The query in this database's syntax: the value of every statement's `terms` parameter."""
        return query.fts5() if self._dialect() == "sqlite" else query.tsquery()

    def _tsquery(self, query: TermQuery) -> sa.ColumnElement:
        return sa.func.to_tsquery(ENGLISH, sa.bindparam("terms", query.tsquery()))

    def _match(self, query: TermQuery) -> tuple[sa.ColumnElement, sa.ColumnElement, sa.FromClause]:
        """(match condition, raw relevance, FROM clause) for this database."""
        if self._dialect() == "sqlite":
            condition = sa.text("templates_fts MATCH :terms").bindparams(sa.bindparam("terms", query.fts5()))
            # bm25 is smaller for better matches; weights follow the column order of the index.
            relevance = -sa.literal_column("bm25(templates_fts, 10.0, 6.0, 3.0, 1.0)")
            return condition, relevance, FTS.join(TEMPLATES, TEMPLATES.c.id == FTS.c.rowid)
        tsquery = self._tsquery(query)
        return SEARCH_VECTOR.op("@@")(tsquery), sa.func.ts_rank(RANK_VECTOR, tsquery, 1), TEMPLATES

    def _pg_matches(self, query: TermQuery, where: sa.ColumnElement, windowed: bool = False,
                    carried: tuple[sa.ColumnElement, ...] = ()) -> tuple[sa.Select, sa.CTE]:
        """PostgreSQL: the matching rows (`windowed`: only those in the recency buckets of
        parameter `buckets`, see `recency_buckets`) that pass `where`, with the ranking columns
        and the `carried` ones read from each row, and the CTE they are read from.

        The CTE is materialized, so the planner cannot fold `where` into the index scan and
        test rows one by one; `where` is rewritten onto the CTE's columns. The buckets are
        matched by the same GIN index scan as the words, so only matches inside them are read.
        """
        columns = [TEMPLATES.c[name] for name in RANKING_COLUMNS]
        condition = SEARCH_VECTOR.op("@@")(self._tsquery(query))
        if windowed:
            condition = sa.and_(condition, RECENCY_BUCKETS.op("&&")(
                sa.bindparam("buckets", type_=postgresql.ARRAY(sa.Integer))))
        matches = sa.select(*columns, *carried).where(condition).cte("matches").prefix_with("MATERIALIZED")
        on_matches = ClauseAdapter(matches).traverse(where)
        if any(getattr(element, "table", None) is TEMPLATES for element in iterate(on_matches)):
            raise ValueError(f"search filters may use only {', '.join(RANKING_COLUMNS)}")  # or add the column
        return sa.select(matches).where(on_matches), matches

    def search(self, query: TermQuery, where: sa.ColumnElement, limit: int,
               offset: int = 0) -> tuple[list[tuple[int, float]], int, bool]:
        """One page of (id, score), best first; how many templates match; whether that count
        is only a lower bound (counting a broad query stops where scoring does)."""
        if self._dialect() != "sqlite":
            return self._pg_search(query, where, limit, offset)
        # SQLite ranks and counts in one statement.
        rows = _run(*self._ranked(query, where, limit, offset, counted=True)).all()
        depth = self._depth()
        deep = offset + limit > depth  # a page that deep counted every match
        if not rows:  # a page past the end: nothing to read the count from
            return [], *((self.count(query, where), False) if deep else self._capped_count(query, where))
        ranked, total = [(row.id, float(row.score)) for row in rows], rows[0].total
        return (ranked, total, False) if deep else (ranked, min(total, depth), total > depth)

    def rank(self, query: TermQuery, where: sa.ColumnElement, limit: int, offset: int = 0) -> list[tuple[int, float]]:
        """The best matches, uncounted: "more like this" and other top-k lists. A query any of
        whose words may match matches most templates, so on PostgreSQL the planner's walk of the
        newest rows finds RANK_DEPTH matches sooner than any index. A narrower one (every word,
        or two of them) may match a few hundred: that walk would test most rows one by one (a
        "more like this" up to 70 ms at 15,000 templates), so it is ranked as a search is."""
        if query.mode != "any" and self._dialect() == "postgresql":
            return self._pg_search(query, where, limit, offset)[0]
        return [(row.id, float(row.score)) for row in _run(*self._ranked(query, where, limit, offset))]

    def _depth(self) -> int:
        """How many of a broad query's newest matches are scored."""
        return SQLITE_RANK_DEPTH if self._dialect() == "sqlite" else RANK_DEPTH

    def _ranked(self, query: TermQuery, where: sa.ColumnElement, limit: int, offset: int, *,
                counted: bool = False) -> tuple[sa.Select, dict]:
        """The statement behind `rank` and its parameters: (id, score) of one page, best first.
        `counted` adds `total`: how many match, read by the pass that finds the newest, which goes
        one further (to every match, for a page deeper than the scoring depth).

        A page within the scoring depth reuses the statement built for the same filters: the
        query and the page are parameters, and building and keying a statement this size costs
        more than running it on a narrow query."""
        depth = self._depth()
        page = {"terms": self._terms(query), "page_limit": limit, "page_offset": offset}
        if offset + limit <= depth:
            return _reused(("ranked", self._dialect(), depth, counted), where,
                           lambda: self._ranked_within(query, where, depth, counted)), page
        condition, relevance, source = self._match(query)
        scored = sa.select(TEMPLATES.c.id, self._score(relevance)).select_from(source).where(condition, where)
        # A deep page: the same order — the newest `depth` by score, then the older ones by score.
        oldest_scored = _run(sa.select(TEMPLATES.c.id).select_from(source).where(condition, where)
                             .order_by(self._recent().desc()).offset(depth - 1).limit(1)).scalar()
        older = sa.case((TEMPLATES.c.id < oldest_scored, 1), else_=0) if oldest_scored else sa.literal(0)
        stmt = scored.order_by(older, sa.desc("score"), TEMPLATES.c.id)
        if counted:
            stmt = stmt.add_columns(self._counted(query, where).scalar_subquery().label("total"))
        return stmt.limit(limit).offset(offset), {}

    def _ranked_within(self, query: TermQuery, where: sa.ColumnElement, depth: int, counted: bool) -> sa.Select:
        """A page within the scoring depth, its size and place left as parameters."""
        condition, relevance, source = self._match(query)
        scored = sa.select(TEMPLATES.c.id, self._score(relevance)).select_from(source).where(condition, where)
        newest = scored.order_by(self._recent().desc())
        if counted:
            read = newest.limit(depth + 1).subquery()
            numbered = sa.select(read, sa.func.count().over().label("total"),
                                 sa.func.row_number().over(order_by=read.c.id.desc()).label("recency")).subquery()
            stmt = (sa.select(numbered.c.id, numbered.c.score, numbered.c.total)
                    .where(numbered.c.recency <= depth).order_by(numbered.c.score.desc(), numbered.c.id))
        else:
            ranked = newest.limit(depth).subquery()
            stmt = sa.select(ranked.c.id, ranked.c.score).order_by(ranked.c.score.desc(), ranked.c.id)
        return stmt.limit(sa.bindparam("page_limit", type_=sa.Integer)).offset(
            sa.bindparam("page_offset", type_=sa.Integer))

    def _score(self, relevance: sa.ColumnElement) -> sa.ColumnElement:
        return (relevance * _boost(TEMPLATES.c.usage_count, TEMPLATES.c.rating_avg)).label("score")

    def _recent(self) -> sa.ColumnElement:
        """The id in index order: SQLite's FTS5 yields rowids in order itself, so a scan in that
        order stops at its limit."""
        return FTS.c.rowid if self._dialect() == "sqlite" else TEMPLATES.c.id

    def _pg_search(self, query: TermQuery, where: sa.ColumnElement, limit: int,
                   offset: int) -> tuple[list[tuple[int, float]], int, bool]:
        """PostgreSQL: rank and count with work bounded by READ_CAP and RANK_DEPTH, not by
        how many templates match.

        A query expected to match at most READ_CAP templates reads at most READ_CAP + 1
        matches (in the index's order): at most READ_CAP, they are all there is, and the same
        statement ranked the newest RANK_DEPTH of them. A broader one (expected or found so)
        has its newest RANK_DEPTH matches found in windows of recent ids sized by the density
        expected or seen (`_pg_windows`); they are exactly the ones a full pass would score.
        More than RANK_DEPTH matches are counted as RANK_DEPTH and capped. A page past
        RANK_DEPTH makes the full pass anyway and counts exactly.
        """
        with _from_the_index() as newest:
            if offset + limit > RANK_DEPTH:
                ranked, seen = self._pg_rank(query, where, limit, offset)
                return ranked, seen.total if seen else self.count(query, where), False
            expected = self._expected_matches(query, where)
            if expected <= READ_CAP:
                ranked, head = self._pg_rank(query, where, limit, offset, head=READ_CAP + 1)
                if head is None:  # a page past the end: nothing to read the count from
                    return [], *self._capped_count(query, where)
                if head.total <= READ_CAP:
                    return ranked, min(head.total, RANK_DEPTH), head.total > RANK_DEPTH
                # The estimate fell short: more than READ_CAP match. The windows below find out how many.
                expected = 2 * READ_CAP
            # A window of recent ids sized for WINDOW_MARGIN times RANK_DEPTH matches very likely holds
            # RANK_DEPTH. One over more than WINDOW_REACH of the ids costs as much as the full pass (at
            # 150,000 templates, 4,429 of "portrait photo"'s 5,314 matches through a window of 85 % of
            # the ids: 17.3 ms, the pass over all of them 16-18 ms): then the full pass.
            span = max(1, round(newest * RANK_DEPTH * WINDOW_MARGIN / max(expected, 1)))
            if span < newest * WINDOW_REACH:
                return self._pg_windows(query, where, limit, offset, newest, span)
            ranked, seen = self._pg_rank(query, where, limit, offset)
            if seen is None:
                return [], *self._capped_count(query, where)
            return ranked, min(seen.total, RANK_DEPTH), seen.total > RANK_DEPTH

    def _pg_windows(self, query: TermQuery, where: sa.ColumnElement, limit: int, offset: int, newest: int,
                    span: int) -> tuple[list[tuple[int, float]], int, bool]:
        """PostgreSQL: the newest RANK_DEPTH matches found in windows of ids, the first about the
        newest `span` ids. A window that falls short holds only candidates (every match in it is
        among the newest RANK_DEPTH) and tells the density of recent matches: the next window,
        just below it, is sized from that for WINDOW_MARGIN times the matches still wanted, and
        what a second one leaves is read in one pass below it (its blocks: every one below). No
        row is read twice; the page is the best of each window's best `offset + limit`, in the
        order one statement over them all gives.
        Windows start and end on the recency buckets' blocks (see `recency_buckets`)."""
        top, found, best = offset + limit, 0, []
        ceiling = (newest // RECENCY_BUCKET + 1) * RECENCY_BUCKET  # the end of the newest id's block
        for window in range(WINDOWS):
            floor = max(0, (ceiling - span) // RECENCY_BUCKET * RECENCY_BUCKET)
            if window and (window == WINDOWS - 1 or span >= ceiling * WINDOW_REACH):
                floor = 0  # the rest, below the last window
            ranked, first = self._pg_rank(query, where, top, 0, window=(floor, ceiling), depth=RANK_DEPTH - found)
            best += ranked
            in_window = first.total if first is not None else 0
            found += in_window
            if found >= RANK_DEPTH or floor == 0:
                break
            wanted = (RANK_DEPTH - found) * WINDOW_MARGIN
            span = max(1, round((ceiling - floor) * wanted / in_window)) if in_window else ceiling
            ceiling = floor
        best.sort(key=lambda hit: (-hit[1], hit[0]))
        if floor == 0:  # every match was read: an exact count
            return best[offset:top], min(found, RANK_DEPTH), found > RANK_DEPTH
        return best[offset:top], RANK_DEPTH, True

    def _expected_matches(self, query: TermQuery, where: sa.ColumnElement) -> int:
        """PostgreSQL: about how many templates match, from the index's statistics.

        The planner's estimate for all the words together assumes they are unrelated, and falls
        far short for words that go together ("portrait photo"); its estimate for the rarest
        word is an upper bound, far too high for words that seldom meet. The truth lies between:
        their geometric mean. (Too high only costs a narrow query a window that falls short,
        too low a first look at READ_CAP + 1 of many matches.) One EXPLAIN plans them all.
        """
        texts = [query.tsquery(), *(query.tsquery_terms() if query.mode == "all" else [])]
        stmt = _reused(("expected", len(texts)), where, lambda: Explain(sa.union_all(*(
            sa.select(TEMPLATES.c.id).where(SEARCH_VECTOR.op("@@")(
                sa.func.to_tsquery(ENGLISH, sa.bindparam(f"terms_{n}", type_=sa.String))), where)
            for n in range(len(texts))))))
        plan = _run(stmt, {f"terms_{n}": text for n, text in enumerate(texts)}).scalar()
        top = plan[0]["Plan"]
        rows = [branch["Plan Rows"] for branch in (top["Plans"] if top["Node Type"] == "Append" else [top])]
        together, rarest = rows[0], min(rows[1:], default=rows[0])
        return round(math.sqrt(together * max(together, rarest)))

    def _capped_count(self, query: TermQuery, where: sa.ColumnElement) -> tuple[int, bool]:
        cap = self._depth()
        total = self.count(query, where, cap=cap + 1)
        return min(total, cap), total > cap

    def _pg_rank(self, query: TermQuery, where: sa.ColumnElement, limit: int, offset: int, *,
                 window: tuple[int, int] | None = None, head: int | None = None,
                 depth: int | None = None) -> tuple[list[tuple[int, float]], sa.Row | None]:
        """The same order as on SQLite, in one statement, over the matches with ids in `window`
        (from its first id up to, not including, its second; both multiples of RECENCY_BUCKET),
        or the first `head` of them, the newest `depth` of them (RANK_DEPTH) ranked; it also
        tells how many it read (`total`). When the head turns out not to be every match, nothing
        is scored (the caller ranks elsewhere)."""
        deep = offset + limit > RANK_DEPTH
        in_row = _scored_in_row(query)
        shape = ("pg_rank", RANK_DEPTH, deep, window is not None, head is not None, in_row)
        stmt = _reused(shape, where, lambda: self._pg_ranked(query, where, deep, window is not None, head is not None,
                                                              in_row))
        result = _run(stmt, {"terms": query.tsquery(), "buckets": recency_buckets(*window) if window else None,
                             "head": head, "depth": RANK_DEPTH if depth is None else depth,
                             "page_limit": limit, "page_offset": offset}).all()
        return [(row.id, float(row.score)) for row in result], (result[0] if result else None)

    def _pg_ranked(self, query: TermQuery, where: sa.ColumnElement, deep: bool, windowed: bool,
                   headed: bool, in_row: bool) -> sa.Select:
        """The statement behind `_pg_rank`; the query, buckets, head, depth and page are
        parameters. `in_row`: each match is scored as its row is read (see `_scored_in_row`),
        else only the candidates are, their rows read again by address."""
        _, relevance, _ = self._match(query)
        carried = relevance.label("relevance") if in_row else ROW_ADDRESS.label("row_address")
        rows, matches = self._pg_matches(query, where, windowed, carried=(carried,))
        head = sa.bindparam("head", type_=sa.Integer)
        if headed:
            head_rows = rows.limit(head).subquery()
            rows, matches = sa.select(head_rows), head_rows
        # How many: counted by a second scan of the same rows, which reads the materialized
        # matches again; a window over them would store every row a second time (5-8 % slower for
        # a broad query, interleaved on the bench libraries).
        rows = rows.add_columns(sa.select(sa.func.count()).select_from(rows.subquery()).scalar_subquery()
                                .label("total"))
        if not deep:
            rows = (rows.add_columns(sa.literal(0).label("older")).order_by(matches.c.id.desc())
                    .limit(sa.bindparam("depth", type_=sa.Integer)))
        else:  # a deep page: every match is scored, the older ones after the newest RANK_DEPTH
            recency = sa.func.row_number().over(order_by=matches.c.id.desc())
            rows = rows.add_columns(sa.case((recency > RANK_DEPTH, 1), else_=0).label("older"))
        candidates = rows.subquery()
        source = candidates
        if in_row:
            relevance = candidates.c.relevance
        else:  # scored outside the LIMIT above: only the candidates' rows are read again, by address
            source = candidates.join(TEMPLATES, candidates.c.row_address == ROW_ADDRESS)
        score = relevance * _boost(candidates.c.usage_count, candidates.c.rating_avg)
        if headed:
            score = sa.case((candidates.c.total < head, score), else_=0.0)
        return (sa.select(candidates.c.id, score.label("score"), candidates.c.total).select_from(source)
                .order_by(candidates.c.older, sa.desc("score"), candidates.c.id)
                .limit(sa.bindparam("page_limit", type_=sa.Integer))
                .offset(sa.bindparam("page_offset", type_=sa.Integer)))

    def matches(self, query: TermQuery, where: sa.ColumnElement) -> sa.Select:
        """The ids of every matching template, as a subquery."""
        if self._dialect() != "sqlite":
            rows, matches = self._pg_matches(query, where)
            return rows.with_only_columns(matches.c.id)
        condition, _, source = self._match(query)
        return sa.select(TEMPLATES.c.id).select_from(source).where(condition, where)

    def count(self, query: TermQuery, where: sa.ColumnElement, cap: int | None = None) -> int:
        """How many templates match (at most `cap`: counting stops there)."""
        with _from_the_index():
            return _run(self._counted(query, where, cap)).scalar() or 0

    def _counted(self, query: TermQuery, where: sa.ColumnElement, cap: int | None = None) -> sa.Select:
        return sa.select(sa.func.count()).select_from(self.matches(query, where).limit(cap).subquery())

    def highlighted(self, query: TermQuery, ids: list[int]) -> dict[int, tuple[Template, Markup, Markup]]:
        """The templates with these ids, each with its title and best passage, the matched
        words marked."""
        if not ids:
            return {}
        dialect = self._dialect()
        rows = db.session.execute(_highlight_statement(dialect), {"terms": self._terms(query), "ids": ids}).unique()
        if dialect == "sqlite":
            return {template.id: (template, mark(title), mark(snippet)) for template, title, snippet in rows}
        found = rows.all()
        needles = _needles(query)
        windows = [snippet_window(template.description, template.content, needles) for template, _ in found]
        snippets = _run(_WINDOW_HEADLINES, {"terms": query.tsquery(), "windows": windows}).scalars()
        return {template.id: (template, mark(title), mark(snippet))
                for (template, title), snippet in zip(found, snippets, strict=True)}


@cache
def _highlight_statement(dialect: str) -> sa.Select:
    """The templates with ids `ids`, their title marked where `terms` match, and on SQLite
    their best passage too."""
    ids = sa.bindparam("ids", expanding=True)
    if dialect == "sqlite":
        fts = sa.literal_column("templates_fts")
        return (sa.select(Template, sa.func.highlight(fts, 0, OPEN, CLOSE),
                          sa.func.snippet(fts, -1, OPEN, CLOSE, "…", 24))
                .join(FTS, FTS.c.rowid == Template.id)
                # FTS5 looks each rowid up (one seek per id) instead of reading every match
                .where(sa.text("templates_fts MATCH :terms"), FTS.c.rowid.in_(ids)))
    tsquery = sa.func.to_tsquery(ENGLISH, sa.bindparam("terms", type_=sa.String))
    return sa.select(Template, sa.func.ts_headline(ENGLISH, Template.title, tsquery, TITLE_HEADLINE_OPTIONS)
                     ).where(Template.id.in_(ids))


# PostgreSQL marks the passages cut by `snippet_window`, in their order.
_WINDOW_HEADLINES = sa.text(
    "SELECT ts_headline('english', window_text, to_tsquery('english', :terms), :options) "
    "FROM unnest(CAST(:windows AS text[])) WITH ORDINALITY AS windows(window_text, position) ORDER BY position"
).bindparams(sa.bindparam("options", HEADLINE_OPTIONS))


def snippet_window(description: str | None, content: str | None, needles: list[str]) -> str:
    """The SNIPPET_SOURCE_CHARS of a template's description and content that its snippet comes
    from: starting SNIPPET_LEAD_CHARS before the first place a needle appears, else at the
    opening; never with the tail of a word cut in two. (Found here, on text the page reads
    anyway: in the database each needle costs a pass over the text, 6–10 ms a page of long
    templates.)"""
    # A space first: a window that starts inside a word drops that word's tail, and one from
    # the very start drops only that space.
    text = f" {description or ''} {content or ''}"
    places = [place for needle in needles if (place := text.find(needle)) >= 0]
    start = max(min(places, default=0) - SNIPPET_LEAD_CHARS, 0)
    return _CUT_WORD.sub("", text[start:start + SNIPPET_SOURCE_CHARS], count=1)


_CUT_WORD = re.compile(r"^\S*\s+")


def _needles(query: TermQuery) -> list[str]:
    """What to look for in a template's text to place its snippet: each query word as typed, cut
    to the part its inflections share ("marketing" → "market"), lower, capitalised and upper."""
    stems = [typing_prefix(term) for term in query.terms]
    return list(dict.fromkeys(form for stem in stems for form in (stem, stem.capitalize(), stem.upper())))


def _scored_in_row(query: TermQuery) -> bool:
    """PostgreSQL: whether matches are scored as their rows are read for the ranking columns.

    A search's few words cost ts_rank little on the short rank_vector already in the row: that
    costs less than reading the RANK_DEPTH candidates' rows again by address, though a broad
    query scores matches it will not rank (a search's ranking statement: 10-25 % faster at
    15,000 templates, 5-30 % at 150,000). "More like this" ORs pairs of many words, which costs
    ts_rank several times more: only its candidates are scored, read again by their address
    (scoring every match it read was 5-15 % slower, and the READ_CAP + 1 of a head that turned
    out not to be every match, all for nothing).
    """
    return query.mode == "all"


REUSED_LIMIT = 256  # statements kept for reuse: one per (kind, filters) seen, dropped all at once when full
_REUSABLE: dict[tuple, sa.Executable] = {}


def _reused(kind: tuple, where: sa.ColumnElement, build: Callable[[], sa.Executable]) -> sa.Executable:
    """The statement `build` makes for `kind` and these filters, built once.

    Filters are told apart by their structure and their values (the same filters for another
    user are another statement); everything else that varies is a parameter of the statement."""
    key = where._generate_cache_key()
    if key is None:  # not cacheable: built every time
        return build()
    values = tuple(tuple(v) if isinstance(v := b.effective_value, list) else v for b in key.bindparams)
    index = (kind, key.key, values)
    statement = _REUSABLE.get(index)
    if statement is None:
        if len(_REUSABLE) >= REUSED_LIMIT:
            _REUSABLE.clear()
        statement = _REUSABLE[index] = build()
    return statement
