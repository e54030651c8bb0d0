"""Gamification pages: achievements with badges and challenges, the streak calendar, the leaderboard;
and the XP notice every page shows after an action that earned XP."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import Blueprint, Response, flash, g, request

from promptcraft.auth.identity import login_required, require_user
from promptcraft.errors import AppError
from promptcraft.gamification import schemas
from promptcraft.gamification.service import achievements, challenges, leaderboard, level_of, streak
from promptcraft.htmx import is_htmx, render_page

bp = Blueprint("gamification_pages", __name__)

XP_EVENT = "xp-granted"
REASONS = {
    "template_created": "template created", "template_rated": "template rated",
    "rating_received": "your template was rated", "use_received": "your template was used",
    "askme_finished": "AskMe session finished", "chat_turn": "chat turn", "daily_activity": "first activity today",
    "challenge": "daily challenge completed", "achievement": "achievement claimed",
}


def _achievements_page(notice: tuple[str, str] | None = None):
    user = require_user()
    page = achievements.listing(user, 1, 100)
    return render_page("gamification/achievements.html", "body", items=page.results,
                       badges=achievements.badges(user, 1, 100).results, level=level_of(user),
                       challenges=challenges.today(user), notice=notice)


@bp.route("/achievements", endpoint="achievements")
@login_required
def achievements_page():
    """Level, today's challenges, badges and every achievement with a progress bar."""
    return _achievements_page()


@bp.route("/achievements/<id:achievement_id>/claim", methods=["POST"])
@login_required
def claim(achievement_id: int):
    """Claim an achievement's reward from the page; the page body is redrawn."""
    try:
        result = achievements.claim(require_user(), achievement_id)
    except AppError as error:
        return _achievements_page(("error", error.message))
    return _achievements_page(("success", f"Claimed “{result['achievement'].name}”."))


@bp.route("/streak")
@login_required
def streak_page():
    """The streak calendar of the last five weeks, freezes held, and the button to spend one."""
    return render_page("gamification/streak.html", "body", streak=streak.status(require_user()))


@bp.route("/streak/freeze", methods=["POST"])
@login_required
def freeze():
    """Spend a freeze on yesterday (or the day given); the calendar is redrawn."""
    notice = ("success", "Freeze spent: your streak goes on.")
    try:
        day = schemas.FreezeSchema().load({k: v for k, v in request.form.items() if k == "day" and v}).get("day")
        streak.use_freeze(require_user(), day)
    except AppError as error:
        notice = ("error", error.message)
    except ma.ValidationError:
        notice = ("error", "Choose a valid date.")
    return render_page("gamification/streak.html", "body", streak=streak.status(require_user()), notice=notice)


@bp.route("/leaderboard")
@login_required
def leaderboard_page():
    """The leaderboard with day, week and all-time tabs."""
    args = schemas.LeaderboardQuerySchema().load({k: v for k, v in request.args.items() if v}, unknown=ma.EXCLUDE)
    board = leaderboard.board(require_user().id, **args)
    return render_page("gamification/leaderboard.html", "body", board=board, periods=leaderboard.PERIODS)


@bp.after_app_request
def xp_notice(response: Response) -> Response:
    """Tell the page that this request earned XP: an `HX-Trigger` event for htmx, a flash after a redirect."""
    notices = g.pop("xp_notices", None)
    if not notices or request.path.startswith("/static/"):
        return response
    total = sum(notice["amount"] for notice in notices)
    reasons = [REASONS.get(notice["reason"], notice["reason"]) for notice in notices]
    triggers = _triggers(response.headers.get("HX-Trigger"))
    triggers[XP_EVENT] = {"amount": total, "reasons": reasons}
    response.headers["HX-Trigger"] = json.dumps(triggers)
    navigates = response.status_code in (301, 302, 303, 307, 308) or "HX-Redirect" in response.headers
    if not request.path.startswith(("/api/", "/v1/")) and (navigates or not is_htmx()):
        flash(f"+{total} XP: {', '.join(reasons)}", "xp")
    return response


def _triggers(header: str | None) -> dict:
    if not header:
        return {}
    try:
        value = json.loads(header)
    except ValueError:
        return {name.strip(): None for name in header.split(",")}
    return value if isinstance(value, dict) else {}
