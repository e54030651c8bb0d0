"""Achievements over the user's real activity, their one-time rewards, and the badges they make."""
from __future__ import annotations

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.gamification.models import TIERS, Achievement, Action, UserAchievement, XPGrant
from promptcraft.gamification.service import ledger, streak
from promptcraft.pagination import Page

HIGH_SCORE = 8.0

# metric -> how it is counted; "count:<kind>" counts that kind of action.
METRICS = {
    "templates_created": "count:template_created",
    "templates_rated": "count:template_rated",
    "ratings_received": "count:rating_received",
    "uses_received": "count:use_received",
    "askme_finished": "count:askme_finished",
    "chat_turns": "count:chat_turn",
    "prompts_recorded": "count:prompt_recorded",
    "askme_high_scores": "askme_high_scores",
    "longest_streak": "longest_streak",
    "challenges_completed": "challenges_completed",
}


def metrics(user: User, names: set[str] | None = None) -> dict[str, int]:
    """The metrics achievements are defined over (all, or those in `names`), in a few grouped queries."""
    wanted = set(METRICS) if names is None else names & set(METRICS)
    kinds = [METRICS[name][6:] for name in wanted if METRICS[name].startswith("count:")]
    counts = dict(db.session.execute(sa.select(Action.kind, sa.func.count()).where(
        Action.user_id == user.id, Action.kind.in_(kinds)).group_by(Action.kind)).all()) if kinds else {}
    values = {name: counts.get(METRICS[name][6:], 0) for name in wanted if METRICS[name].startswith("count:")}
    if "askme_high_scores" in wanted:
        values["askme_high_scores"] = db.session.scalar(sa.select(sa.func.count()).where(
            Action.user_id == user.id, Action.kind == "askme_finished", Action.score >= HIGH_SCORE)) or 0
    if "longest_streak" in wanted:
        values["longest_streak"] = streak.longest(user)
    if "challenges_completed" in wanted:
        values["challenges_completed"] = db.session.scalar(sa.select(sa.func.count()).where(
            XPGrant.user_id == user.id, XPGrant.reason == "challenge")) or 0
    return values


def counted_by(kind: str) -> set[str]:
    """The metrics that count actions of `kind` (the streak and challenges change on their own terms)."""
    names = {name for name, how in METRICS.items() if how == f"count:{kind}"}
    if kind == "askme_finished":
        names.add("askme_high_scores")
    return names


def _earned(user: User) -> dict[int, UserAchievement]:
    rows = db.session.scalars(sa.select(UserAchievement).where(UserAchievement.user_id == user.id))
    return {row.achievement_id: row for row in rows}


def unlock_reached(user: User, changed: set[str] | None = None) -> list[UserAchievement]:
    """Unlock every achievement whose threshold the user's metrics now reach (no commit).

    `changed` limits the check to achievements over those metrics (what an action can have
    raised), so recording an action costs the same however much the user has done before.
    """
    stmt = sa.select(Achievement) if changed is None else sa.select(Achievement).where(Achievement.metric.in_(changed))
    earned = _earned(user)
    pending = [a for a in db.session.scalars(stmt) if a.id not in earned]
    if not pending:
        return []
    values = metrics(user, {a.metric for a in pending})
    new = [UserAchievement(user_id=user.id, achievement_id=a.id) for a in pending
           if values.get(a.metric, 0) >= a.threshold]
    db.session.add_all(new)
    db.session.flush()
    return new


def _bring_unlocks_up_to_date(user: User) -> None:
    """Unlocks the listeners did not make (rows written otherwise, achievements added later), committed."""
    if unlock_reached(user):
        db.session.commit()


def _ordered() -> sa.Select:
    return sa.select(Achievement).order_by(Achievement.position, Achievement.id)


def listing(user: User, page: int = 1, page_size: int = 20, unlocked: bool | None = None) -> Page:
    """Every achievement with the user's progress, unlocked and claimed times (unlocks are brought up to date)."""
    _bring_unlocks_up_to_date(user)
    values, earned = metrics(user), _earned(user)
    items = []
    for a in db.session.scalars(_ordered()):
        row = earned.get(a.id)
        if unlocked is not None and (row is not None) != unlocked:
            continue
        items.append({"achievement": a, "value": min(values.get(a.metric, 0), a.threshold),
                      "unlocked_at": row.unlocked_at if row else None,
                      "claimed_at": row.claimed_at if row else None})
    return _page(items, page, page_size)


def claim(user: User, achievement_id: int) -> dict:
    """Pay an unlocked achievement's reward once: 404 unknown, 403 still locked, 409 claimed already."""
    achievement = db.session.get(Achievement, achievement_id)
    if achievement is None:
        raise AppError.not_found("Achievement")
    unlock_reached(user)
    row = db.session.scalar(sa.select(UserAchievement).where(
        UserAchievement.user_id == user.id, UserAchievement.achievement_id == achievement.id).with_for_update())
    if row is None:
        db.session.commit()
        raise AppError(403, "achievement_locked", "This achievement is not unlocked yet.")
    if row.claimed_at is not None:
        raise AppError(409, "already_claimed", "This achievement's reward was claimed already.")
    day = ledger.local_day(user)
    paid = ledger.grant(user, "achievement", achievement.xp_reward, f"achievement:{achievement.code}", day=day,
                        source_type="achievement", source_id=achievement.code, credits=achievement.credit_reward)
    row.claimed_at = utcnow()
    db.session.commit()
    if paid is not None:
        ledger.notify([paid], user.id)
    return {"achievement": achievement, "xp_granted": paid.amount if paid else 0,
            "credits_granted": paid.credits if paid else 0, "claimed_at": row.claimed_at,
            "xp": user.xp, "level": user.level, "rank": user.rank, "credits": user.credits}


def _page(items: list, page: int, page_size: int) -> Page:
    start = (page - 1) * page_size
    return Page(items[start:start + page_size], len(items), page, page_size)


def badges(user: User, page: int = 1, page_size: int = 20) -> Page:
    """One badge per achievement family: its highest unlocked tier (None before the first), and each tier
    (unlocks are brought up to date)."""
    _bring_unlocks_up_to_date(user)
    earned = _earned(user)
    families: dict[str, dict] = {}
    for a in db.session.scalars(_ordered()):
        badge = families.setdefault(a.family, {"family": a.family, "tier": None, "earned_at": None, "tiers": []})
        row = earned.get(a.id)
        badge["tiers"].append({"tier": a.tier, "achievement_id": a.id, "name": a.name, "threshold": a.threshold,
                               "earned": row is not None, "earned_at": row.unlocked_at if row else None})
        if row and (badge["tier"] is None or TIERS.index(a.tier) > TIERS.index(badge["tier"])):
            badge["tier"], badge["earned_at"], badge["name"] = a.tier, row.unlocked_at, a.name
    for badge in families.values():
        badge.setdefault("name", badge["tiers"][0]["name"])
    return _page(list(families.values()), page, page_size)
