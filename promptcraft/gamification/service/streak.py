"""Streaks: consecutive local days with activity, or covered by a freeze.

A freeze is earned each time a run reaches a multiple of 7 days (at most `MAX_FREEZES` held)
and spent on a missed day that follows a covered one, so the run goes on across it.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.gamification.models import Action, StreakFreeze
from promptcraft.gamification.service import ledger

MAX_FREEZES = 2
RUN_FOR_FREEZE = 7
FREEZE_WINDOW = 7  # a freeze covers a day at most this many days back
CALENDAR_DAYS = 35

ACTIVE = ("login", "template_created", "template_rated", "template_used", "chat_turn", "askme_finished",
          "prompt_recorded")


def active_days(user: User) -> set[date]:
    return set(db.session.scalars(sa.select(Action.day).where(Action.user_id == user.id, Action.kind.in_(ACTIVE))
                                  .distinct()))


def frozen_days(user: User) -> set[date]:
    return set(db.session.scalars(sa.select(StreakFreeze.used_for).where(
        StreakFreeze.user_id == user.id, StreakFreeze.used_for.is_not(None))))


def held(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        StreakFreeze.user_id == user.id, StreakFreeze.used_for.is_(None))) or 0


def _run_ending(covered: set[date], day: date) -> int:
    length = 0
    while day in covered:
        length += 1
        day -= timedelta(days=1)
    return length


def _longest(covered: set[date]) -> int:
    return max((_run_ending(covered, day) for day in covered if day + timedelta(days=1) not in covered), default=0)


def longest(user: User) -> int:
    return _longest(active_days(user) | frozen_days(user))


def earn_freeze(user: User, day: date) -> None:
    """Called for a newly active `day`: a run that reaches a multiple of 7 days earns a freeze."""
    db.session.flush()
    run = _run_ending(active_days(user) | frozen_days(user), day)
    if run and run % RUN_FOR_FREEZE == 0 and held(user) < MAX_FREEZES:
        db.session.add(StreakFreeze(user_id=user.id, earned_on=day))
        db.session.flush()


def status(user: User) -> dict:
    """Current and longest streak, freezes held, and the last weeks day by day."""
    today = ledger.local_day(user)
    active, frozen = active_days(user), frozen_days(user)
    covered = active | frozen
    current = _run_ending(covered, today) or _run_ending(covered, today - timedelta(days=1))
    run = _run_ending(covered, today)
    days = []
    for offset in range(CALENDAR_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        state = "active" if day in active else "frozen" if day in frozen else "today" if day == today else "missed"
        days.append({"date": day, "status": state})
    return {
        "current": current,
        "longest": _longest(covered),
        "active_today": today in active,
        "today": today,
        "timezone": user.timezone or "UTC",
        "freezes": held(user),
        "max_freezes": MAX_FREEZES,
        "days_to_next_freeze": RUN_FOR_FREEZE - (run % RUN_FOR_FREEZE),
        "days": days,
    }


def use_freeze(user: User, day: date | None = None) -> dict:
    """Cover a missed `day` (yesterday by default) with a held freeze.

    400 when the day is today, in the future or more than a week back; 409 when the day is
    already covered, when no freeze is held, or when no covered day precedes it (nothing to protect).
    """
    today = ledger.local_day(user)
    day = day or today - timedelta(days=1)
    if day >= today or day < today - timedelta(days=FREEZE_WINDOW):
        raise AppError.invalid("Choose a missed day in the last week.",
                               {"day": [f"Use a date from {today - timedelta(days=FREEZE_WINDOW)} to "
                                        f"{today - timedelta(days=1)}."]})
    covered = active_days(user) | frozen_days(user)
    if day in covered:
        raise AppError(409, "day_covered", "That day is already part of your streak.")
    freeze = db.session.scalars(sa.select(StreakFreeze).where(
        StreakFreeze.user_id == user.id, StreakFreeze.used_for.is_(None)).order_by(StreakFreeze.earned_on)).first()
    if freeze is None:
        raise AppError(409, "no_freezes", "You have no streak freeze to spend.")
    if day - timedelta(days=1) not in covered:
        raise AppError(409, "nothing_to_protect", "No streak runs up to that day, so there is nothing to keep.")
    freeze.used_for, freeze.used_at = day, utcnow()
    db.session.commit()
    return status(user)
