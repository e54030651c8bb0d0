"""Daily challenges: drawn per date from the seeded pool, the same for everyone that day, and
paid once when the user's actions of that (local) day reach the target."""
from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.gamification.models import Action, ChallengeDefinition, XPGrant
from promptcraft.gamification.service import ledger

PER_DAY = 3
HIGH_SCORE = 8.0
# A challenge kind is an action kind, or this one: AskMe sessions whose prompt scored high.
ASKME_HIGH = "askme_high_score"


def _draw_key(day: date, code: str) -> str:
    return hashlib.sha256(f"{day.isoformat()}:{code}".encode()).hexdigest()


def for_day(day: date) -> list[ChallengeDefinition]:
    """The day's challenges: the pool ordered by a hash of (date, code), first `PER_DAY`."""
    pool = db.session.scalars(sa.select(ChallengeDefinition)).all()
    return sorted(pool, key=lambda c: _draw_key(day, c.code))[:PER_DAY]


def _counts(user: User, day: date) -> dict[str, int]:
    """The user's actions of `day` by kind, and the AskMe sessions among them that scored high."""
    high = sa.func.count().filter(Action.kind == "askme_finished", Action.score >= HIGH_SCORE)
    rows = db.session.execute(sa.select(Action.kind, sa.func.count(), high).where(
        Action.user_id == user.id, Action.day == day).group_by(Action.kind)).all()
    counts = {kind: count for kind, count, _ in rows}
    counts[ASKME_HIGH] = sum(high_scores for _, _, high_scores in rows)
    return counts


def _paid(user: User, day: date) -> dict[str, object]:
    """The day's challenge grants already made: key -> when."""
    return dict(db.session.execute(sa.select(XPGrant.key, XPGrant.created_at).where(
        XPGrant.user_id == user.id, XPGrant.reason == "challenge", XPGrant.day == day)).all())


def _key(day: date, challenge: ChallengeDefinition) -> str:
    return f"challenge:{day.isoformat()}:{challenge.code}"


def pay_completed(user: User, day: date) -> list[XPGrant]:
    """Pay each of the day's challenges the user has completed and not yet been paid for (no commit).
    Every action of a day asks: what was paid is read once, not once per completed challenge."""
    counts = _counts(user, day)
    completed = [challenge for challenge in for_day(day) if counts.get(challenge.kind, 0) >= challenge.target]
    paid = _paid(user, day) if completed else {}
    return [ledger.grant(user, "challenge", challenge.xp_reward, _key(day, challenge), day=day,
                         source_type="challenge", source_id=challenge.code)
            for challenge in completed if _key(day, challenge) not in paid]


def today(user: User) -> dict:
    """Today's challenges (in the user's time zone) with the user's progress and completion."""
    day = ledger.local_day(user)
    counts = _counts(user, day)
    paid = _paid(user, day)
    results = []
    for challenge in for_day(day):
        progress = min(counts.get(challenge.kind, 0), challenge.target)
        results.append({"id": challenge.id, "code": challenge.code, "title": challenge.title,
                        "description": challenge.description, "kind": challenge.kind, "target": challenge.target,
                        "progress": progress, "xp_reward": challenge.xp_reward,
                        "completed": progress >= challenge.target,
                        "completed_at": paid.get(_key(day, challenge))})
    return {"date": day, "timezone": user.timezone or "UTC", "results": results}
