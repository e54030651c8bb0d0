"""The XP ledger: every grant is a row with a per-user unique key; the user's xp, level and rank
are set from the ledger's sum whenever it changes.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import g, has_request_context

from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.extensions import db
from promptcraft.gamification.models import XPGrant
from promptcraft.gamification.service import curve


def zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # a value stored before validation existed
        return ZoneInfo("UTC")


def local_day(user: User, when: datetime | None = None) -> date:
    """The user's calendar date at `when` (now), in their profile time zone."""
    return (when or utcnow()).astimezone(zone(user)).date()


def grant(user: User, reason: str, amount: int, key: str, *, day: date, source_type: str = "",
          source_id: str = "", credits: int = 0, daily_cap: int | None = None) -> XPGrant | None:
    """Add one grant unless `key` was paid already or `reason` reached `daily_cap` grants on `day`.

    Does not commit: the caller's transaction holds the grant and the user's new totals together.
    """
    checks = [sa.select(XPGrant.id).where(XPGrant.user_id == user.id, XPGrant.key == key).exists()]
    if daily_cap is not None:  # asked in the same read
        checks.append(sa.select(sa.func.count()).where(
            XPGrant.user_id == user.id, XPGrant.reason == reason, XPGrant.day == day).scalar_subquery())
    paid, *today = db.session.execute(sa.select(*checks)).one()
    if paid or (today and today[0] >= daily_cap):
        return None
    row = XPGrant(user_id=user.id, amount=amount, credits=credits, reason=reason, key=key[:160], day=day,
                  source_type=source_type, source_id=str(source_id)[:64])
    db.session.add(row)
    db.session.flush()
    sync_user(user)
    if credits:
        user.credits = (user.credits or 0) + credits
    return row


def sync_user(user: User) -> None:
    """Set xp, level and rank from the ledger (never incremented apart from it)."""
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(XPGrant.amount), 0))
                              .where(XPGrant.user_id == user.id)) or 0
    user.xp = int(total)
    user.level = curve.level_for_xp(user.xp)
    user.rank = curve.rank_for_level(user.level)


def notify(grants: list[XPGrant], actor_id: uuid.UUID | None) -> None:
    """Remember, for this request's XP notice, the grants paid to the user who acted."""
    if not has_request_context():
        return
    notices = g.setdefault("xp_notices", [])
    for row in grants:
        if row is not None and row.user_id == actor_id:
            notices.append({"amount": row.amount, "reason": row.reason})


def total_xp(user_id: uuid.UUID) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(XPGrant.amount), 0))
                                 .where(XPGrant.user_id == user_id)) or 0)
