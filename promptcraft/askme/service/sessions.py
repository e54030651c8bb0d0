"""Starting a session, answering (and re-answering) its questions, listing and deleting sessions."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from promptcraft.askme import planner
from promptcraft.askme.models import AskMeEvent, AskMeSession
from promptcraft.askme.service.events import add_event
from promptcraft.auth.models import User
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.orchestrator.intent import classify
from promptcraft.pagination import Page, paginate


def start(user: User, goal: str, context: str = "", task_type: str | None = None) -> AskMeSession:
    """A new session with its planned questions. `task_type` overrides the one detected in the goal."""
    found = classify(f"{goal}\n{context}".strip(), user)
    if task_type:
        found["task_type"] = task_type
    questions, known, method = planner.plan(user, goal, context, found)
    template = found["templates"][0] if found["templates"] else None
    session = AskMeSession(user_id=user.id, goal=goal.strip(), context=context.strip(), task_type=found["task_type"],
                           category=found["category"], template_id=template.id if template else None, method=method,
                           questions=questions, answers={}, known=known,
                           completeness=planner.completeness(questions, {}, known))
    db.session.add(session)
    db.session.flush()
    add_event(session, "started", {"questions": questions, "known": known, "completeness": session.completeness,
                                   "task_type": session.task_type, "category": session.category})
    db.session.commit()
    return session


def get_session(user: User, session_id: uuid.UUID, *, lock: bool = False) -> AskMeSession:
    """The user's session; anyone else's is 404, as if it did not exist. `lock` holds the row until
    commit, so two answers sent at once are applied one after the other instead of one being lost."""
    session = db.session.get(AskMeSession, session_id, with_for_update=lock)
    if session is None or session.user_id != user.id:
        raise AppError.not_found("AskMe session")
    return session


def answer(user: User, session_id: uuid.UUID, question_id: str, text: str) -> tuple[AskMeSession, list[dict]]:
    """Record (or change) an answer; returns the session and the follow-ups this answer opened.

    409 once the session is finalised; 400 for a question the session does not have.
    """
    session = get_session(user, session_id, lock=True)
    if session.status != "open":
        raise AppError.conflict("This session is finalised; start a new one to change its answers.")
    if question_id not in {q["id"] for q in session.questions}:
        raise AppError.invalid("Unknown question.", {"question_id": ["This session has no such question."]})
    before = {q["id"] for q in session.questions}
    questions, answers = planner.reconcile(session.questions, {**session.answers, question_id: text.strip()})
    opened = [q for q in questions if q["id"] not in before]
    closed = sorted(before - {q["id"] for q in questions})
    session.questions, session.answers = questions, answers
    session.completeness = planner.completeness(questions, answers, session.known)
    add_event(session, "answered", {"question_id": question_id, "answer": text.strip(), "follow_ups": opened,
                                    "removed": closed, "completeness": session.completeness})
    db.session.commit()
    return session, opened


def list_sessions(user: User, status: str | None = None, page: int = 1, page_size: int = 20) -> Page:
    """The user's sessions, most recently touched first; `status` open or finished filters."""
    stmt = sa.select(AskMeSession).where(AskMeSession.user_id == user.id)
    if status == "open":
        stmt = stmt.where(AskMeSession.status != "finished")
    elif status:
        stmt = stmt.where(AskMeSession.status == status)
    return paginate(stmt.order_by(AskMeSession.updated_at.desc(), AskMeSession.id), page, page_size)


def delete_session(user: User, session_id: uuid.UUID) -> None:
    """Delete the session and its events (its history entry, if any, stays in the history)."""
    db.session.delete(get_session(user, session_id))
    db.session.commit()


def stats() -> dict[str, Any]:
    """How AskMe is used, from its own rows (staff): sessions by status and planner, average
    completeness and score, the slots asked most and the follow-ups answers open."""
    by_status = dict(db.session.execute(sa.select(AskMeSession.status, sa.func.count()).group_by(
        AskMeSession.status)).all())
    by_method = dict(db.session.execute(sa.select(AskMeSession.method, sa.func.count()).group_by(
        AskMeSession.method)).all())
    averages = db.session.execute(sa.select(sa.func.avg(AskMeSession.completeness), sa.func.avg(
        AskMeSession.score))).one()
    slots: dict[str, int] = {}
    follow_ups: dict[str, int] = {}
    for questions in db.session.scalars(sa.select(AskMeSession.questions).order_by(
            AskMeSession.created_at.desc()).limit(500)):
        for q in questions:
            target = follow_ups if q.get("follows") else slots
            target[q["slot"]] = target.get(q["slot"], 0) + 1
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AskMeEvent)) or 0
    return {"sessions": by_status, "planned_by": by_method, "events": events,
            "average_completeness": round(float(averages[0]), 3) if averages[0] is not None else None,
            "average_score": round(float(averages[1]), 2) if averages[1] is not None else None,
            "slots_asked": dict(sorted(slots.items(), key=lambda kv: -kv[1])),
            "follow_ups_opened": dict(sorted(follow_ups.items(), key=lambda kv: -kv[1]))}
