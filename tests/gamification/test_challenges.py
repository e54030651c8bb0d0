"""Daily challenges: drawn per date from the seeded pool, the same for everyone, paid once on completion."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from promptcraft import signals
from promptcraft.extensions import db
from promptcraft.gamification.models import ChallengeDefinition
from promptcraft.gamification.service import challenges


def test_the_draw_is_deterministic_per_date_and_varies_across_dates(app, seeded):
    with app.app_context():
        day = date(2026, 11, 25)
        first = [c.code for c in challenges.for_day(day)]
        assert first == [c.code for c in challenges.for_day(day)] and len(first) == challenges.PER_DAY
        draws = {tuple(c.code for c in challenges.for_day(day + timedelta(days=n))) for n in range(14)}
        assert len(draws) > 1


def test_everyone_gets_the_same_challenges_on_a_date(client, auth, user, make_user, seeded, clock):
    clock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    other = make_user(username="other", email="other@example.test")
    mine = client.get("/api/v2/gamification/daily-challenges/", headers=auth.headers(user)).json
    theirs = client.get("/api/v2/gamification/daily-challenges/", headers=auth.headers(other)).json
    assert mine["date"] == theirs["date"] == "2026-11-25"
    assert [c["code"] for c in mine["results"]] == [c["code"] for c in theirs["results"]]


def _only_challenge(app, code: str) -> None:
    """Leave one challenge in the pool, so it is the day's only challenge."""
    with app.app_context():
        db.session.execute(sa.delete(ChallengeDefinition).where(ChallengeDefinition.code != code))
        db.session.commit()


def test_progress_counts_today_s_actions_and_pays_once(app, client, auth, user, seeded, add_actions, grants):
    _only_challenge(app, "chat-five")
    add_actions(user, "chat_turn", days_ago=1, count=10)  # yesterday's turns do not count today
    headers = auth.headers(user)
    body = client.get("/api/v2/gamification/daily-challenges/", headers=headers).json
    assert [(c["code"], c["progress"], c["target"], c["completed"]) for c in body["results"]] == [
        ("chat-five", 0, 5, False)]
    with app.test_request_context():
        for n in range(7):
            signals.chat_message_finished.send(user.id, message_id=f"m{n}", status="complete")
    challenge = client.get("/api/v2/gamification/daily-challenges/", headers=headers).json["results"][0]
    assert challenge["progress"] == 5 and challenge["completed"] and challenge["completed_at"]
    paid = [row for row in grants(user) if row.reason == "challenge"]
    assert [(row.amount, row.source_id) for row in paid] == [(20, "chat-five")]


def test_a_high_scoring_askme_completes_the_sharp_prompt_challenge(app, user, seeded, grants):
    _only_challenge(app, "askme-sharp")
    with app.test_request_context():
        signals.askme_finished.send(user.id, session_id="a", score=7.9)
        assert not [row for row in grants(user) if row.reason == "challenge"]
        signals.askme_finished.send(user.id, session_id="b", score=8.0)
    assert [row.amount for row in grants(user) if row.reason == "challenge"] == [40]


def test_challenges_follow_the_user_s_local_date(client, auth, make_user, seeded, clock):
    clock(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    tokyo = make_user(username="kenji", email="kenji@example.test", timezone="Asia/Tokyo")
    body = client.get("/api/v2/gamification/daily-challenges/", headers=auth.headers(tokyo)).json
    assert body["date"] == "2026-11-26" and body["timezone"] == "Asia/Tokyo"
