"""Finalising a session: compose the prompt, assess it, save it to history, tell the product.

With a model, it may reword the composed prompt (validated JSON, every answer kept, a score no
lower than the local composition's); otherwise the local composition stands.

Finalising twice returns the first result: a conditional update claims the session, so a double
click (or two clients at once) saves one history entry and sends one signal.
"""
from __future__ import annotations

import uuid

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields, validate

from promptcraft import signals
from promptcraft.askme.compose import CONFIDENT_TEMPLATE, compose, slot_values
from promptcraft.askme.models import AskMeSession
from promptcraft.askme.service.events import add_event
from promptcraft.askme.service.sessions import get_session
from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.history.service import record_prompt
from promptcraft.orchestrator.assessment import assess
from promptcraft.orchestrator.service import assessment
from promptcraft.orchestrator.structured import ask_json
from promptcraft.prompt_templates.discovery import detect_intent


class ComposedSchema(ma.Schema):
    prompt = fields.String(required=True, validate=validate.Length(min=20, max=20_000))


def _model_wording(user: User, goal: str, values: dict[str, str], draft: str) -> str:
    """With a model, its wording of the draft when it keeps every answer and scores at least as well."""
    answer = ask_json(user, "You turn a prompt builder's answers into one strong prompt for a language model: "
                      "role, context, task, constraints, output format, example where given. Keep every answer. "
                      "Return {\"prompt\"}.", f"Goal: {goal}\nAnswers:\n"
                      + "\n".join(f"- {slot}: {value}" for slot, value in values.items()) + f"\n\nDraft:\n{draft}",
                      ComposedSchema(), kind="askme-compose")
    if not answer:
        return draft
    worded = answer["prompt"].strip()
    keeps_answers = all(value.strip().lower()[:40] in worded.lower() for value in values.values())
    return worded if keeps_answers and assess(worded).overall >= assess(draft).overall else draft


def _claim(user: User, session_id: uuid.UUID) -> bool:
    claimed = db.session.execute(sa.update(AskMeSession).where(
        AskMeSession.id == session_id, AskMeSession.user_id == user.id, AskMeSession.status == "open"
    ).values(status="finalizing").execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(claimed)


def finalize(user: User, session_id: uuid.UUID) -> AskMeSession:
    """The composed, assessed prompt, saved to the user's history (once). 409 while another
    request is finalising the same session."""
    session = get_session(user, session_id)
    if session.status == "finished":
        return session
    if not _claim(user, session_id):
        db.session.refresh(session)
        if session.status == "finished":
            return session
        raise AppError.conflict("This session is being finalised; try again in a moment.")
    try:
        db.session.refresh(session)
        values = slot_values(session.questions, session.answers, session.known)
        query = " ".join([session.goal, *values.values()])
        found = detect_intent(query, user, recommend=1)
        best = found["templates"][0] if found["templates"] and found["confidence"] >= CONFIDENT_TEMPLATE else None
        prompt = compose(session.goal, session.context, values, category=found["category"] or session.category,
                         template_text=best.content if best else None)
        prompt = _model_wording(user, session.goal, values, prompt)
        report = assessment(user, prompt)
        entry = record_prompt(user.id, prompt, template_id=best.id if best else None,
                              category=found["category"] or session.category or "",
                              tags=["askme", session.task_type], quality_score=report["overall"], source="askme")
    except Exception:
        db.session.rollback()
        db.session.execute(sa.update(AskMeSession).where(AskMeSession.id == session_id).values(status="open"))
        db.session.commit()
        raise
    session.final_prompt, session.score, session.assessment = prompt, report["overall"], report
    session.history_id, session.status, session.finished_at = entry.id, "finished", utcnow()
    if best:
        session.template_id = best.id
    add_event(session, "finalized", {"prompt": prompt, "score": report["overall"], "history_id": entry.id,
                                     "template_id": session.template_id})
    db.session.commit()
    signals.askme_finished.send(user.id, session_id=str(session.id), score=session.score)
    return session


def save_to_library(user: User, session_id: uuid.UUID):
    """Keep a finalised prompt in the user's saved prompts (titled after the goal). 409 before finalising."""
    from promptcraft.history.service import create_saved

    session = get_session(user, session_id)
    if session.status != "finished" or not session.final_prompt:
        raise AppError.conflict("Finalise the session before saving its prompt.")
    title = session.goal if len(session.goal) <= 120 else session.goal[:117].rstrip() + "…"
    return create_saved(user.id, {"title": title, "content": session.final_prompt, "category": session.category or "",
                                  "tags": ["askme", session.task_type], "template_id": None,
                                  "description": f"Built with AskMe; scored {session.score}/10."})
