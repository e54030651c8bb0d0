"""Achievements over real activity, claimed once; badges are the tiers earned; the seed is idempotent."""
from __future__ import annotations

import sqlalchemy as sa

from promptcraft import signals
from promptcraft.extensions import db
from promptcraft.gamification import seed
from promptcraft.gamification.models import Achievement, ChallengeDefinition


def _by_code(body) -> dict:
    return {item["achievement"]["code"]: item for item in body["results"]}


def _achievement_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Achievement.id).where(Achievement.code == code))


def test_seed_is_idempotent_through_flask_seed(app, db, runner, monkeypatch):
    monkeypatch.setitem(app.config, "SEEDERS", ["promptcraft.gamification.seed:run"])
    first = runner.invoke(args=["seed"])
    assert f"achievements: {len(seed.achievement_rows())} added" in first.output
    second = runner.invoke(args=["seed"])
    assert "achievements: 0 added" in second.output and "daily challenges: 0 added" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Achievement)) == 30
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChallengeDefinition)) == len(seed.CHALLENGES)


def test_progress_counts_the_user_s_real_activity(client, auth, user, seeded, add_actions):
    add_actions(user, "template_created", count=4)
    add_actions(user, "askme_finished", count=2, score=9.0)
    headers = auth.headers(user)
    body = client.get("/api/v2/gamification/achievements/?page_size=100", headers=headers).json
    assert body["count"] == 30
    items = _by_code(body)
    assert items["author-bronze"]["unlocked"] and items["author-bronze"]["unlocked_at"]
    assert items["author-silver"]["value"] == 4 and items["author-silver"]["progress"] == 0.4
    assert not items["author-silver"]["unlocked"] and items["author-silver"]["unlocked_at"] is None
    assert items["precision-bronze"]["unlocked"] and items["builder-bronze"]["unlocked"]
    assert items["streak-bronze"]["value"] == 1  # the login made today active
    unlocked = client.get("/api/v2/gamification/achievements/?unlocked=true", headers=headers).json
    codes = {item["achievement"]["code"] for item in unlocked["results"]}
    # Today's challenges may be among those these actions complete: that unlocks "Challenge Accepted".
    assert codes - {"challenger-bronze"} == {"author-bronze", "builder-bronze", "precision-bronze"}


def test_signals_unlock_achievements_as_they_happen(app, user, seeded):
    from promptcraft.gamification.models import UserAchievement

    with app.app_context():  # no daily challenge today, so "Challenge Accepted" cannot join in
        db.session.execute(sa.delete(ChallengeDefinition))
        db.session.commit()
    with app.test_request_context():
        signals.template_created.send(user.id, template_id=1)
    with app.app_context():
        codes = db.session.scalars(sa.select(Achievement.code).join(UserAchievement).where(
            UserAchievement.user_id == user.id)).all()
    assert codes == ["author-bronze"]


def test_claim_pays_once_then_409(app, client, auth, user, seeded, add_actions, grants, fresh):
    add_actions(user, "template_created")
    headers = auth.headers(user)
    achievement_id = _achievement_id(app, "author-bronze")
    before = fresh(user)
    response = client.post(f"/api/v2/gamification/achievements/{achievement_id}/claim/", headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["xp_granted"] == 25 and response.json["credits_granted"] == 10
    assert response.json["credits"] == before.credits + 10 and response.json["xp"] == before.xp + 25
    assert "xp-granted" in response.headers["HX-Trigger"]
    again = client.post(f"/api/v2/gamification/achievements/{achievement_id}/claim/", headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "already_claimed"
    assert [row.reason for row in grants(user)].count("achievement") == 1
    assert fresh(user).credits == before.credits + 10
    items = _by_code(client.get("/api/v2/gamification/achievements/", headers=headers).json)
    assert items["author-bronze"]["claimed_at"]


def test_claiming_a_locked_or_unknown_achievement_fails_and_pays_nothing(app, client, auth, user, seeded, grants):
    headers = auth.headers(user)
    locked = client.post(f"/api/v2/gamification/achievements/{_achievement_id(app, 'author-gold')}/claim/",
                         headers=headers)
    assert locked.status_code == 403 and locked.json["error"]["code"] == "achievement_locked"
    assert client.post("/api/v2/gamification/achievements/999999/claim/", headers=headers).status_code == 404
    assert [row.reason for row in grants(user)] == ["daily_activity"]


def test_badges_show_the_highest_tier_earned(client, auth, user, seeded, add_actions):
    add_actions(user, "template_created", count=10)
    add_actions(user, "chat_turn", count=10)
    headers = auth.headers(user)
    body = client.get("/api/v2/gamification/badges/?page_size=50", headers=headers).json
    badges = {badge["family"]: badge for badge in body["results"]}
    assert body["count"] == len(seed.FAMILIES)
    assert badges["author"]["tier"] == "silver" and badges["author"]["name"] == "Prolific Author"
    assert [tier["earned"] for tier in badges["author"]["tiers"]] == [True, True, False]
    assert badges["talker"]["tier"] == "bronze"
    assert badges["critic"]["tier"] is None and badges["critic"]["earned_at"] is None


def test_achievements_need_a_user(client):
    assert client.get("/api/v2/gamification/achievements/").status_code == 401
