"""JSON endpoints under /api/v2/gamification/: achievements, badges, leaderboard, daily challenges,
level and streak."""
from __future__ import annotations

from promptcraft.auth.identity import login_required, require_user
from promptcraft.gamification import schemas
from promptcraft.gamification.service import achievements, challenges, leaderboard, level_of, streak
from promptcraft.http import ApiBlueprint, document_errors
from promptcraft.pagination import PageQuerySchema, page_schema

blp = ApiBlueprint("gamification", __name__, url_prefix="/api/v2/gamification",
                   description="XP, levels, achievements, badges, leaderboard, daily challenges and streaks")


@blp.route("/achievements/", methods=["GET"])
@blp.arguments(schemas.AchievementQuerySchema, location="query")
@blp.response(200, page_schema(schemas.AchievementProgressSchema))
@login_required
def list_achievements(args):
    """Every achievement with the caller's progress, unlocked and claimed times."""
    return achievements.listing(require_user(), **args)


@blp.route("/achievements/<id:achievement_id>/claim/", methods=["POST"])
@blp.response(200, schemas.ClaimSchema)
@document_errors(403, 409)
@login_required
def claim_achievement(achievement_id: int):
    """Pay an unlocked achievement's XP and credits, once (403 while locked, 409 when claimed)."""
    return achievements.claim(require_user(), achievement_id)


@blp.route("/badges/", methods=["GET"])
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, page_schema(schemas.BadgeSchema))
@login_required
def badges(args):
    """One badge per achievement family: the bronze, silver or gold tier the caller has earned."""
    return achievements.badges(require_user(), **args)


@blp.route("/leaderboard/", methods=["GET"])
@blp.arguments(schemas.LeaderboardQuerySchema, location="query")
@blp.response(200, schemas.LeaderboardSchema)
@login_required
def get_leaderboard(args):
    """XP earned in the period from the ledger; ties share a rank; the caller's own row always included."""
    return leaderboard.board(require_user().id, **args)


@blp.route("/daily-challenges/", methods=["GET"])
@blp.response(200, schemas.DailyChallengesSchema)
@login_required
def daily_challenges():
    """Today's challenges (the same for everyone on a date) with the caller's progress."""
    return challenges.today(require_user())


@blp.route("/user-level/", methods=["GET"])
@blp.response(200, schemas.UserLevelSchema)
@login_required
def user_level():
    """The caller's XP, level, rank and XP to the next level."""
    return level_of(require_user())


@blp.route("/streak/", methods=["GET"])
@blp.response(200, schemas.StreakSchema)
@login_required
def get_streak():
    """Current and longest streak in the caller's time zone, freezes held, and the last five weeks."""
    return streak.status(require_user())


@blp.route("/streak/freeze/", methods=["POST"])
@blp.arguments(schemas.FreezeSchema, required=False)
@blp.response(200, schemas.StreakSchema)
@document_errors(409)
@login_required
def freeze_streak(data):
    """Spend a freeze to cover a missed day (yesterday unless `day` is given)."""
    return streak.use_freeze(require_user(), (data or {}).get("day"))
