"""The leaderboard: XP earned in a period, summed from the ledger, in one indexed query.

Periods are calendar periods in UTC, the same for every reader: `day` since midnight, `week`
since Monday midnight, `all` the whole ledger. Equal totals share a rank (SQL RANK); the caller's
own row comes back with the page even when it is outside it.
"""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.extensions import db
from promptcraft.gamification.models import XPGrant

PERIODS = ("day", "week", "all")


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    now = now or utcnow()
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    if period == "day":
        return midnight
    if period == "week":
        return midnight - timedelta(days=now.weekday())
    return None


def board(user_id: uuid.UUID, period: str = "week", page: int = 1, page_size: int = 20) -> dict:
    start = period_start(period)
    totals = sa.select(XPGrant.user_id, sa.func.sum(XPGrant.amount).label("xp")).group_by(XPGrant.user_id)
    if start is not None:
        totals = totals.where(XPGrant.created_at >= start)
    totals = totals.subquery()
    ranked = (
        sa.select(totals.c.user_id, totals.c.xp, User.username, User.level, User.rank.label("title"),
                  sa.func.rank().over(order_by=totals.c.xp.desc()).label("rank"),
                  sa.func.row_number().over(order_by=(totals.c.xp.desc(), User.username_key)).label("position"),
                  sa.func.count().over().label("total"))
        .join(User, User.id == totals.c.user_id)
        .where(User.is_active.is_(True), totals.c.xp > 0)
        .subquery()
    )
    first = (page - 1) * page_size + 1
    rows = db.session.execute(
        sa.select(ranked).where(sa.or_(ranked.c.position.between(first, first + page_size - 1),
                                       ranked.c.user_id == user_id)).order_by(ranked.c.position)
    ).mappings().all()
    entries = [_entry(row, user_id) for row in rows]
    count = rows[0]["total"] if rows else 0
    mine = next((entry for entry in entries if entry["is_me"]), None)
    results = [entry for entry, row in zip(entries, rows, strict=True) if first <= row["position"] < first + page_size]
    return {"period": period, "since": start, "results": results, "count": count, "page": page,
            "pages": max(1, -(-count // page_size)), "me": mine or _unranked(user_id)}


def _entry(row, user_id: uuid.UUID) -> dict:
    return {"rank": row["rank"], "user_id": row["user_id"], "username": row["username"], "xp": int(row["xp"]),
            "level": row["level"], "title": row["title"], "is_me": row["user_id"] == user_id}


def _unranked(user_id: uuid.UUID) -> dict:
    user = db.session.get(User, user_id)
    return {"rank": None, "user_id": user_id, "username": user.username if user else "", "xp": 0,
            "level": user.level if user else 1, "title": user.rank if user else "", "is_me": True}
