"""The one way to know who is calling: `current_user()`, `login_required`, `staff_required`.

Credentials, in order: `X-API-Key` (or a `pc_…` key as Bearer), a Bearer access token, the
access cookie (unsafe methods need the CSRF double-submit header), and, when the access
cookie has expired, the refresh cookie, which is rotated transparently.
"""
from __future__ import annotations

import functools
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask_jwt_extended import set_access_cookies, set_refresh_cookies, unset_jwt_cookies
from sqlalchemy.orm import joinedload

from promptcraft.auth import tokens
from promptcraft.auth.models import ApiKey, User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db

API_KEY_PREFIX = "pc_"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
COOKIE_REFRESH_GRACE = timedelta(seconds=20)
API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass
class Identity:
    user: User
    via: str  # "api_key", "bearer" or "cookie"
    claims: dict | None = None

    @property
    def family_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.claims["fam"]) if self.claims else None


# Built once: every API call runs it, and building a statement and its cache key each time cost
# more than executing it.
KEY_WITH_USER = (sa.select(ApiKey).options(joinedload(ApiKey.user))
                 .where(ApiKey.key_hash == sa.bindparam("key_hash", type_=sa.String)))


def hash_api_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _from_api_key(secret: str) -> Identity:
    key = db.session.scalar(KEY_WITH_USER, {"key_hash": hash_api_key(secret)})
    if key is None or not key.user.is_active:
        raise AppError.unauthorized("The API key is invalid or has been deleted.", "api_key_invalid")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > API_KEY_TOUCH_INTERVAL:
        key.last_used_at = now
        db.session.commit()
    return Identity(key.user, "api_key")


def _user_for(claims: dict) -> User:
    try:
        user = db.session.get(User, uuid.UUID(str(claims["sub"])))
    except (ValueError, KeyError):
        user = None
    if user is None or not user.is_active:
        raise AppError.unauthorized("The account no longer exists or is disabled.", "token_invalid")
    return user


def _from_access_token(token: str, via: str) -> Identity:
    claims = tokens.decode(token, "access")
    if tokens.is_revoked(claims):
        raise AppError.unauthorized("The token has been revoked.", "token_revoked")
    if via == "cookie":
        _check_csrf(claims)
    return Identity(_user_for(claims), via, claims)


def _check_csrf(claims: dict) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get("X-CSRF-TOKEN") or request.form.get("csrf_token")
    if not sent or sent != claims.get("csrf"):
        raise AppError(403, "csrf_failed", "The CSRF token is missing or does not match; reload the page.")


def _from_refresh_cookie(token: str) -> Identity:
    claims = tokens.decode(token, "refresh")
    _check_csrf(claims)
    user, pair = tokens.rotate(token, reuse_grace=COOKIE_REFRESH_GRACE)
    if pair is not None:
        g.new_tokens = pair
        claims = tokens.decode(pair.access, "access")
    return Identity(user, "cookie", claims)


def _resolve() -> Identity | None:
    api_key = request.headers.get("X-API-Key")
    if api_key:
        return _from_api_key(api_key)
    header = request.headers.get("Authorization")
    if header:
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise AppError.unauthorized("Use 'Authorization: Bearer <token>'.", "token_invalid")
        if credential.startswith(API_KEY_PREFIX):
            return _from_api_key(credential)
        return _from_access_token(credential, "bearer")
    config = current_app.config
    access_cookie = request.cookies.get(config["JWT_ACCESS_COOKIE_NAME"])
    if access_cookie:
        try:
            return _from_access_token(access_cookie, "cookie")
        except AppError as error:
            if error.code != "token_expired":
                raise
    refresh_cookie = request.cookies.get(config["JWT_REFRESH_COOKIE_NAME"])
    if refresh_cookie:
        return _from_refresh_cookie(refresh_cookie)
    return None


def load_identity() -> None:
    """Resolve credentials once per request, before rate limits are checked.

    A failure is kept and raised where a user is actually needed, so public endpoints still
    answer; a broken cookie is dropped from the browser.
    """
    g.identity = None
    g.auth_error = None
    if request.path.startswith("/static/"):
        return
    try:
        g.identity = _resolve()
    except AppError as error:
        db.session.rollback()
        g.auth_error = error
        if not request.headers.get("Authorization") and not request.headers.get("X-API-Key"):
            g.clear_auth_cookies = error.code != "csrf_failed"
    if g.identity is not None:
        g.rate_limit_user = str(g.identity.user.id)


def save_cookies(response):
    """Set rotated cookies, or clear broken ones, on the way out."""
    pair = g.pop("new_tokens", None)
    if pair is not None:
        set_access_cookies(response, pair.access)
        set_refresh_cookies(response, pair.refresh)
    elif g.pop("clear_auth_cookies", False):
        unset_jwt_cookies(response)
    return response


def current_identity() -> Identity | None:
    if "identity" not in g:
        load_identity()
    if g.auth_error is not None:
        raise g.auth_error
    return g.identity


def current_user() -> User | None:
    """The signed-in user, or None for anonymous callers; bad credentials raise 401."""
    identity = current_identity()
    return identity.user if identity else None


def require_user() -> User:
    user = current_user()
    if user is None:
        raise AppError.unauthorized()
    return user


def require_staff() -> User:
    user = require_user()
    if not user.is_staff:
        raise AppError.forbidden("Staff only.")
    return user


def _mark(view, level: str):
    doc = dict(getattr(view, "_apidoc", {}))
    doc["auth"] = level
    view._apidoc = doc
    return view


def login_required(view):
    """The view needs a signed-in user (401 otherwise; pages redirect to the login page)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        require_user()
        return view(*args, **kwargs)

    return _mark(wrapper, "user")


def staff_required(view):
    """The view needs a staff user (401 anonymous, 403 others)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        require_staff()
        return view(*args, **kwargs)

    return _mark(wrapper, "staff")


def init_app(app: Flask) -> None:
    # Registered before Flask-Limiter so that limits can be keyed by user.
    app.before_request(load_identity)
    app.after_request(save_cookies)
