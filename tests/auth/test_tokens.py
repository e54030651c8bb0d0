"""The token lifecycle: rotation, reuse, logout, expiry, tampering, `alg: none`, cookies and CSRF."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt as pyjwt
import sqlalchemy as sa
from flask_jwt_extended import create_access_token

from promptcraft.auth.models import RefreshToken, RevokedToken, TokenFamily
from promptcraft.auth.tokens import family_csrf


def profile(client, access):
    return client.get("/api/v2/auth/profile/", headers={"Authorization": f"Bearer {access}"})


def test_refresh_rotates_and_both_paths_work(client, auth, user):
    session = auth.login(user)
    first = client.post("/api/v2/auth/refresh/", json={"refresh": session["refresh"]})
    assert first.status_code == 200
    assert first.json["refresh"] != session["refresh"]
    second = client.post("/api/v2/auth/token/refresh", json={"refresh": first.json["refresh"]})
    assert second.status_code == 200
    assert profile(client, second.json["access"]).status_code == 200


def test_reused_refresh_token_revokes_the_whole_family(client, auth, user, db):
    session = auth.login(user)
    rotated = client.post("/api/v2/auth/refresh/", json={"refresh": session["refresh"]}).json
    reuse = client.post("/api/v2/auth/refresh/", json={"refresh": session["refresh"]})
    assert reuse.status_code == 401
    assert reuse.json["error"]["code"] == "token_reused"
    # Everything derived from the leaked token is dead: the newest refresh and every access token.
    assert client.post("/api/v2/auth/refresh/", json={"refresh": rotated["refresh"]}).status_code == 401
    assert profile(client, rotated["access"]).status_code == 401
    assert profile(client, session["access"]).status_code == 401
    family = db.session.scalar(sa.select(TokenFamily))
    assert family.revoke_reason == "refresh_token_reuse"


def test_reuse_in_one_family_leaves_other_sessions_alone(client, auth, user):
    leaked = auth.login(user)
    other = auth.login(user)
    client.post("/api/v2/auth/refresh/", json={"refresh": leaked["refresh"]})
    client.post("/api/v2/auth/refresh/", json={"refresh": leaked["refresh"]})
    assert profile(client, other["access"]).status_code == 200


def test_access_token_is_not_a_refresh_token(client, auth, user):
    session = auth.login(user)
    response = client.post("/api/v2/auth/refresh/", json={"refresh": session["access"]})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "token_invalid"
    assert profile(client, session["refresh"]).status_code == 401


def test_logout_revokes_access_and_refresh(client, auth, user, db):
    session = auth.login(user)
    headers = {"Authorization": f"Bearer {session['access']}"}
    response = client.post("/api/v2/auth/logout/", headers=headers, json={"refresh": session["refresh"]})
    assert response.status_code == 200
    assert profile(client, session["access"]).status_code == 401
    assert client.post("/api/v2/auth/refresh/", json={"refresh": session["refresh"]}).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RevokedToken)) == 1


def test_expired_access_token_is_401_token_expired(app, client, auth, user):
    session = auth.login(user)
    claims = pyjwt.decode(session["access"], options={"verify_signature": False})
    with app.app_context():
        expired = create_access_token(identity=str(user.id), expires_delta=timedelta(seconds=-5),
                                      additional_claims={"fam": claims["fam"], "csrf": claims["csrf"]})
    response = profile(client, expired)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "token_expired"


def test_tampered_token_is_rejected(client, auth, user, make_user):
    other = make_user(username="mallory", email="mallory@example.test")
    access = auth.login(user)["access"]
    header, payload, signature = access.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = str(other.id)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = profile(client, f"{header}.{forged}.{signature}")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "token_invalid"


def test_alg_none_and_foreign_keys_are_rejected(client, auth, user):
    claims = pyjwt.decode(auth.login(user)["access"], options={"verify_signature": False})
    unsigned = pyjwt.encode(claims, key=None, algorithm="none")
    assert profile(client, unsigned).status_code == 401
    wrong_key = pyjwt.encode(claims, key="x" * 40, algorithm="HS256")
    assert profile(client, wrong_key).status_code == 401
    assert profile(client, "not-a-jwt").status_code == 401
    odd_scheme = client.get("/api/v2/auth/profile/", headers={"Authorization": "Basic abc"})
    assert odd_scheme.status_code == 401


def test_revocation_is_checked_on_every_request(client, auth, user, db):
    session = auth.login(user)
    assert profile(client, session["access"]).status_code == 200
    family = db.session.scalar(sa.select(TokenFamily))
    family.revoked_at = family.created_at
    db.session.commit()
    assert profile(client, session["access"]).status_code == 401


def test_cookie_session_needs_csrf_on_unsafe_requests(client, auth, user):
    csrf = auth.cookie_login(user)
    assert client.get("/api/v2/auth/profile/").status_code == 200
    refused = client.patch("/api/v2/auth/profile/update/", json={"bio": "no token"})
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "csrf_failed"
    wrong = client.patch("/api/v2/auth/profile/update/", json={"bio": "wrong"}, headers={"X-CSRF-TOKEN": "nope"})
    assert wrong.status_code == 403
    accepted = client.patch("/api/v2/auth/profile/update/", json={"bio": "with token"},
                            headers={"X-CSRF-TOKEN": csrf})
    assert accepted.status_code == 200
    assert accepted.json["bio"] == "with token"


def test_cookies_are_http_only_and_csrf_is_stable_per_session(client, auth, user, app):
    response = client.post("/login", data={"username_or_email": "ada", "password": "a-long-test-passphrase"})
    cookies = response.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("access_token_cookie="))
    refresh = next(c for c in cookies if c.startswith("refresh_token_cookie="))
    csrf_cookie = next(c for c in cookies if c.startswith("csrf_access_token="))
    assert "HttpOnly" in access and "HttpOnly" in refresh and "HttpOnly" not in csrf_cookie
    claims = pyjwt.decode(client.get_cookie("access_token_cookie").value, options={"verify_signature": False})
    import uuid

    with app.app_context():
        assert claims["csrf"] == family_csrf(uuid.UUID(claims["fam"]))


def test_expired_access_cookie_is_refreshed_from_the_refresh_cookie(client, auth, user, db):
    auth.cookie_login(user)
    client.delete_cookie("access_token_cookie")  # the browser drops it when it expires
    response = client.get("/api/v2/auth/profile/")
    assert response.status_code == 200
    assert response.json["username"] == "ada"
    set_cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("access_token_cookie=") for c in set_cookies)
    assert any(c.startswith("refresh_token_cookie=") for c in set_cookies)
    assert db.session.scalar(sa.select(sa.func.count()).where(RefreshToken.used_at.is_not(None))) == 1
    # The new cookies work on their own.
    assert client.get("/api/v2/auth/profile/").status_code == 200


def test_parallel_requests_with_the_same_expired_cookie_do_not_log_the_user_out(client, auth, user):
    auth.cookie_login(user)
    client.delete_cookie("access_token_cookie")
    refresh = client.get_cookie("refresh_token_cookie").value
    assert client.get("/api/v2/auth/profile/").status_code == 200
    # A second request that left before the first one's cookies arrived carries the old refresh cookie.
    client.delete_cookie("access_token_cookie")
    client.set_cookie("refresh_token_cookie", refresh)
    assert client.get("/api/v2/auth/profile/").status_code == 200


def test_broken_cookie_is_cleared_and_the_caller_is_anonymous(client):
    client.set_cookie("access_token_cookie", "garbage")
    response = client.get("/api/v2/auth/profile/")
    assert response.status_code == 401
    assert any(c.startswith("access_token_cookie=;") for c in response.headers.getlist("Set-Cookie"))
