"""The gamification tables: the XP ledger, the activity log it is earned from, achievements,
the daily challenge pool, streak freezes.

`day` columns hold the user's local date (their profile time zone) at the moment of the action,
so caps, challenges and streaks count the day the user lived, on an indexed column.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db

TIERS = ("bronze", "silver", "gold")


class XPGrant(db.Model):
    """One payment of XP (and possibly credits). `key` names the action it pays for: unique per user,
    so one action never pays twice however often its signal arrives."""

    __tablename__ = "xp_ledger"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="uq_xp_ledger_user_key"),
        sa.Index("ix_xp_ledger_created_user", "created_at", "user_id"),  # leaderboard periods
        sa.Index("ix_xp_ledger_user_reason_day", "user_id", "reason", "day"),  # daily caps
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    amount: Mapped[int]
    credits: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(sa.String(40))
    source_type: Mapped[str] = mapped_column(sa.String(40), default="")
    source_id: Mapped[str] = mapped_column(sa.String(64), default="")
    key: Mapped[str] = mapped_column(sa.String(160))
    day: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Action(db.Model):
    """Something the user did, recorded once (uncapped): achievements, challenges and streaks count these."""

    __tablename__ = "gamification_actions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "ref", name="uq_gamification_actions_user_kind_ref"),
        sa.Index("ix_gamification_actions_user_day_kind", "user_id", "day", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    ref: Mapped[str] = mapped_column(sa.String(80))
    score: Mapped[float | None]
    day: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Achievement(db.Model):
    """A seeded definition: unlocked when `metric` over the user's activity reaches `threshold`.
    Achievements of one `family` are its badge's bronze, silver and gold tiers."""

    __tablename__ = "achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.String(300))
    family: Mapped[str] = mapped_column(sa.String(64))
    tier: Mapped[str] = mapped_column(sa.String(8))
    metric: Mapped[str] = mapped_column(sa.String(40))
    threshold: Mapped[int]
    xp_reward: Mapped[int]
    credit_reward: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)


class UserAchievement(db.Model):
    __tablename__ = "user_achievements"
    __table_args__ = (sa.UniqueConstraint("user_id", "achievement_id", name="uq_user_achievements_user_achievement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    achievement_id: Mapped[int] = mapped_column(sa.ForeignKey("achievements.id", ondelete="CASCADE"))
    unlocked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    achievement: Mapped[Achievement] = relationship()


class ChallengeDefinition(db.Model):
    """One entry of the seeded pool the daily challenges are drawn from."""

    __tablename__ = "challenge_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(40))
    target: Mapped[int]
    xp_reward: Mapped[int]


class StreakFreeze(db.Model):
    """A streak freeze: earned at the end of a 7-day run, then spent to cover one missed day."""

    __tablename__ = "streak_freezes"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "earned_on", name="uq_streak_freezes_user_earned_on"),
        sa.UniqueConstraint("user_id", "used_for", name="uq_streak_freezes_user_used_for"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    earned_on: Mapped[date] = mapped_column(sa.Date)
    used_for: Mapped[date | None] = mapped_column(sa.Date)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
