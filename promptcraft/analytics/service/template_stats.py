"""Per-template figures for the templates a user owns (every template, for staff): views, uses,
unique users, rating, how many viewers went on to use it, and the trend against the period before.

Views come from the events table; uses from the library's own `template_usage` rows, so uses
made before analytics existed count too. The page of templates is chosen first, then each
figure is one grouped query over those ids.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from promptcraft.analytics.models import Event
from promptcraft.analytics.service._common import Period, change, direction
from promptcraft.analytics.service.events import TEMPLATE_VIEWED
from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.pagination import Page, paginate
from promptcraft.prompt_templates.models import Template, TemplateUsage

ORDERINGS = {
    "-uses": (Template.usage_count.desc(), Template.id),
    "-rating": (Template.rating_avg.desc(), Template.rating_count.desc(), Template.id),
    "-created": (Template.created_at.desc(), Template.id.desc()),
    "title": (Template.title, Template.id),
}


def _views(ids: list[int], period: Period) -> dict[int, int]:
    stmt = (sa.select(Event.template_id, sa.func.count())
            .where(Event.template_id.in_(ids), Event.name == TEMPLATE_VIEWED, Event.day >= period.start)
            .group_by(Event.template_id))
    return dict(db.session.execute(stmt).tuples().all())


def _uses(ids: list[int], period: Period) -> dict[int, sa.Row]:
    current = TemplateUsage.created_at >= period.start_at
    stmt = (sa.select(TemplateUsage.template_id,
                      sa.func.count(sa.case((current, 1))).label("uses"),
                      sa.func.count(sa.case((~current, 1))).label("previous_uses"),
                      sa.func.count(sa.distinct(sa.case((current, TemplateUsage.user_id)))).label("unique_users"))
            .where(TemplateUsage.template_id.in_(ids), TemplateUsage.created_at >= period.previous_start_at)
            .group_by(TemplateUsage.template_id))
    return {row.template_id: row for row in db.session.execute(stmt)}


def _conversion(ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    """Signed-in viewers in the period, and how many of them used the template in the period."""
    viewers = (sa.select(Event.template_id, Event.user_id)
               .where(Event.template_id.in_(ids), Event.name == TEMPLATE_VIEWED, Event.day >= period.start,
                      Event.user_id.is_not(None)).distinct().subquery())
    users = (sa.select(TemplateUsage.template_id, TemplateUsage.user_id)
             .where(TemplateUsage.template_id.in_(ids), TemplateUsage.created_at >= period.start_at,
                    TemplateUsage.user_id.is_not(None)).distinct().subquery())
    stmt = (sa.select(viewers.c.template_id, sa.func.count(), sa.func.count(users.c.user_id))
            .select_from(viewers)
            .outerjoin(users, sa.and_(users.c.template_id == viewers.c.template_id,
                                      users.c.user_id == viewers.c.user_id))
            .group_by(viewers.c.template_id))
    return {template_id: (seen, used) for template_id, seen, used in db.session.execute(stmt)}


def template_analytics(user: User, *, days: int = 30, ordering: str = "-uses", page: int = 1,
                       page_size: int = 20) -> Page:
    """The caller's templates (all of them for staff), each with its figures for the last `days` days."""
    stmt = sa.select(Template).order_by(*ORDERINGS[ordering])
    if not user.is_staff:
        stmt = stmt.where(Template.owner_id == user.id)
    result = paginate(stmt, page, page_size)
    ids = [template.id for template in result.results]
    if not ids:
        return result
    period = Period.last(days)
    views, uses, conversion = _views(ids, period), _uses(ids, period), _conversion(ids, period)
    result.results = [_figures(t, views.get(t.id, 0), uses.get(t.id), conversion.get(t.id, (0, 0)))
                      for t in result.results]
    return result


def _figures(template: Template, views: int, uses: sa.Row | None, conversion: tuple[int, int]) -> dict[str, Any]:
    current, previous = (uses.uses, uses.previous_uses) if uses else (0, 0)
    viewers, converted = conversion
    return {
        "template_id": template.id, "title": template.title, "owner": template.owner_name,
        "category": template.category.slug if template.category else None, "is_public": template.is_public,
        "views": views, "uses": current, "unique_users": uses.unique_users if uses else 0,
        "total_uses": template.usage_count,
        "rating": {"average": round(template.rating_avg, 2), "count": template.rating_count},
        "conversion": {"viewers": viewers, "users": converted,
                       "rate": round(converted / viewers, 4) if viewers else None},
        "trend": {"previous_uses": previous, "change": change(current, previous),
                  "direction": direction(current, previous)},
    }
