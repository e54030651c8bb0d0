"""Request and response schemas of the gamification API (they also document it)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.gamification.models import TIERS
from promptcraft.gamification.service.leaderboard import PERIODS
from promptcraft.pagination import PageQuerySchema


class AchievementSchema(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    family = fields.String(required=True, metadata={"description": "The badge this achievement is a tier of"})
    tier = fields.String(required=True, validate=validate.OneOf(TIERS))
    metric = fields.String(required=True, metadata={"description": "What is counted over the user's activity"})
    threshold = fields.Integer(required=True)
    xp_reward = fields.Integer(required=True)
    credit_reward = fields.Integer(required=True)


class AchievementProgressSchema(ma.Schema):
    achievement = fields.Nested(AchievementSchema, required=True)
    value = fields.Integer(required=True, metadata={"description": "Progress towards the threshold (capped at it)"})
    progress = fields.Method("_progress", required=True, metadata={"description": "0 to 1"})
    unlocked = fields.Method("_unlocked", required=True)
    unlocked_at = fields.DateTime(required=True, allow_none=True)
    claimed_at = fields.DateTime(required=True, allow_none=True)

    def _progress(self, item) -> float:
        return round(item["value"] / max(1, item["achievement"].threshold), 4)

    def _unlocked(self, item) -> bool:
        return item["unlocked_at"] is not None


class AchievementQuerySchema(PageQuerySchema):
    unlocked = fields.Boolean(metadata={"description": "Only unlocked (true) or only locked (false) achievements"})


class ClaimSchema(ma.Schema):
    achievement = fields.Nested(AchievementSchema, required=True)
    xp_granted = fields.Integer(required=True)
    credits_granted = fields.Integer(required=True)
    claimed_at = fields.DateTime(required=True)
    xp = fields.Integer(required=True)
    level = fields.Integer(required=True)
    rank = fields.String(required=True)
    credits = fields.Integer(required=True)


class BadgeTierSchema(ma.Schema):
    tier = fields.String(required=True, validate=validate.OneOf(TIERS))
    achievement_id = fields.Integer(required=True)
    name = fields.String(required=True)
    threshold = fields.Integer(required=True)
    earned = fields.Boolean(required=True)
    earned_at = fields.DateTime(required=True, allow_none=True)


class BadgeSchema(ma.Schema):
    family = fields.String(required=True)
    name = fields.String(required=True)
    tier = fields.String(required=True, allow_none=True, validate=validate.OneOf(TIERS),
                         metadata={"description": "The highest tier earned; null before the first"})
    earned_at = fields.DateTime(required=True, allow_none=True)
    tiers = fields.List(fields.Nested(BadgeTierSchema), required=True)


class LeaderboardQuerySchema(PageQuerySchema):
    period = fields.String(load_default="week", validate=validate.OneOf(PERIODS),
                           metadata={"description": "UTC calendar day, week from Monday, or all time"})


class LeaderboardEntrySchema(ma.Schema):
    rank = fields.Integer(required=True, allow_none=True, metadata={"description": "Equal XP shares a rank"})
    user_id = fields.UUID(required=True)
    username = fields.String(required=True)
    xp = fields.Integer(required=True, metadata={"description": "XP earned in the period"})
    level = fields.Integer(required=True)
    title = fields.String(required=True, metadata={"description": "The user's rank name"})
    is_me = fields.Boolean(required=True)


class LeaderboardSchema(ma.Schema):
    period = fields.String(required=True)
    since = fields.DateTime(required=True, allow_none=True)
    results = fields.List(fields.Nested(LeaderboardEntrySchema), required=True)
    count = fields.Integer(required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    me = fields.Nested(LeaderboardEntrySchema, required=True,
                       metadata={"description": "The caller's own row, even outside the page (rank null without XP)"})


class ChallengeSchema(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True)
    target = fields.Integer(required=True)
    progress = fields.Integer(required=True)
    xp_reward = fields.Integer(required=True)
    completed = fields.Boolean(required=True)
    completed_at = fields.DateTime(required=True, allow_none=True)


class DailyChallengesSchema(ma.Schema):
    date = fields.Date(required=True, metadata={"description": "Today in the caller's time zone"})
    timezone = fields.String(required=True)
    results = fields.List(fields.Nested(ChallengeSchema), required=True)


class UserLevelSchema(ma.Schema):
    xp = fields.Integer(required=True)
    level = fields.Integer(required=True)
    rank = fields.String(required=True)
    level_xp = fields.Integer(required=True, metadata={"description": "Total XP at which this level starts"})
    next_level_xp = fields.Integer(required=True)
    xp_into_level = fields.Integer(required=True)
    xp_to_next = fields.Integer(required=True)
    progress = fields.Float(required=True)
    next_rank = fields.String(required=True, allow_none=True)
    next_rank_level = fields.Integer(required=True, allow_none=True)
    credits = fields.Integer(required=True)


class StreakDaySchema(ma.Schema):
    date = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("active", "frozen", "missed", "today")))


class StreakSchema(ma.Schema):
    current = fields.Integer(required=True)
    longest = fields.Integer(required=True)
    active_today = fields.Boolean(required=True)
    today = fields.Date(required=True)
    timezone = fields.String(required=True)
    freezes = fields.Integer(required=True)
    max_freezes = fields.Integer(required=True)
    days_to_next_freeze = fields.Integer(required=True)
    days = fields.List(fields.Nested(StreakDaySchema), required=True)


class FreezeSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    day = fields.Date(metadata={"description": "The missed day to cover (YYYY-MM-DD); yesterday by default"})
