"""Use cases of the orchestrator: assessment (rubric + judge), feedback, suggestions, statistics."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields, validate

from promptcraft.auth.models import User
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.orchestrator.assessment import WEIGHTS, assess
from promptcraft.orchestrator.models import AssistantStep, Feedback, OptimizationRun
from promptcraft.orchestrator.structured import ask_json

CRITERIA = list(WEIGHTS)


class JudgeSchema(ma.Schema):
    scores = fields.Dict(keys=fields.String(validate=validate.OneOf(CRITERIA)),
                         values=fields.Float(validate=validate.Range(min=0, max=10)), required=True)
    suggestions = fields.List(fields.String(validate=validate.Length(max=500)), load_default=list)


def assessment(user: User | None, prompt: str) -> dict[str, Any]:
    """The rubric's scores; with a model, averaged with an LLM judge's where it gave one."""
    result = assess(prompt).as_dict()
    result["method"] = "rubric"
    if user is None:
        return result
    judge = ask_json(user, "You judge prompts for large language models. Score 0-10 each of: " + ", ".join(CRITERIA)
                     + ". Return {\"scores\": {...}, \"suggestions\": [...]} with concrete suggestions.", prompt,
                     JudgeSchema(), kind="assess")
    if judge and judge["scores"]:
        for name, score in judge["scores"].items():
            result["scores"][name] = round((result["scores"][name] + score) / 2, 1)
        result["overall"] = round(sum(result["scores"][k] * w for k, w in WEIGHTS.items()), 1)
        result["suggestions"] = list(dict.fromkeys(result["suggestions"] + judge["suggestions"]))
        result["method"] = "rubric+judge"
    return result


FEEDBACK_TARGETS = ("optimization", "assistant_step", "chat_message", "generation", "rag_answer", "evaluation",
                    "template", "suggestion")


def give_feedback(user: User, data: dict[str, Any]) -> Feedback:
    """Rate an AI result; ratings on a template (or a result built from one) move suggestions."""
    template_id = data.get("template_id")
    if data["target_type"] == "template":
        template_id = int(data["target_id"]) if str(data["target_id"]).isdigit() else None
    if template_id is not None:
        from promptcraft.prompt_templates.service import get_template

        get_template(template_id, user)  # 404 for a template the user cannot see
    if data["target_type"] == "optimization":
        run = db.session.get(OptimizationRun, int(data["target_id"])) if str(data["target_id"]).isdigit() else None
        if run is None or run.user_id != user.id:
            raise AppError.not_found("Optimization run")
    entry = Feedback(user_id=user.id, target_type=data["target_type"], target_id=str(data["target_id"]),
                     template_id=template_id, rating=data["rating"], comment=data.get("comment", ""))
    db.session.add(entry)
    db.session.commit()
    return entry


def suggestions(user: User, query: str, limit: int = 8) -> list[dict[str, Any]]:
    """Prompts to start from: library templates and the user's own prompts for `query`, reordered
    by the user's feedback (templates they rated low are dropped, high ones lifted)."""
    from promptcraft.orchestrator.retrieval import retrieve

    ratings = dict(db.session.execute(sa.select(Feedback.template_id, sa.func.avg(Feedback.rating)).where(
        Feedback.user_id == user.id, Feedback.template_id.is_not(None)).group_by(Feedback.template_id)).all())
    items = []
    for passage in retrieve(user, query, limit * 2):
        rating = ratings.get(passage.meta.get("template_id"))
        if rating is not None and rating <= 2:
            continue
        boost = 1 + (float(rating) - 3) * 0.15 if rating is not None else 1.0
        items.append({**passage.as_dict(), "score": round(passage.score * boost, 4),
                      "reason": _reason(passage.kind, rating)})
    return sorted(items, key=lambda item: -item["score"])[:limit]


def _reason(kind: str, rating: float | None) -> str:
    if rating is not None and rating >= 4:
        return "You rated this template highly."
    return {"template": "A library template matching your words.", "saved_prompt": "One of your saved prompts.",
            "history": "A prompt from your history that scored well."}.get(kind, "Related.")


def stats() -> dict[str, Any]:
    """What the agents did, from their own rows (staff)."""
    runs = db.session.execute(sa.select(OptimizationRun.kind, sa.func.count(),
                                        sa.func.avg(OptimizationRun.score_after - OptimizationRun.score_before))
                              .group_by(OptimizationRun.kind)).all()
    by_method = dict(db.session.execute(sa.select(OptimizationRun.method, sa.func.count())
                                        .group_by(OptimizationRun.method)).all())
    tools = dict(db.session.execute(sa.select(AssistantStep.tool, sa.func.count()).where(AssistantStep.kind == "tool")
                                    .group_by(AssistantStep.tool)).all())
    feedback = db.session.execute(sa.select(sa.func.count(), sa.func.avg(Feedback.rating))).one()
    return {"optimizations": {kind: {"runs": count, "average_gain": round(float(gain or 0), 2)}
                              for kind, count, gain in runs},
            "by_method": by_method, "tool_calls": tools,
            "feedback": {"count": feedback[0], "average_rating": round(float(feedback[1]), 2) if feedback[1] else None}}
