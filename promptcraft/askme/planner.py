"""Planning the questions: the slots this kind of task needs, minus what is already known.

Known comes from three places: the goal (and optional context) itself, the user's profile, and
the answers the user gave consistently in earlier AskMe sessions of the same kind. A model, when
one is configured, may word the plan (validated against a schema); the local plan stands otherwise.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields, validate

from promptcraft.askme.models import AskMeSession
from promptcraft.askme.slots import FOLLOW_UPS, SLOTS, FollowUp, answered_in, ranked_slots
from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.orchestrator.composer import PLAUSIBLE
from promptcraft.orchestrator.structured import ask_json

MIN_QUESTIONS, MAX_QUESTIONS = 3, 7
# Slots whose answer is a habit rather than a fact of one task: repeated answers carry over.
HABITS = ("audience", "tone", "format", "length", "language", "style")


def question(qid: str, slot: str, text: str, why: str, options: tuple[str, ...] | list[str] = (),
             follows: str | None = None) -> dict[str, Any]:
    return {"id": qid, "slot": slot, "text": text, "why": why, "kind": "choice" if options else "text",
            "options": list(options), "follows": follows}


def known_slots(user: User, goal: str, context: str, task_type: str) -> dict[str, dict[str, str]]:
    """What the goal, the profile and the user's earlier sessions already answer, and where from."""
    known = {slot: {"value": value, "source": "goal"} for slot, value in answered_in(f"{goal}\n{context}").items()}
    bio = (user.bio or "").strip()
    if bio:
        known.setdefault("context", {"value": bio, "source": "profile"})
        if "audience" in answered_in(bio):
            known.setdefault("audience", {"value": answered_in(bio)["audience"], "source": "profile"})
    for slot, value in habits(user, task_type).items():
        known.setdefault(slot, {"value": value, "source": "history"})
    return known


def habits(user: User, task_type: str, sessions: int = 10) -> dict[str, str]:
    """Answers the user gave the same way the last two times a finished session of this task asked."""
    rows = db.session.scalars(sa.select(AskMeSession).where(
        AskMeSession.user_id == user.id, AskMeSession.task_type == task_type, AskMeSession.status == "finished"
    ).order_by(AskMeSession.finished_at.desc()).limit(sessions))
    seen: dict[str, list[str]] = {}
    for row in rows:
        for q in row.questions:
            answer = (row.answers or {}).get(q["id"])
            if q["slot"] in HABITS and answer and not q.get("follows"):
                seen.setdefault(q["slot"], []).append(answer.strip())
    return {slot: answers[0] for slot, answers in seen.items()
            if len(answers) >= 2 and answers[0].lower() == answers[1].lower()}


def follow_ups(slot: str, answer: str) -> list[FollowUp]:
    """The follow-ups an answer to `slot` opens."""
    return [rule for rule in FOLLOW_UPS if rule.parent == slot and rule.when.search(answer or "")]


def local_plan(order: list[str], known: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Up to seven of the ranked slots not yet known, plus follow-ups a known slot already opens."""
    wanted = [name for name in order if name not in known][:MAX_QUESTIONS]
    questions = [question(f"q{i}", name, SLOTS[name].text, SLOTS[name].why, SLOTS[name].options)
                 for i, name in enumerate(wanted, 1)]
    for slot, fact in known.items():
        for rule in follow_ups(slot, fact["value"]):
            if len(questions) < MAX_QUESTIONS and rule.slot not in known:
                questions.append(question(f"k-{rule.slot}", rule.slot, rule.text, rule.why, rule.options))
    return questions


class PlannedQuestionSchema(ma.Schema):
    slot = fields.String(required=True, validate=validate.OneOf(list(SLOTS)))
    text = fields.String(required=True, validate=validate.Length(min=5, max=300))
    why = fields.String(required=True, validate=validate.Length(min=5, max=300))
    options = fields.List(fields.String(validate=validate.Length(min=1, max=80)), load_default=list,
                          validate=validate.Length(max=8))


class PlanAnswerSchema(ma.Schema):
    questions = fields.List(fields.Nested(PlannedQuestionSchema), required=True,
                            validate=validate.Length(min=MIN_QUESTIONS, max=MAX_QUESTIONS + 3))


def model_plan(user: User, goal: str, context: str, order: list[str], known: dict[str, dict[str, str]]
               ) -> list[dict[str, Any]] | None:
    """The model's wording of the plan, or None when there is no model or its plan is unusable."""
    open_slots = [name for name in order if name not in known]
    answer = ask_json(
        user, "You plan the questions a guided prompt builder asks before writing a prompt. Ask only about "
        f"these slots, most important first: {', '.join(open_slots)}. Return {{\"questions\": [{{\"slot\", "
        "\"text\", \"why\", \"options\"}}]}}, 3 to 7 questions, options only where a short choice fits.",
        f"Goal: {goal}\nContext: {context or 'none'}\nAlready known: "
        + ", ".join(f"{k}={v['value'][:80]}" for k, v in known.items()), PlanAnswerSchema(), kind="askme-plan")
    if not answer:
        return None
    picked = list({q["slot"]: q for q in answer["questions"] if q["slot"] in open_slots}.values())
    if len(picked) < min(MIN_QUESTIONS, len(open_slots)):
        return None
    return [question(f"q{i}", q["slot"], q["text"], q["why"], q["options"])
            for i, q in enumerate(picked[:MAX_QUESTIONS], 1)]


def plan(user: User, goal: str, context: str, intent: dict[str, Any]) -> tuple[list[dict], dict, str]:
    """(questions, known slots, method) for a new session."""
    # A weak nearest-template vote would mislead: only a plausible category or template reorders.
    plausible = intent.get("confidence", 0) >= PLAUSIBLE
    template = intent["templates"][0] if plausible and intent.get("templates") else None
    variables = [v.get("name", "") for v in (template.variables if template else [])]
    order = ranked_slots(intent["task_type"], intent.get("category") if plausible else None, variables)
    known = known_slots(user, goal, context, intent["task_type"])
    planned = model_plan(user, goal, context, order, known)
    if planned:
        return planned, known, "model"
    return local_plan(order, known), known, "local"


def reconcile(questions: list[dict[str, Any]], answers: dict[str, str]) -> tuple[list[dict], dict[str, str]]:
    """The question list after a change of answers: follow-ups an answer opens are inserted after it;
    those it no longer opens (an answer was edited) are dropped with their answers."""
    result: list[dict[str, Any]] = []
    existing = {q["id"]: q for q in questions}
    for q in questions:
        if q.get("follows"):
            continue
        result.append(q)
        for rule in follow_ups(q["slot"], answers.get(q["id"], "")):
            qid = f"{q['id']}-{rule.slot}"
            result.append(existing.get(qid) or question(qid, rule.slot, rule.text, rule.why, rule.options, q["id"]))
    ids = {q["id"] for q in result}
    return result, {k: v for k, v in answers.items() if k in ids}


def completeness(questions: list[dict[str, Any]], answers: dict[str, str], known: dict[str, Any]) -> float:
    """The share of what the prompt needs that is settled: known slots plus answered questions."""
    total = len(known) + len(questions)
    done = len(known) + sum(1 for q in questions if answers.get(q["id"]))
    return round(done / total, 3) if total else 1.0
