"""The caller's activity over 7, 30 or 90 days: per-day series, totals against the period before,
top templates and categories. Every figure is aggregated by the database; Python only lays
the per-day rows onto the calendar (days without events are zeros)."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from promptcraft.analytics.models import Event
from promptcraft.analytics.service._common import Period, change
from promptcraft.analytics.service.events import AI_CALL, CHAT_TURN, PROMPT_RECORDED, TEMPLATE_USED
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import Category, Template

TOP = 5

# metric -> (event name, what is added up per event)
METRICS: dict[str, tuple[str, sa.ColumnElement]] = {
    "prompts": (PROMPT_RECORDED, sa.literal_column("1")),
    "templates_used": (TEMPLATE_USED, sa.literal_column("1")),
    "chats": (CHAT_TURN, sa.literal_column("1")),
    "tokens": (AI_CALL, Event.tokens),
    "cost": (AI_CALL, Event.cost),
}
NAMES = sorted({name for name, _ in METRICS.values()})


def _sum(metric: str, *conditions: sa.ColumnElement[bool]) -> sa.ColumnElement:
    name, amount = METRICS[metric]
    return sa.func.coalesce(sa.func.sum(sa.case((sa.and_(Event.name == name, *conditions), amount), else_=0)), 0)


def _value(metric: str, raw: Any) -> float | int:
    return round(float(raw or 0), 6) if metric == "cost" else int(raw or 0)


# The statements are built once with bound parameters: SQLAlchemy then reuses their cache keys
# and compiled SQL, which matters more than the database's own time on a user's few thousand rows.
USER = sa.bindparam("user_id", type_=Event.user_id.type)
START, PREVIOUS_START, TODAY = (sa.bindparam(name, type_=sa.Date) for name in ("start", "previous_start", "today"))
_MINE = sa.and_(Event.user_id == USER, Event.day <= TODAY, Event.name.in_(NAMES))
SERIES = (sa.select(Event.day, *[_sum(m).label(m) for m in METRICS])
          .where(_MINE, Event.day >= START).group_by(Event.day))
TOTALS = (sa.select(*[_sum(m, Event.day >= START).label(m) for m in METRICS],
                    *[_sum(m, Event.day < START).label(f"previous_{m}") for m in METRICS])
          .where(_MINE, Event.day >= PREVIOUS_START))
_USES = sa.func.count().label("uses")
_USED = sa.and_(Event.user_id == USER, Event.name == TEMPLATE_USED, Event.day >= START)
TOP_TEMPLATES = (sa.select(Template.id, Template.title, _USES)
                 .join(Event, Event.template_id == Template.id).where(_USED)
                 .group_by(Template.id, Template.title).order_by(_USES.desc(), Template.id).limit(TOP))
TOP_CATEGORIES = (sa.select(Category.slug, Category.name, _USES)
                  .join(Template, Template.category_id == Category.id)
                  .join(Event, Event.template_id == Template.id).where(_USED)
                  .group_by(Category.slug, Category.name).order_by(_USES.desc(), Category.slug).limit(TOP))


def _params(user_id: uuid.UUID, period: Period) -> dict[str, Any]:
    return {"user_id": user_id, "start": period.start, "previous_start": period.previous_start,
            "today": period.today}


def series(user_id: uuid.UUID, period: Period) -> list[dict[str, Any]]:
    by_day = {row.day: row for row in db.session.execute(SERIES, _params(user_id, period))}
    empty = dict.fromkeys(METRICS, 0)
    return [{"date": day, **({m: _value(m, getattr(by_day[day], m)) for m in METRICS} if day in by_day else empty)}
            for day in period.dates()]


def totals(user_id: uuid.UUID, period: Period) -> dict[str, dict[str, Any]]:
    row = db.session.execute(TOTALS, _params(user_id, period)).one()
    result = {}
    for metric in METRICS:
        value, before = _value(metric, getattr(row, metric)), _value(metric, getattr(row, f"previous_{metric}"))
        result[metric] = {"value": value, "previous": before, "change": change(value, before)}
    return result


def top_templates(user_id: uuid.UUID, period: Period) -> list[dict[str, Any]]:
    rows = db.session.execute(TOP_TEMPLATES, _params(user_id, period))
    return [{"template_id": r.id, "title": r.title, "uses": r.uses} for r in rows]


def top_categories(user_id: uuid.UUID, period: Period) -> list[dict[str, Any]]:
    rows = db.session.execute(TOP_CATEGORIES, _params(user_id, period))
    return [{"slug": r.slug, "name": r.name, "uses": r.uses} for r in rows]


def dashboard(user_id: uuid.UUID, days: int = 30) -> dict[str, Any]:
    """The caller's figures for the last `days` UTC days (today included), from the events table."""
    period = Period.last(days)
    return {
        "days": days, "start": period.start, "end": period.today,
        "series": series(user_id, period),
        "totals": totals(user_id, period),
        "top_templates": top_templates(user_id, period),
        "top_categories": top_categories(user_id, period),
    }
