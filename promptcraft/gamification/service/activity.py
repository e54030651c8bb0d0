"""Recording what a user did, and paying for it: the one entry point the signal listeners call.

Each action is stored once (uncapped: achievements and challenges count it). Its XP is paid
through the ledger under the action's own key, within the daily cap of its kind; the first action
of a local day also pays the daily bonus and extends the streak; then today's challenges and the
achievements over what changed (that kind's count, the streak, challenges completed) are checked.
One commit for all of it.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from promptcraft.auth.models import User
from promptcraft.database import conflict_insert
from promptcraft.db_types import utcnow
from promptcraft.extensions import db
from promptcraft.gamification.models import Action, XPGrant
from promptcraft.gamification.service import achievements, challenges, ledger, streak


@dataclass(frozen=True)
class Reward:
    xp: int
    daily_cap: int  # grants of this kind paid per local day; more actions still count, unpaid


HIGH_SCORE = 8.0  # an AskMe prompt scored at least this (0-10) earns the bonus
HIGH_SCORE_BONUS = 10
DAILY_ACTIVITY_XP = 10

# The *_received kinds are done by others to the user's templates and paid to the owner; they do
# not make the owner's day active (streak.ACTIVE lists the kinds that do).
REWARDS: dict[str, Reward] = {
    "template_created": Reward(20, 5),
    "template_rated": Reward(3, 10),
    "rating_received": Reward(5, 20),
    "use_received": Reward(2, 25),
    "askme_finished": Reward(15, 5),
    "chat_turn": Reward(2, 25),
}


def _store_once(user_id: uuid.UUID, kind: str, ref: str, score: float | None, day) -> bool:
    """Store the action; False when this (user, kind, ref) was stored before. One statement: the
    unique constraint decides, also between two transactions recording the same action."""
    stmt = (conflict_insert(Action.__table__, db.engine.dialect.name)
            .values(user_id=user_id, kind=kind, ref=ref, score=score, day=day, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["user_id", "kind", "ref"]).returning(Action.__table__.c.id))
    return db.session.execute(stmt).first() is not None


def record(user_id: uuid.UUID, kind: str, ref: str, *, score: float | None = None,
           actor_id: uuid.UUID | None = None) -> list[XPGrant]:
    """Record `kind` for `user_id` once per `ref` and pay what it earns; returns the grants made."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return []
    day = ledger.local_day(user)
    if not _store_once(user.id, kind, ref[:80], score, day):
        return []
    grants = []
    changed = achievements.counted_by(kind)
    reward = REWARDS.get(kind)
    if reward:
        amount = reward.xp + (HIGH_SCORE_BONUS if kind == "askme_finished" and (score or 0) >= HIGH_SCORE else 0)
        grants.append(ledger.grant(user, kind, amount, f"{kind}:{ref}", day=day, source_type=kind, source_id=ref,
                                   daily_cap=reward.daily_cap))
    if kind in streak.ACTIVE:
        first_today = ledger.grant(user, "daily_activity", DAILY_ACTIVITY_XP, f"daily:{day.isoformat()}", day=day,
                                   source_type="day", source_id=day.isoformat())
        grants.append(first_today)
        if first_today is not None:
            streak.earn_freeze(user, day)
            changed.add("longest_streak")
    paid_challenges = challenges.pay_completed(user, day)
    grants += paid_challenges
    if any(paid_challenges):
        changed.add("challenges_completed")
    achievements.unlock_reached(user, changed)
    try:
        db.session.commit()
    except IntegrityError:  # the same action recorded concurrently: the other transaction paid it
        db.session.rollback()
        return []
    made = [row for row in grants if row is not None]
    ledger.notify(made, actor_id or user_id)
    return made
