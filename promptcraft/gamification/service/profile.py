"""The user's level card and the figures gamification adds to the profile statistics."""
from __future__ import annotations

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.gamification.models import UserAchievement
from promptcraft.gamification.service import curve, ledger, streak


def level_of(user: User) -> dict:
    """XP from the ledger, the level and rank it gives, and the way to the next level."""
    return {**curve.progress(ledger.total_xp(user.id)), "credits": user.credits}


def stats(user: User) -> dict:
    figures = streak.status(user)
    return {
        "xp": ledger.total_xp(user.id),
        "level": user.level,
        "rank": user.rank,
        "streak": figures["current"],
        "longest_streak": figures["longest"],
        "achievements_unlocked": db.session.scalar(sa.select(sa.func.count()).where(
            UserAchievement.user_id == user.id)) or 0,
    }
