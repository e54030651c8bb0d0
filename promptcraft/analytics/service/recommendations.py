"""Templates to try next, each with the reason it was picked. Never the caller's own templates
nor ones they already used; only public ones. A user with no history gets the library's best
(rated well by many, used often): the cold start.

Candidates come from three grouped queries, best first in each, then merged in this order:
  - "because you used …": templates in the category of a template the caller used recently;
  - "rated highly by people who use what you use": ratings of 4+ by people who used one of the
    caller's templates;
  - "rising in …": templates of the caller's categories used more this week than the week before.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from promptcraft.db_types import utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import Template, TemplateRating, TemplateUsage

HIGH_RATING = 4
RISING_WINDOW = timedelta(days=7)
SEEDS = 3  # recently used templates that "because you used" starts from
PRIOR = 5  # ratings a template is assumed to have at the library's average: few ratings count for less


def _used_ids(user_id: uuid.UUID) -> sa.Select:
    return sa.select(TemplateUsage.template_id).where(TemplateUsage.user_id == user_id)


def _candidate(user_id: uuid.UUID) -> sa.ColumnElement[bool]:
    return sa.and_(Template.is_public.is_(True), sa.or_(Template.owner_id.is_(None), Template.owner_id != user_id),
                   Template.id.not_in(_used_ids(user_id)))


def _quality() -> sa.ColumnElement:
    """A rating pulled toward 3 when it rests on few ratings (a Bayesian average), then popularity."""
    return (Template.rating_avg * Template.rating_count + 3.0 * PRIOR) / (Template.rating_count + PRIOR)


def because_you_used(user_id: uuid.UUID, limit: int) -> list[tuple[Template, dict[str, Any]]]:
    last_use = sa.func.max(TemplateUsage.created_at).label("last_use")
    seeds = db.session.execute(
        sa.select(Template.id, Template.title, Template.category_id, last_use)
        .join(TemplateUsage, TemplateUsage.template_id == Template.id)
        .where(TemplateUsage.user_id == user_id, Template.category_id.is_not(None))
        .group_by(Template.id, Template.title, Template.category_id).order_by(last_use.desc()).limit(SEEDS)).all()
    picked = []
    for seed in seeds:  # at most SEEDS queries, each one indexed and limited
        stmt = (sa.select(Template).where(_candidate(user_id), Template.category_id == seed.category_id)
                .order_by(_quality().desc(), Template.usage_count.desc(), Template.id).limit(limit))
        for template in db.session.scalars(stmt):
            picked.append((template, {"kind": "because_you_used", "text": f"Because you used “{seed.title}”",
                                      "figures": {"template_id": seed.id, "title": seed.title}}))
    return picked


def rated_by_similar_users(user_id: uuid.UUID, limit: int) -> list[tuple[Template, dict[str, Any]]]:
    neighbours = (sa.select(TemplateUsage.user_id)
                  .where(TemplateUsage.template_id.in_(_used_ids(user_id)), TemplateUsage.user_id != user_id,
                         TemplateUsage.user_id.is_not(None)).distinct())
    ratings = (sa.select(TemplateRating.template_id, sa.func.avg(TemplateRating.score).label("average"),
                         sa.func.count().label("raters"))
               .where(TemplateRating.user_id.in_(neighbours), TemplateRating.score >= HIGH_RATING)
               .group_by(TemplateRating.template_id).subquery())
    stmt = (sa.select(Template, ratings.c.average, ratings.c.raters)
            .join(ratings, ratings.c.template_id == Template.id).where(_candidate(user_id))
            .order_by(ratings.c.raters.desc(), ratings.c.average.desc(), Template.id).limit(limit))
    return [(t, {"kind": "rated_by_similar_users",
                 "text": f"Rated {float(avg):.1f} by {n} {'person' if n == 1 else 'people'} who use what you use",
                 "figures": {"average_rating": round(float(avg), 2), "raters": n}})
            for t, avg, n in db.session.execute(stmt)]


def rising(user_id: uuid.UUID, limit: int) -> list[tuple[Template, dict[str, Any]]]:
    now = utcnow()
    mine = (sa.select(Template.category_id).join(TemplateUsage, TemplateUsage.template_id == Template.id)
            .where(TemplateUsage.user_id == user_id, Template.category_id.is_not(None)).distinct())
    recent = TemplateUsage.created_at >= now - RISING_WINDOW
    counts = (sa.select(TemplateUsage.template_id,
                        sa.func.count(sa.case((recent, 1))).label("this_week"),
                        sa.func.count(sa.case((~recent, 1))).label("last_week"))
              .where(TemplateUsage.created_at >= now - 2 * RISING_WINDOW)
              .group_by(TemplateUsage.template_id).subquery())
    growth = counts.c.this_week - counts.c.last_week
    stmt = (sa.select(Template, counts.c.this_week, counts.c.last_week)
            .join(counts, counts.c.template_id == Template.id)
            .where(_candidate(user_id), Template.category_id.in_(mine), growth > 0)
            .order_by(growth.desc(), Template.id).limit(limit))
    return [(t, {"kind": "rising",
                 "text": f"Rising in {t.category.name}: {this} uses this week, {last} the week before",
                 "figures": {"category": t.category.slug, "this_week": this, "last_week": last}})
            for t, this, last in db.session.execute(stmt)]


def popular(user_id: uuid.UUID, limit: int) -> list[tuple[Template, dict[str, Any]]]:
    stmt = (sa.select(Template).where(_candidate(user_id))
            .order_by(_quality().desc(), Template.usage_count.desc(), Template.id).limit(limit))
    return [(t, {"kind": "popular",
                 "text": (f"Popular: rated {t.rating_avg:.1f} by {t.rating_count}, used {t.usage_count} times"
                          if t.rating_count else f"Popular: used {t.usage_count} times"),
                 "figures": {"average_rating": round(t.rating_avg, 2), "ratings": t.rating_count,
                             "uses": t.usage_count}})
            for t in db.session.scalars(stmt)]


def recommendations(user_id: uuid.UUID, limit: int = 10) -> list[dict[str, Any]]:
    """Up to `limit` templates, each once, with the first reason that picked it; the popular
    ones fill what personal signals leave empty (all of it for a new user)."""
    sources = (because_you_used, rated_by_similar_users, rising, popular)
    chosen: dict[int, dict[str, Any]] = {}
    for source in sources:
        if len(chosen) >= limit:
            break
        for template, reason in source(user_id, limit):
            if template.id not in chosen and len(chosen) < limit:
                chosen[template.id] = {"template": template, "reason": reason}
    return list(chosen.values())
