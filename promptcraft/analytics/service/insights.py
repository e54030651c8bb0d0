"""Strengths and suggestions from the caller's own data, each with the figures behind it.

Scores are the assessor's overall 0–10 (`quality_score` of history entries). Every figure is a
grouped query; Python only turns the figures into sentences.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from promptcraft.analytics.models import Event
from promptcraft.analytics.service import events as names
from promptcraft.analytics.service._common import Period, direction
from promptcraft.extensions import db
from promptcraft.history.models import PromptHistory
from promptcraft.orchestrator import assessment
from promptcraft.prompt_templates.models import Category, Template, TemplateUsage

WINDOW = 30  # days compared for the score trend and activity
LOW_SCORE = 6.0
STRONG_SCORE = 7.5
TREND_STEP = 0.5  # a change of half a point or more is a trend, less is noise
LOW_LIMIT = 5
PREVIEW = 160

# feature -> (event that shows it was used, label, page endpoint, why it helps)
FEATURES = {
    "templates": (names.TEMPLATE_USED, "Use a library template", "templates_pages.library",
                  "Start from a prompt that already works and fill in its variables."),
    "search": (names.SEARCH, "Search the library", "templates_pages.library",
               "Find templates for your task by describing it in your own words."),
    "rating": (names.TEMPLATE_RATED, "Rate a template", "templates_pages.library",
               "Ratings make recommendations better for you and for others."),
    "create_template": (names.TEMPLATE_CREATED, "Create a template", "templates_pages.create",
                        "Turn a prompt you reuse into a template with variables."),
    "chat": (names.CHAT_TURN, "Chat with a model", "chat_pages.chat",
             "Try your prompts live and keep the conversation."),
    "askme": (names.ASKME_FINISHED, "Build a prompt with AskMe", "askme_pages.wizard",
              "Answer a few questions and get a complete, well-structured prompt."),
}


def score_trend(user_id: uuid.UUID, period: Period) -> dict[str, Any]:
    scored = sa.and_(PromptHistory.user_id == user_id, PromptHistory.deleted_at.is_(None),
                     PromptHistory.quality_score.is_not(None))
    recent = PromptHistory.created_at >= period.start_at
    before = sa.and_(PromptHistory.created_at < period.start_at, PromptHistory.created_at >= period.previous_start_at)
    row = db.session.execute(sa.select(
        sa.func.avg(sa.case((recent, PromptHistory.quality_score))).label("recent"),
        sa.func.count(sa.case((recent, 1))).label("recent_count"),
        sa.func.avg(sa.case((before, PromptHistory.quality_score))).label("previous"),
        sa.func.count(sa.case((before, 1))).label("previous_count"),
        sa.func.avg(PromptHistory.quality_score).label("overall"),
        sa.func.count().label("scored"),
    ).where(scored)).one()
    recent_avg = None if row.recent is None else round(float(row.recent), 2)
    previous_avg = None if row.previous is None else round(float(row.previous), 2)
    delta = round(recent_avg - previous_avg, 2) if recent_avg is not None and previous_avg is not None else None
    return {
        "days": period.days, "recent_average": recent_avg, "recent_count": row.recent_count,
        "previous_average": previous_avg, "previous_count": row.previous_count,
        "overall_average": None if row.overall is None else round(float(row.overall), 2), "scored_prompts": row.scored,
        "change": delta,
        "direction": "flat" if delta is None or abs(delta) < TREND_STEP else direction(delta, 0),
    }


def favourite_categories(user_id: uuid.UUID, limit: int = 3) -> list[dict[str, Any]]:
    uses = sa.func.count().label("uses")
    total = sa.func.sum(uses).over().label("total")
    stmt = (sa.select(Category.slug, Category.name, uses, total)
            .join(Template, Template.category_id == Category.id)
            .join(TemplateUsage, TemplateUsage.template_id == Template.id)
            .where(TemplateUsage.user_id == user_id)
            .group_by(Category.slug, Category.name).order_by(uses.desc(), Category.slug).limit(limit))
    return [{"slug": r.slug, "name": r.name, "uses": r.uses, "share": round(r.uses / r.total, 3)}
            for r in db.session.execute(stmt)]


def feature_use(user_id: uuid.UUID) -> dict[str, int]:
    wanted = [event for event, *_ in FEATURES.values()]
    stmt = (sa.select(Event.name, sa.func.count()).where(Event.user_id == user_id, Event.name.in_(wanted))
            .group_by(Event.name))
    counts = dict(db.session.execute(stmt).tuples().all())
    return {feature: counts.get(event, 0) for feature, (event, *_) in FEATURES.items()}


def low_scoring_prompts(user_id: uuid.UUID, limit: int = LOW_LIMIT) -> list[dict[str, Any]]:
    stmt = (sa.select(PromptHistory)
            .where(PromptHistory.user_id == user_id, PromptHistory.deleted_at.is_(None),
                   PromptHistory.quality_score < LOW_SCORE)
            .order_by(PromptHistory.quality_score, PromptHistory.created_at.desc()).limit(limit))
    return [{"entry_id": e.id, "prompt": _preview(e.original_prompt), "quality_score": e.quality_score,
             "created_at": e.created_at, "tips": assessment.assess(e.original_prompt).suggestions[:2],
             "improve": {"endpoint": "orchestrator_pages.optimizer", "params": {"prompt": e.original_prompt[:2000]}}}
            for e in db.session.scalars(stmt)]


def own_templates_reach(user_id: uuid.UUID) -> dict[str, int]:
    """Uses of the user's templates by other people."""
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(TemplateUsage.user_id)))
        .join(Template, Template.id == TemplateUsage.template_id)
        .where(Template.owner_id == user_id, TemplateUsage.user_id != user_id)).one()
    return {"uses": row[0], "people": row[1]}


