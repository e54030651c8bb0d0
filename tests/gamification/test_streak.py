"""Streaks in the user's time zone, freezes earned per 7-day run (two at most) and spent on a missed day."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from promptcraft import signals
from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.gamification.models import StreakFreeze
from promptcraft.gamification.service import ledger, streak


def _streak(client, headers) -> dict:
    return client.get("/api/v2/gamification/streak/", headers=headers).json


def test_current_and_longest_count_consecutive_active_days(client, auth, user, add_actions):
    for days_ago in (0, 1, 2, 5, 6, 7, 8):
        add_actions(user, "prompt_recorded", days_ago=days_ago)
    add_actions(user, "rating_received", days_ago=3)  # done by someone else: not the user's activity
    body = _streak(client, auth.headers(user))
    assert body["current"] == 3 and body["longest"] == 4 and body["active_today"]
    statuses = {d["date"]: d["status"] for d in body["days"]}
    assert len(body["days"]) == streak.CALENDAR_DAYS and list(statuses.values()).count("active") == 7


def test_yesterday_still_counts_until_today_ends(app, user, add_actions):
    add_actions(user, "chat_turn", days_ago=1)
    add_actions(user, "chat_turn", days_ago=2)
    with app.app_context():
        status = streak.status(db.session.get(User, user.id))
    assert status["current"] == 2 and not status["active_today"]


def test_days_are_the_user_s_local_days(app, client, auth, make_user, clock):
    tokyo = make_user(username="kenji", email="kenji@example.test", timezone="Asia/Tokyo")
    utc_user = make_user(username="lin", email="lin@example.test")
    clock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    with app.test_request_context():
        for u in (tokyo, utc_user):
            signals.prompt_recorded.send(u.id, entry_id=1)
    clock(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))  # 08:30 on the 26th in Tokyo, still the 25th in UTC
    with app.test_request_context():
        for u in (tokyo, utc_user):
            signals.prompt_recorded.send(u.id, entry_id=2)
    with app.app_context():
        assert streak.status(db.session.get(User, tokyo.id))["current"] == 2
        assert streak.status(db.session.get(User, utc_user.id))["current"] == 1


def test_a_seven_day_run_earns_a_freeze_and_two_at_most_are_held(app, user, clock):
    with app.app_context():
        for day in range(1, 23):  # 22 days in a row: runs of 7, 14 and 21 days
            clock(datetime(2026, 11, day, 9, 0, tzinfo=UTC))
            with app.test_request_context():
                signals.prompt_recorded.send(user.id, entry_id=day)
            held = streak.status(db.session.get(User, user.id))["freezes"]
            assert held == min(2, day // 7), day


def test_a_freeze_covers_a_missed_day_and_keeps_the_run(client, auth, user, add_actions, app):
    with app.app_context():
        db.session.add(StreakFreeze(user_id=user.id, earned_on=date(2026, 1, 1)))
        db.session.commit()
    for days_ago in (2, 3, 4):
        add_actions(user, "chat_turn", days_ago=days_ago)
    headers = auth.headers(user)  # today is active; yesterday is missed
    assert _streak(client, headers)["current"] == 1
    response = client.post("/api/v2/gamification/streak/freeze/", headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["current"] == 5 and response.json["freezes"] == 0
    assert [d["status"] for d in response.json["days"][-3:]] == ["active", "frozen", "active"]
    again = client.post("/api/v2/gamification/streak/freeze/", headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "day_covered"


def test_spending_a_freeze_needs_one_held_and_a_run_to_protect(client, auth, user, add_actions, app):
    add_actions(user, "chat_turn", days_ago=2)
    headers = auth.headers(user)
    none_held = client.post("/api/v2/gamification/streak/freeze/", headers=headers)
    assert none_held.status_code == 409 and none_held.json["error"]["code"] == "no_freezes"
    with app.app_context():
        db.session.add(StreakFreeze(user_id=user.id, earned_on=date(2026, 1, 1)))
        db.session.commit()
    nothing = client.post("/api/v2/gamification/streak/freeze/", json={"day": _days_ago(app, user, 4)},
                          headers=headers)
    assert nothing.status_code == 409 and nothing.json["error"]["code"] == "nothing_to_protect"
    assert _streak(client, headers)["freezes"] == 1


def _days_ago(app, user, n: int) -> str:
    with app.app_context():
        return (ledger.local_day(db.session.get(User, user.id)) - timedelta(days=n)).isoformat()


@pytest.mark.parametrize("body", [{"day": "yesterday"}, {"day": "2020-01-01"}, {"day": "2999-01-01"},
                                  {"when": "2026-11-24"}, [1]])
def test_bad_freeze_requests_are_400_and_change_nothing(client, auth, user, body):
    headers = auth.headers(user)
    response = client.post("/api/v2/gamification/streak/freeze/", json=body, headers=headers)
    assert response.status_code == 400, response.json
    assert _streak(client, headers)["days"][-2]["status"] == "missed"


def test_streak_needs_a_user(client):
    assert client.get("/api/v2/gamification/streak/").status_code == 401
    assert client.post("/api/v2/gamification/streak/freeze/").status_code == 401
