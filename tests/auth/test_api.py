"""Accounts over the JSON API: sign-up, sign-in, profile, passwords, availability, stats."""
from __future__ import annotations

import sqlalchemy as sa

from promptcraft.auth.models import TokenFamily, User
from tests.factories import PASSWORD

STRONG = "quiet-harbour-lantern-42"


def register(client, **overrides):
    body = {"username": "Lovelace", "email": "Ada@Example.test", "password": STRONG, "password_confirm": STRONG,
            "first_name": "Ada", "last_name": "Lovelace"}
    body.update(overrides)
    return client.post("/api/v2/auth/register/", json=body)


def test_register_creates_user_with_starting_balance_and_tokens(client, db):
    response = register(client)
    assert response.status_code == 201
    body = response.json
    assert body["access"] and body["refresh"]
    user = body["user"]
    assert user["username"] == "Lovelace"
    assert user["email"] == "ada@example.test"
    assert (user["credits"], user["level"], user["xp"], user["rank"]) == (100, 1, 0, "Prompt Novice")
    assert user["last_login_at"] is not None
    assert "password" not in user and "password_hash" not in user
    row = db.session.scalar(sa.select(User).where(User.username_key == "lovelace"))
    assert row.password_hash and STRONG not in row.password_hash


def test_register_username_and_email_are_unique_case_insensitively(client):
    assert register(client).status_code == 201
    response = register(client, username="LOVELACE", email="other@example.test")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert "username" in response.json["error"]["details"]["fields"]
    response = register(client, username="someone", email="ADA@example.TEST")
    assert response.status_code == 409
    assert "email" in response.json["error"]["details"]["fields"]


def test_register_rejects_weak_or_mismatched_passwords(client, db):
    short = register(client, password="short1", password_confirm="short1")
    assert short.status_code == 400
    assert "password" in short.json["error"]["details"]["fields"]
    common = register(client, password="password1234", password_confirm="password1234")
    assert common.status_code == 400
    assert any("common" in m for m in common.json["error"]["details"]["fields"]["password"])
    mismatch = register(client, password_confirm=STRONG + "x")
    assert mismatch.status_code == 400
    assert "password_confirm" in mismatch.json["error"]["details"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_register_validation_errors_name_the_fields(client):
    response = client.post("/api/v2/auth/register/", json={"username": "x", "email": "not-an-email"})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert {"username", "email", "password", "password_confirm"} <= set(error["details"]["fields"])


def test_login_accepts_username_or_email_in_each_field(client, user):
    for body in (
        {"username_or_email": "ADA", "password": PASSWORD},
        {"username_or_email": "ada@example.test", "password": PASSWORD},
        {"username": "ada", "password": PASSWORD},
        {"email": "Ada@Example.Test", "password": PASSWORD},
    ):
        response = client.post("/api/v2/auth/login/", json=body)
        assert response.status_code == 200, body
        assert response.json["user"]["username"] == "ada"


def test_login_wrong_password_or_unknown_user_is_the_same_401(client, user):
    wrong = client.post("/api/v2/auth/login/", json={"username": "ada", "password": "not-the-password"})
    unknown = client.post("/api/v2/auth/login/", json={"username": "nobody", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["error"]["code"] == "invalid_credentials"


def test_login_needs_an_identifier(client):
    response = client.post("/api/v2/auth/login/", json={"password": "whatever-it-is"})
    assert response.status_code == 400
    assert "username_or_email" in response.json["error"]["details"]["fields"]


def test_profile_requires_authentication(client):
    response = client.get("/api/v2/auth/profile/")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "not_authenticated"


def test_profile_update_changes_fields_and_checks_uniqueness(client, auth, user, make_user):
    make_user(username="taken", email="taken@example.test")
    headers = auth.headers(user)
    response = client.patch("/api/v2/auth/profile/update/", headers=headers,
                            json={"first_name": "Augusta", "bio": "Writes prompts.", "timezone": "Europe/London"})
    assert response.status_code == 200
    assert response.json["first_name"] == "Augusta"
    assert response.json["timezone"] == "Europe/London"
    assert client.get("/api/v2/auth/profile/", headers=headers).json["bio"] == "Writes prompts."
    clash = client.put("/api/v2/auth/profile/update/", headers=headers, json={"username": "TAKEN"})
    assert clash.status_code == 409
    bad_zone = client.patch("/api/v2/auth/profile/update/", headers=headers, json={"timezone": "Mars/Olympus"})
    assert bad_zone.status_code == 400
    assert client.get("/api/v2/auth/profile/", headers=headers).json["username"] == "ada"


def test_change_password_revokes_other_sessions_but_keeps_this_one(client, auth, user, db):
    other = auth.headers(user)
    mine = auth.headers(user)
    response = client.post("/api/v2/auth/change-password/", headers=mine,
                           json={"old_password": PASSWORD, "new_password": STRONG})
    assert response.status_code == 200
    assert response.json["revoked_sessions"] == 1
    assert client.get("/api/v2/auth/profile/", headers=mine).status_code == 200
    revoked = client.get("/api/v2/auth/profile/", headers=other)
    assert revoked.status_code == 401 and revoked.json["error"]["code"] == "token_revoked"
    assert client.post("/api/v2/auth/login/", json={"username": "ada", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v2/auth/login/", json={"username": "ada", "password": STRONG}).status_code == 200


def test_change_password_checks_the_old_one_and_the_rules(client, auth, user):
    headers = auth.headers(user)
    wrong = client.post("/api/v2/auth/change-password/", headers=headers,
                        json={"old_password": "not-it-at-all", "new_password": STRONG})
    assert wrong.status_code == 400
    assert "old_password" in wrong.json["error"]["details"]["fields"]
    weak = client.post("/api/v2/auth/change-password/", headers=headers,
                       json={"old_password": PASSWORD, "new_password": "qwerty"})
    assert weak.status_code == 400
    assert "new_password" in weak.json["error"]["details"]["fields"]


def test_check_username_and_email_need_no_auth(client, user):
    taken = client.get("/api/v2/auth/check-username/?username=ADA")
    assert taken.json == {"available": False, "reason": "taken"}
    free = client.get("/api/v2/auth/check-username/?username=newcomer")
    assert free.json == {"available": True, "reason": None}
    invalid = client.get("/api/v2/auth/check-username/?username=no spaces")
    assert invalid.json == {"available": False, "reason": "invalid"}
    assert client.get("/api/v2/auth/check-email/?email=ADA@example.test").json["available"] is False
    assert client.get("/api/v2/auth/check-email/?email=new@example.test").json["available"] is True
    assert client.get("/api/v2/auth/check-email/").status_code == 400


def test_stats_reports_the_users_figures(client, auth, user):
    headers = auth.headers(user)
    client.post("/api/v2/auth/api-keys/", headers=headers, json={"name": "script"})
    stats = client.get("/api/v2/auth/stats/", headers=headers).json
    # The login is the day's first activity: gamification pays 10 XP for it.
    assert stats["xp"] == 10 and stats["level"] == 1 and stats["credits"] == 100
    assert stats["api_keys"] == 1
    assert stats["active_sessions"] == 1


def test_every_login_opens_its_own_session_family(client, auth, user, db):
    auth.login(user)
    auth.login(user)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TokenFamily)) == 2