def active_days(user_id: uuid.UUID, period: Period) -> int:
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(Event.day)))
                             .where(Event.user_id == user_id, Event.day >= period.start)) or 0


def _preview(text: str, length: int = PREVIEW) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _item(kind: str, title: str, detail: str, figures: dict[str, Any], endpoint: str | None = None,
          params: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"kind": kind, "title": title, "detail": detail, "figures": figures,
            "link": {"endpoint": endpoint, "params": params or {}} if endpoint else None}


def user_insights(user_id: uuid.UUID, installed: set[str] | None = None) -> dict[str, Any]:
    """What the caller does well and what to try next. `installed` names the page endpoints that
    exist (features whose pages are not installed are not suggested); None means all."""
    period = Period.last(WINDOW)
    trend = score_trend(user_id, period)
    categories = favourite_categories(user_id)
    used = feature_use(user_id)
    features = {k: v for k, v in FEATURES.items() if installed is None or v[2] in installed}
    never = [{"feature": k, "label": label, "description": why, "link": {"endpoint": endpoint, "params": {}}}
             for k, (_, label, endpoint, why) in features.items() if not used[k]]
    low = low_scoring_prompts(user_id)
    reach = own_templates_reach(user_id)
    days_active = active_days(user_id, period)

    strengths, suggestions = [], []
    recent = trend["recent_average"]
    if recent is not None and recent >= STRONG_SCORE:
        strengths.append(_item("score", "Well-built prompts",
                               f"Your prompts averaged {recent:.1f}/10 over the last {WINDOW} days.",
                               {"average": recent, "prompts": trend["recent_count"]}))
    if trend["direction"] == "up":
        strengths.append(_item("trend", "Your scores are rising",
                               f"From {trend['previous_average']:.1f} to {recent:.1f} against the "
                               f"{WINDOW} days before.",
                               {"previous": trend["previous_average"], "recent": recent, "change": trend["change"]}))
    elif trend["direction"] == "down":
        suggestions.append(_item("trend", "Your scores have slipped",
                                 f"From {trend['previous_average']:.1f} to {recent:.1f}: look at the lowest-scoring "
                                 "prompts below and the assessor's tips.",
                                 {"previous": trend["previous_average"], "recent": recent, "change": trend["change"]}))
    if days_active >= 10:
        strengths.append(_item("consistency", "Steady practice",
                               f"Active on {days_active} of the last {WINDOW} days.", {"active_days": days_active}))
    if reach["uses"]:
        strengths.append(_item("reach", "Your templates help others",
                               f"Used {reach['uses']} times by {reach['people']} other people.", reach))
    if categories:
        top = categories[0]
        strengths.append(_item("focus", f"Most at home in {top['name']}",
                               f"{round(top['share'] * 100)}% of your template uses ({top['uses']}).",
                               {"category": top["slug"], "uses": top["uses"], "share": top["share"]},
                               "templates_pages.library", {"category": top["slug"]}))
    if low:
        suggestions.append(_item("low_scores", "Improve your weakest prompts",
                                 f"{len(low)} of your prompts scored below {LOW_SCORE:g}/10; the lowest is "
                                 f"{low[0]['quality_score']:g}.",
                                 {"below": LOW_SCORE, "count": len(low), "lowest": low[0]["quality_score"]},
                                 low[0]["improve"]["endpoint"], low[0]["improve"]["params"]))
    if trend["scored_prompts"] == 0:
        suggestions.append(_item("no_scores", "Get your prompts assessed",
                                 "None of your prompts has an assessment score yet, so there is no trend to show.",
                                 {"scored_prompts": 0}, "orchestrator_pages.optimizer"))
    for feature in never:
        suggestions.append(_item("feature", feature["label"], feature["description"], {"times_used": 0},
                                 feature["link"]["endpoint"]))
    return {"score_trend": trend, "favourite_categories": categories, "features_never_tried": never,
            "low_scoring_prompts": low, "active_days": days_active, "strengths": strengths,
            "suggestions": suggestions}
