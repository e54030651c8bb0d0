"""XP from real actions, by signal: each source pays once, within its daily cap, into the ledger,
and the user's xp, level and rank follow the ledger."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from promptcraft import signals
from promptcraft.extensions import db
from promptcraft.gamification.models import Action, XPGrant
from promptcraft.gamification.service import activity


def _reasons(rows) -> list[tuple[str, int]]:
    return [(row.reason, row.amount) for row in rows]


def test_the_same_action_pays_once_however_often_its_signal_arrives(app, user, grants, fresh):
    with app.test_request_context():
        for _ in range(3):
            signals.askme_finished.send(user.id, session_id="s-1", score=5.0)
    assert _reasons(grants(user)) == [("askme_finished", 15), ("daily_activity", 10)]
    stored = fresh(user)
    assert stored.xp == 25 and stored.level == 1 and stored.rank == "Prompt Novice"


def test_the_ledger_key_is_unique_per_user_in_the_database(app, user):
    with app.app_context():
        from datetime import date

        for _ in range(2):
            db.session.add(XPGrant(user_id=user.id, amount=5, reason="x", key="same", day=date.today()))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_level_and_rank_follow_the_ledger(app, user, fresh, grants):
    with app.test_request_context():
        for n in range(5):
            signals.template_created.send(user.id, template_id=1000 + n)
    # 5 templates x 20 + daily 10 = 110 XP: level 2
    stored = fresh(user)
    assert stored.xp == sum(row.amount for row in grants(user)) == 110
    assert stored.level == 2 and stored.rank == "Prompt Novice"


def test_creating_a_template_through_the_api_pays_its_author(client, auth, user, grants, categories):
    headers = auth.headers(user)  # the login is the first activity of the day
    assert _reasons(grants(user)) == [("daily_activity", 10)]
    response = client.post("/api/v2/templates/", json={"title": "Mine", "content": "Say {{x}}"}, headers=headers)
    assert response.status_code == 201
    rows = grants(user)
    assert _reasons(rows)[-1] == ("template_created", 20)
    assert rows[-1].source_type == "template_created" and rows[-1].source_id == str(response.json["id"])
    assert response.headers["HX-Trigger"] == '{"xp-granted": {"amount": 20, "reasons": ["template created"]}}'


def test_another_user_rating_pays_the_owner_once_and_the_rater(client, auth, user, make_user, make_template, grants):
    owner = make_user(username="owner", email="owner@example.test")
    template_id = make_template(owner=owner)
    headers = auth.headers(user)
    for score in (4, 5):  # rating again updates the rating; it does not pay again
        assert client.post(f"/api/v2/templates/{template_id}/rate/", json={"score": score},
                           headers=headers).status_code == 200
    assert _reasons(grants(owner)) == [("rating_received", 5)]
    assert ("template_rated", 3) in _reasons(grants(user))


def test_using_your_own_template_pays_you_nothing_as_owner(client, auth, user, make_user, make_template, grants):
    template_id = make_template(owner=user)
    other = make_user(username="reader", email="reader@example.test")
    headers = auth.headers(user)
    client.post(f"/api/v2/templates/{template_id}/render/", json={"variables": {"team": "a", "topic": "b"}},
                headers=headers)
    assert "use_received" not in [row.reason for row in grants(user)]
    other_headers = auth.headers(other)
    for _ in range(3):  # one payment per user, template and day
        assert client.post(f"/api/v2/templates/{template_id}/render/",
                           json={"variables": {"team": "a", "topic": "b"}}, headers=other_headers).status_code == 200
    assert [row.reason for row in grants(user)].count("use_received") == 1


def test_anonymous_use_earns_nothing_and_breaks_nothing(client, user, make_template, grants):
    template_id = make_template(owner=user)
    response = client.post(f"/api/v2/templates/{template_id}/render/", json={"variables": {"team": "a", "topic": "b"}})
    assert response.status_code == 200 and grants(user) == []


def test_askme_pays_a_bonus_for_a_high_score(app, user, grants):
    with app.test_request_context():
        signals.askme_finished.send(user.id, session_id="low", score=6.5)
        signals.askme_finished.send(user.id, session_id="high", score=9.0)
        signals.askme_finished.send(user.id, session_id=None, score=9.0)  # not a session: ignored
    assert [row.amount for row in grants(user) if row.reason == "askme_finished"] == [15, 25]


def test_only_completed_chat_turns_pay(app, user, grants):
    with app.test_request_context():
        signals.chat_message_finished.send(user.id, message_id=uuid.uuid4(), session_id=uuid.uuid4(),
                                           status="interrupted", tokens=10)
        assert grants(user) == []
        signals.chat_message_finished.send(user.id, message_id=uuid.uuid4(), session_id=uuid.uuid4(),
                                           status="complete", tokens=10)
    assert _reasons(grants(user)) == [("chat_turn", 2), ("daily_activity", 10)]


def test_a_recorded_prompt_makes_the_day_active_without_xp_of_its_own(app, user, grants):
    with app.test_request_context():
        signals.prompt_recorded.send(user.id, entry_id=7, source="manual", template_id=None, tokens_used=0, cost=0.0)
    assert _reasons(grants(user)) == [("daily_activity", 10)]


def test_the_first_activity_of_a_day_pays_once(app, user, grants):
    with app.test_request_context():
        signals.user_logged_in.send(user.id)
        signals.user_logged_in.send(user.id)
        signals.prompt_recorded.send(user.id, entry_id=8)
    assert _reasons(grants(user)) == [("daily_activity", 10)]


def test_chat_turns_are_capped_per_day_but_still_counted(app, user, grants):
    cap = activity.REWARDS["chat_turn"].daily_cap
    with app.test_request_context():
        for _ in range(cap + 5):
            signals.chat_message_finished.send(user.id, message_id=uuid.uuid4(), status="complete")
    assert [row.reason for row in grants(user)].count("chat_turn") == cap
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Action.user_id == user.id,
                                                                  Action.kind == "chat_turn")) == cap + 5


def test_template_creation_is_capped_per_day(app, user, grants):
    cap = activity.REWARDS["template_created"].daily_cap
    with app.test_request_context():
        for n in range(cap + 2):
            signals.template_created.send(user.id, template_id=n + 1)
    assert [row.reason for row in grants(user)].count("template_created") == cap


def test_a_failing_receiver_does_not_break_the_action(app, user, monkeypatch, grants):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(activity.ledger, "grant", broken)
    with app.test_request_context():
        signals.template_created.send(user.id, template_id=1)  # no exception reaches the sender
    assert grants(user) == []


def test_profile_statistics_include_xp_level_rank_and_streak(client, auth, user):
    headers = auth.headers(user)
    stats = client.get("/api/v2/auth/stats/", headers=headers).json
    assert stats["xp"] == 10 and stats["level"] == 1 and stats["rank"] == "Prompt Novice"
    assert stats["streak"] == 1 and stats["longest_streak"] == 1 and stats["achievements_unlocked"] == 0
