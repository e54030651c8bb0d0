"""The leaderboard: XP per period from the ledger, shared ranks for ties, the caller's own row."""
from __future__ import annotations

from datetime import timedelta

import pytest

from promptcraft.db_types import utcnow
from promptcraft.extensions import db
from promptcraft.gamification.models import XPGrant
from promptcraft.gamification.service import leaderboard


@pytest.fixture
def award(app):
    """award(user, amount, days_ago=0): a ledger row as if granted then."""
    counter = iter(range(10**6))

    def add(user, amount, days_ago=0):
        when = utcnow() - timedelta(days=days_ago)
        with app.app_context():
            db.session.add(XPGrant(user_id=user.id, amount=amount, reason="test", key=f"t:{next(counter)}",
                                   day=when.date(), created_at=when))
            db.session.commit()

    return add


@pytest.fixture
def players(make_user):
    return [make_user(username=f"p{n}", email=f"p{n}@example.test") for n in range(5)]


def _login_xp(client, auth, user):
    """Bearer headers for `user`; the login itself pays the daily XP, so we read it off the board."""
    return auth.headers(user)


def test_ties_share_a_rank_and_the_caller_is_returned_outside_the_page(app, client, auth, players, award):
    for player, amount in zip(players, (500, 300, 300, 100, 50), strict=True):
        award(player, amount)
    me = players[4]
    headers = auth.headers(me)  # +10 XP today for the login: 60 in all
    body = client.get("/api/v2/gamification/leaderboard/?period=all&page_size=3", headers=headers).json
    assert [(e["username"], e["rank"], e["xp"]) for e in body["results"]] == [("p0", 1, 500), ("p1", 2, 300),
                                                                              ("p2", 2, 300)]
    assert body["count"] == 5 and body["pages"] == 2
    assert body["me"] == {**body["me"], "username": "p4", "rank": 5, "xp": 60, "is_me": True}
    second = client.get("/api/v2/gamification/leaderboard/?period=all&page_size=3&page=2", headers=headers).json
    assert [(e["username"], e["rank"]) for e in second["results"]] == [("p3", 4), ("p4", 5)]
    assert second["results"][1]["is_me"]


def test_periods_count_only_their_own_xp(app, client, auth, players, award):
    ada, bob = players[:2]
    award(ada, 1000, days_ago=30)
    award(bob, 40, days_ago=0)
    headers = auth.headers(players[2])
    ranks = {}
    for period in ("day", "week", "all"):
        body = client.get(f"/api/v2/gamification/leaderboard/?period={period}", headers=headers).json
        ranks[period] = {e["username"]: e["xp"] for e in body["results"]}
    assert ranks["day"] == {"p1": 40, "p2": 10}
    assert ranks["all"] == {"p0": 1000, "p1": 40, "p2": 10}
    assert "p0" not in ranks["week"]


def test_a_caller_without_xp_in_the_period_has_no_rank(app, user, players, award):
    award(players[0], 10)
    with app.app_context():
        board = leaderboard.board(user.id, "day")
    assert board["me"]["rank"] is None and board["me"]["xp"] == 0 and board["count"] == 1


def test_week_starts_on_monday_utc():
    from datetime import UTC, datetime

    assert leaderboard.period_start("week", datetime(2026, 11, 25, 15, 0, tzinfo=UTC)) == datetime(
        2026, 11, 23, tzinfo=UTC)
    assert leaderboard.period_start("all") is None


@pytest.mark.parametrize("query", ["period=year", "page_size=0", "page=0", "page_size=1000"])
def test_bad_leaderboard_queries_are_400(client, auth, user, query):
    response = client.get(f"/api/v2/gamification/leaderboard/?{query}", headers=auth.headers(user))
    assert response.status_code == 400 and response.json["error"]["code"] == "validation_error"
