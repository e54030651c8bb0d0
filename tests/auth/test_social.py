"""Social sign-in end to end against a fake OAuth 2 provider on 127.0.0.1."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import requests
import sqlalchemy as sa

from promptcraft import create_app
from promptcraft.auth.models import SocialAccount, User


def sign_in(client, provider, profile, next_url=None):
    """Run the browser's part of the flow: initiate → provider → callback."""
    provider.profile = profile
    query = f"?next={next_url}" if next_url else ""
    start = client.get(f"/api/v2/auth/social/acme/initiate/{query}")
    assert start.status_code == 302
    location = start.headers["Location"]
    assert location.startswith(provider.url + "/authorize")
    params = parse_qs(urlparse(location).query)
    assert params["state"] and params["code_challenge_method"] == ["S256"]
    back = requests.get(location, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_providers_are_listed_from_configuration(client):
    providers = client.get("/api/v2/auth/social/providers/").json["providers"]
    assert providers == [{"name": "acme", "label": "Acme ID", "initiate_url": "/api/v2/auth/social/acme/initiate/"}]


def test_no_providers_configured_is_an_empty_list():
    bare = create_app("testing", {"OAUTH_PROVIDERS": {}})
    assert bare.test_client().get("/api/v2/auth/social/providers/").json == {"providers": []}


def test_unknown_provider_is_404(client):
    assert client.get("/api/v2/auth/social/nope/initiate/").status_code == 404


def test_first_sign_in_creates_an_account(client, oauth_provider, db):
    response = sign_in(client, oauth_provider, {"sub": "u-1", "email": "Hopper@Example.test", "email_verified": True,
                                                "preferred_username": "hopper", "given_name": "Grace"})
    assert response.status_code == 200
    body = response.json
    assert body["created"] is True
    assert body["user"]["username"] == "hopper" and body["user"]["email"] == "hopper@example.test"
    assert body["user"]["credits"] == 100
    profile = client.get("/api/v2/auth/profile/", headers={"Authorization": f"Bearer {body['access']}"})
    assert profile.status_code == 200
    link = db.session.scalar(sa.select(SocialAccount))
    assert (link.provider, link.subject) == ("acme", "u-1")
    # Signing in again finds the same account through the link.
    again = sign_in(client, oauth_provider, {"sub": "u-1", "email": "changed@example.test", "email_verified": True})
    assert again.json["created"] is False and again.json["user"]["id"] == body["user"]["id"]


def test_verified_email_links_to_the_existing_account(client, oauth_provider, user, db):
    response = sign_in(client, oauth_provider, {"sub": "acme-42", "email": "ADA@example.test", "email_verified": True})
    assert response.status_code == 200
    assert response.json["created"] is False
    assert response.json["user"]["id"] == str(user.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_unverified_email_never_takes_over_an_existing_account(client, oauth_provider, user, db):
    response = sign_in(client, oauth_provider, {"sub": "acme-43", "email": "ada@example.test", "email_verified": False})
    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SocialAccount)) == 0


def test_next_sets_cookies_and_redirects(client, oauth_provider):
    response = sign_in(client, oauth_provider, {"sub": "u-9", "email": "cookie@example.test", "email_verified": True},
                       next_url="/profile")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profile")
    assert client.get("/api/v2/auth/profile/").json["email"] == "cookie@example.test"


def test_callback_with_unknown_state_is_refused(client):
    response = client.get("/api/v2/auth/social/callback/?state=forged&code=x")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "oauth_state_invalid"


def test_next_must_stay_on_this_site(client):
    response = client.get("/api/v2/auth/social/acme/initiate/?next=https://evil.example/")
    assert response.status_code == 400
