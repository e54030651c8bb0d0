"""Signals from the other domains become recorded actions and XP (see service/activity.py).

A receiver runs after the sender committed its work. Gamification must never break the action it
rewards, so a failure is logged and rolled back, not raised.
"""
from __future__ import annotations

import uuid
from typing import Any

from promptcraft import signals
from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.gamification.service import activity, ledger, stats

_safe = signals.guarded(users_only=True)  # anonymous actions earn nothing


def _other(owner_id: Any, user_id: Any) -> bool:
    return owner_id is not None and str(owner_id) != str(user_id)


@_safe
def user_logged_in(user_id, **kwargs: Any) -> None:
    activity.record(user_id, "login", _today_ref(user_id))


@_safe
def template_created(user_id, *, template_id: int, **kwargs: Any) -> None:
    activity.record(user_id, "template_created", str(template_id))


@_safe
def template_rated(user_id, *, template_id: int, owner_id=None, **kwargs: Any) -> None:
    activity.record(user_id, "template_rated", str(template_id))
    if _other(owner_id, user_id):  # one payment per rater and template, however often it is updated
        activity.record(owner_id, "rating_received", f"{template_id}:{user_id}", actor_id=user_id)


@_safe
def template_used(user_id, *, template_id: int, owner_id=None, **kwargs: Any) -> None:
    day = _today_ref(user_id)
    activity.record(user_id, "template_used", f"{day}:{template_id}")
    if _other(owner_id, user_id):  # one payment per user, template and day
        activity.record(owner_id, "use_received", f"{day}:{template_id}:{user_id}", actor_id=user_id)


@_safe
def chat_message_finished(user_id, *, message_id=None, status: str = "", **kwargs: Any) -> None:
    if status == "complete" and message_id is not None:
        activity.record(user_id, "chat_turn", str(message_id))


@_safe
def askme_finished(user_id, *, session_id=None, score: float | None = None, **kwargs: Any) -> None:
    if session_id is not None:
        activity.record(user_id, "askme_finished", str(session_id), score=None if score is None else float(score))


@_safe
def prompt_recorded(user_id, *, entry_id: int, **kwargs: Any) -> None:
    activity.record(user_id, "prompt_recorded", str(entry_id))


def _today_ref(user_id: Any) -> str:
    user = db.session.get(User, user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id)))
    return ledger.local_day(user).isoformat() if user else ""


def profile_stats(user_id, **kwargs: Any) -> dict[str, Any]:
    """XP, level, rank, streak and achievements for the profile statistics."""
    user = db.session.get(User, user_id)
    return stats(user) if user else {}


RECEIVERS = [
    (signals.user_logged_in, user_logged_in),
    (signals.template_created, template_created),
    (signals.template_rated, template_rated),
    (signals.template_used, template_used),
    (signals.chat_message_finished, chat_message_finished),
    (signals.askme_finished, askme_finished),
    (signals.prompt_recorded, prompt_recorded),
    (signals.user_stats_requested, profile_stats),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)
