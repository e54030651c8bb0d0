"""Finding templates: the filtered list and search, featured, similar, categories, intent.

Everything that ranks goes through the one search service; similar/ and intent/ use the same
index with the template's or the text's own words as the query, so they need no AI call.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from promptcraft import background, signals
from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.pagination import Page, paginate
from promptcraft.prompt_templates.models import Category, Template, TemplateTag
from promptcraft.prompt_templates.search import Hit, TermQuery, keywords, parse, search_service
from promptcraft.prompt_templates.service import get_template, visible_to

ORDERINGS = {
    "-created": (Template.created_at.desc(), Template.id.desc()),
    "created": (Template.created_at.asc(), Template.id.asc()),
    "-rating": (Template.rating_avg.desc(), Template.rating_count.desc(), Template.id.desc()),
    "-usage": (Template.usage_count.desc(), Template.rating_avg.desc(), Template.id.desc()),
    "title": (Template.title.asc(), Template.id.asc()),
    "-title": (Template.title.desc(), Template.id.desc()),
}


@dataclass
class Filters:
    category: str | None = None
    tag: str | None = None
    owner_me: bool = False
    featured: bool | None = None
    exclude: list[int] = field(default_factory=list)

    def where(self, user: User | None) -> sa.ColumnElement[bool]:
        clauses = [visible_to(user)]
        if self.category:
            clauses.append(Template.category_id == sa.select(Category.id).where(Category.slug == self.category)
                           .scalar_subquery())
        if self.tag:
            clauses.append(Template.id.in_(sa.select(TemplateTag.template_id)
                                           .where(TemplateTag.tag == self.tag.strip().lower())))
        if self.owner_me:
            clauses.append(Template.owner_id == (user.id if user else None))
        if self.featured is not None:
            clauses.append(Template.is_featured.is_(self.featured))
        if self.exclude:
            clauses.append(Template.id.not_in(self.exclude))
        return sa.and_(*clauses)


def _load(ids: list[int]) -> dict[int, Template]:
    if not ids:  # no round trip for nothing (and no parameterless statement for psycopg to prepare)
        return {}
    rows = db.session.scalars(sa.select(Template).where(Template.id.in_(ids)))
    return {template.id: template for template in rows}


def _with_scores(hits: list[Hit], by_id: dict[int, Template] | None = None) -> list[Template]:
    """The hits' templates in order, each with its `search_score` (loaded unless given)."""
    by_id = _load([hit.template_id for hit in hits]) if by_id is None else by_id
    results = []
    for hit in hits:
        template = by_id[hit.template_id]
        template.search_score = hit.score
        results.append(template)
    return results


def ranked_page(query: TermQuery, filters: Filters, user: User | None, page: int, page_size: int) -> Page:
    """One page of search results; each template carries `search_score`, and `search_title` /
    `search_snippet` with the matched words marked."""
    service = search_service()
    hits, total, capped = service.search(query, filters.where(user), offset=(page - 1) * page_size, limit=page_size)
    found = service.highlighted(query, [hit.template_id for hit in hits])
    results = _with_scores(hits, {template_id: row[0] for template_id, row in found.items()})
    for template in results:
        _, template.search_title, template.search_snippet = found[template.id]
    return Page(results, total, page, page_size, count_capped=capped)


def top(query: TermQuery, filters: Filters, user: User | None, limit: int) -> list[Template]:
    """The best `limit` matches with their `search_score`, neither counted nor highlighted."""
    return _with_scores(search_service().rank(query, filters.where(user), limit=limit))


def list_templates(user: User | None, *, q: str | None = None, filters: Filters | None = None,
                   ordering: str | None = None, page: int = 1, page_size: int = 20) -> Page:
    """The library: filtered, sorted, paginated; with `q`, ranked by relevance unless sorted otherwise."""
    filters = filters or Filters()
    query = parse(q)
    if query is None and q and q.strip():
        return Page([], 0, page, page_size)  # nothing searchable in the text: nothing matches
    if query is not None and ordering in (None, "relevance"):
        result = ranked_page(query, filters, user, page, page_size)
        # Recorded after the response (analytics only): a search does not wait for that commit.
        background.send_later(signals.templates_searched, user.id if user else None, query=q, results=result.count)
        return result
    stmt = sa.select(Template).where(filters.where(user))
    if query is not None:  # a search sorted by something other than relevance
        stmt = stmt.where(Template.id.in_(search_service().matches(query, filters.where(user))))
    stmt = stmt.order_by(*ORDERINGS.get(ordering or "-created", ORDERINGS["-created"]))
    return paginate(stmt, page, page_size)


def featured_query(user: User | None) -> sa.Select:
    """Featured templates the user can see, best rated first."""
    return sa.select(Template).where(visible_to(user), Template.is_featured.is_(True)).order_by(*ORDERINGS["-rating"])


def similar(template_id: int, user: User | None, limit: int = 8) -> list[Template]:
    """Templates most like this one: its title, tags and description (then its content) as the query.

    Those sharing at least two of its most telling words come first; only when there are too
    few does any shared word do. (Any word alone matches most of a large library, and a broad
    query is scored on its newest matches only: the closest templates would seldom be among them.)
    """
    template = get_template(template_id, user)
    text = " ".join([template.title] * 3 + template.tags * 2 + [template.description, template.content[:1500]])
    query = keywords(text, limit=10)
    if query is None:
        return []
    close = top(replace(query, mode="two"), Filters(exclude=[template.id]), user, limit)
    if len(close) < limit:
        seen = [template.id, *(t.id for t in close)]
        close += top(query, Filters(exclude=seen), user, limit - len(close))
    return close


def categories(user: User | None) -> list[dict[str, Any]]:
    """Every category with how many templates the user can see in it."""
    counts = dict(db.session.execute(
        sa.select(Template.category_id, sa.func.count()).where(visible_to(user)).group_by(Template.category_id)
    ).all())
    rows = db.session.scalars(sa.select(Category).order_by(Category.name))
    return [{"id": c.id, "slug": c.slug, "name": c.name, "description": c.description,
             "count": counts.get(c.id, 0)} for c in rows]


def detect_intent(text: str, user: User | None, *, neighbours: int = 15, recommend: int = 5) -> dict[str, Any]:
    """The likely category of a request, by a vote of its nearest templates in the index.

    Each of the `neighbours` best matches votes for its category with its relevance squared (so
    close matches count for more); the confidence is the winning share of the votes. The best
    matches double as recommendations.
    """
    query = keywords(text, limit=12)
    if query is None:
        return {"category": None, "confidence": 0.0, "candidates": [], "templates": []}
    hits = top(query, Filters(), user, neighbours)
    votes: dict[str | None, float] = defaultdict(float)
    for template in hits:
        votes[template.category.slug if template.category else None] += template.search_score ** 2
    total = sum(votes.values()) or 1.0
    ranked = sorted(((slug, score / total) for slug, score in votes.items() if slug), key=lambda v: -v[1])
    names = dict(db.session.execute(sa.select(Category.slug, Category.name)).all())
    return {
        "category": ranked[0][0] if ranked else None,
        "category_name": names.get(ranked[0][0]) if ranked else None,
        "confidence": round(ranked[0][1], 3) if ranked else 0.0,
        "candidates": [{"category": slug, "name": names.get(slug), "score": round(share, 3)}
                       for slug, share in ranked[:3]],
        "templates": hits[:recommend],
    }
