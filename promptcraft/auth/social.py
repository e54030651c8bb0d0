"""Social sign-in: the OAuth 2 authorization-code flow (with PKCE) against configured providers.

Providers come from `OAUTH_PROVIDERS` (see config.py); Authlib runs the protocol. An account is
linked by provider subject first, then by a *verified* email; otherwise a new one is created.
"""
from __future__ import annotations

import re
import secrets
from typing import Any

import sqlalchemy as sa
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session
from requests import RequestException

from promptcraft.auth import service
from promptcraft.auth.models import SocialAccount, User
from promptcraft.errors import AppError
from promptcraft.extensions import db

oauth = OAuth()
PENDING_KEY = "oauth_pending"


def init_app(app: Flask) -> None:
    oauth.init_app(app)
    for name, settings in app.config["OAUTH_PROVIDERS"].items():
        oauth.register(
            name,
            client_id=settings["client_id"],
            client_secret=settings["client_secret"],
            authorize_url=settings["authorize_url"],
            access_token_url=settings["token_url"],
            userinfo_endpoint=settings["userinfo_url"],
            client_kwargs={
                "scope": settings["scope"],
                "code_challenge_method": "S256",
                "timeout": app.config["OAUTH_TIMEOUT_SECONDS"],
            },
        )


def providers() -> list[dict[str, str]]:
    return [
        {"name": name, "label": settings["label"]}
        for name, settings in current_app.config["OAUTH_PROVIDERS"].items()
        if settings.get("client_id") and settings.get("authorize_url")
    ]


def _client(name: str):
    if name not in {p["name"] for p in providers()}:
        raise AppError.not_found("Social login provider")
    return oauth.create_client(name)


def authorization_url(provider: str, redirect_uri: str, next_url: str | None) -> str:
    """Start the flow: remember the state (and where to go afterwards) in the signed session."""
    client = _client(provider)
    data = client.create_authorization_url(redirect_uri)
    client.save_authorize_data(redirect_uri=redirect_uri, **data)
    pending = dict(session.get(PENDING_KEY, {}))
    pending[data["state"]] = {"provider": provider, "next": next_url}
    session[PENDING_KEY] = dict(list(pending.items())[-5:])
    return data["url"]


def complete(state: str | None) -> tuple[dict[str, Any], str | None]:
    """Finish the flow for the callback's `state`: returns (userinfo, next_url)."""
    pending = dict(session.get(PENDING_KEY, {}))
    entry = pending.pop(state or "", None)
    session[PENDING_KEY] = pending
    if entry is None:
        raise AppError(400, "oauth_state_invalid", "The sign-in link has expired or was not started here.")
    client = _client(entry["provider"])
    try:
        token = client.authorize_access_token()
        info = client.userinfo(token=token)
    except OAuthError as error:
        reason = error.description or error.error
        raise AppError(400, "oauth_failed", f"The provider refused the sign-in: {reason}.") from None
    except (RequestException, ValueError):
        raise AppError(502, "oauth_provider_unavailable", "The sign-in provider could not be reached.") from None
    return {"provider": entry["provider"], **dict(info)}, entry["next"]


def _unique_username(seed: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "", seed)[:40] or "user"
    base = base if len(base) >= 3 else f"{base}user"
    candidate = base
    while service.username_problem(candidate) is not None:
        candidate = f"{base}{secrets.randbelow(10_000)}"
    return candidate


def sign_in(info: dict[str, Any], *, user_agent: str = "") -> tuple[User, Any, bool]:
    """Find or create the user for a provider's userinfo; returns (user, token pair, created)."""
    provider = info["provider"]
    subject = str(info.get("sub") or info.get("id") or "")
    if not subject:
        raise AppError(502, "oauth_profile_invalid", "The provider did not say who the user is.")
    email = service.normalise_email(str(info.get("email") or ""))
    verified = bool(info.get("email_verified")) and bool(email)
    link = db.session.scalar(
        sa.select(SocialAccount).where(SocialAccount.provider == provider, SocialAccount.subject == subject)
    )
    created = False
    if link is not None:
        user = db.session.get(User, link.user_id)
    else:
        user = db.session.scalar(sa.select(User).where(User.email == email)) if email else None
        if user is not None and not verified:
            raise AppError.conflict(
                "An account with this email exists; the provider has not verified the email, so it "
                "cannot be linked. Sign in with your password and link it from your profile."
            )
        if user is None:
            if not email:
                raise AppError(400, "oauth_email_missing", "The provider did not share an email address.")
            user = service.create_user(
                username=_unique_username(info.get("preferred_username") or info.get("login") or email.split("@")[0]),
                email=email,
                password=None,
                first_name=str(info.get("given_name") or "")[:150],
                last_name=str(info.get("family_name") or "")[:150],
            )
            created = True
        db.session.add(SocialAccount(user_id=user.id, provider=provider, subject=subject, email=email or None))
    if user is None or not user.is_active:
        raise AppError.forbidden("This account is disabled.")
    user, pair = service.start_session(user, user_agent=user_agent)
    return user, pair, created
