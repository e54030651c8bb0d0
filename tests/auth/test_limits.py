"""Brute-force protection on sign-in and sign-up."""
from __future__ import annotations


def attempt(client, username="ada", password="wrong-password-here", ip="203.0.113.7"):
    return client.post("/api/v2/auth/login/", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_failed_logins_per_account_are_limited_across_addresses(client, user, monkeypatch, app):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", "3 per minute")
    for n in range(3):
        assert attempt(client, ip=f"198.51.100.{n}").status_code == 401
    blocked = attempt(client, ip="198.51.100.99")
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "too_many_requests"
    assert int(blocked.headers["Retry-After"]) > 0
    assert "X-RateLimit-Limit" in blocked.headers
    # Another account from the same addresses is unaffected.
    assert attempt(client, username="someone-else", ip="198.51.100.1").status_code == 401


def test_successful_logins_do_not_count_against_the_account(client, user, monkeypatch, app):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", "2 per minute")
    for _ in range(4):
        assert attempt(client, password="a-long-test-passphrase").status_code == 200


def test_logins_per_ip_are_limited(client, user, monkeypatch, app):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "4 per minute")
    statuses = [attempt(client, username=f"user{n}").status_code for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert attempt(client, username="user9", ip="192.0.2.200").status_code == 401


def test_registrations_per_ip_are_limited(client, monkeypatch, app):
    monkeypatch.setitem(app.config, "REGISTER_RATE_LIMIT", "2 per minute")
    body = {"password": "quiet-harbour-lantern-42", "password_confirm": "quiet-harbour-lantern-42"}
    codes = [
        client.post("/api/v2/auth/register/", json={**body, "username": f"new{n}", "email": f"new{n}@example.test"},
                    environ_base={"REMOTE_ADDR": "203.0.113.50"}).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]


def test_default_limit_is_per_user_when_signed_in_and_per_ip_otherwise(app, user, make_user):
    from promptcraft import create_app

    strict = create_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                    "RATELIMIT_DEFAULT": "3 per minute",
                                    "RATELIMIT_KEY_PREFIX": "strict-default-test"})
    client = strict.test_client()
    other = make_user(username="bob", email="bob@example.test")
    tokens = {}
    for account in (user, other):
        body = client.post("/api/v2/auth/login/", json={"username": account.username,
                                                         "password": "a-long-test-passphrase"}).json
        tokens[account.username] = {"Authorization": f"Bearer {body['access']}"}
    codes = [client.get("/api/v2/auth/profile/", headers=tokens["ada"]).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Bob shares Ada's address but has his own allowance.
    assert client.get("/api/v2/auth/profile/", headers=tokens["bob"]).status_code == 200
    anonymous = [client.get("/api/v2/core/config/").status_code for _ in range(4)]
    assert anonymous == [200, 200, 200, 429]
