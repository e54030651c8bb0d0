"""Accounts: sign-up, sign-in, sessions, profile, passwords and availability checks."""
from __future__ import annotations

import re
import uuid
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask import current_app

from promptcraft import signals
from promptcraft.auth import tokens
from promptcraft.auth.models import ApiKey, TokenFamily, User
from promptcraft.auth.passwords import hash_password, password_problems, verify_password
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,150}$")
PROFILE_FIELDS = {"first_name", "last_name", "bio", "timezone", "email", "username"}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_login(identifier: str) -> User | None:
    key = identifier.strip().lower()
    column = User.email if "@" in key else User.username_key
    return db.session.scalar(sa.select(User).where(column == key))


def username_problem(username: str, *, exclude: uuid.UUID | None = None) -> str | None:
    if not USERNAME_RE.match(username):
        return "invalid"
    stmt = sa.select(User.id).where(User.username_key == username.lower())
    if exclude:
        stmt = stmt.where(User.id != exclude)
    return "taken" if db.session.scalar(stmt) else None


def email_problem(email: str, *, exclude: uuid.UUID | None = None) -> str | None:
    if "@" not in email or len(email) > 254:
        return "invalid"
    stmt = sa.select(User.id).where(User.email == normalise_email(email))
    if exclude:
        stmt = stmt.where(User.id != exclude)
    return "taken" if db.session.scalar(stmt) else None


def availability(*, username: str | None = None, email: str | None = None) -> dict[str, Any]:
    problem = username_problem(username) if username is not None else email_problem(email or "")
    return {"available": problem is None, "reason": problem}


def _check_unique(username: str, email: str, exclude: uuid.UUID | None = None) -> None:
    """400 for a malformed username or email, 409 when either belongs to someone else."""
    problems = {"username": username_problem(username, exclude=exclude), "email": email_problem(email, exclude=exclude)}
    invalid = {field: [f"Enter a valid {field}."] for field, problem in problems.items() if problem == "invalid"}
    if invalid:
        raise AppError.invalid("Some details are not valid.", invalid)
    taken = {field: [f"This {field} is already registered."] for field, p in problems.items() if p == "taken"}
    if taken:
        raise AppError.conflict("Some details belong to another account.", {"fields": taken})


def _check_password(password: str, username: str, email: str, field: str = "password") -> None:
    problems = password_problems(password, username=username, email=email)
    if problems:
        raise AppError.invalid("The password is not strong enough.", {field: problems})


def create_user(
    *, username: str, email: str, password: str | None, first_name: str = "", last_name: str = "",
    is_staff: bool = False,
) -> User:
    """Create an account (flushes, does not commit). Raises 409 on a taken username/email."""
    email = normalise_email(email)
    _check_unique(username, email)
    if password is not None:
        _check_password(password, username, email)
    user = User(
        username=username,
        username_key=username.lower(),
        email=email,
        first_name=first_name,
        last_name=last_name,
        password_hash=hash_password(password) if password is not None else None,
        is_staff=is_staff,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register(data: dict[str, Any], *, user_agent: str = "") -> tuple[User, tokens.TokenPair]:
    """Sign up and sign in at once. The two passwords must match."""
    if data["password"] != data["password_confirm"]:
        raise AppError.invalid("The passwords do not match.", {"password_confirm": ["Does not match."]})
    user = create_user(
        username=data["username"], email=data["email"], password=data["password"],
        first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
    )
    user.last_login_at = utcnow()
    pair = tokens.issue(user, user_agent=user_agent)
    db.session.commit()
    signals.user_registered.send(user.id)
    return user, pair


def login(identifier: str, password: str, *, user_agent: str = "") -> tuple[User, tokens.TokenPair]:
    """Check credentials; the same 401 whether the account or the password is wrong."""
    user = find_by_login(identifier)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise AppError.unauthorized("Wrong username, email or password.", "invalid_credentials")
    return start_session(user, user_agent=user_agent)


def start_session(user: User, *, user_agent: str = "") -> tuple[User, tokens.TokenPair]:
    user.last_login_at = utcnow()
    pair = tokens.issue(user, user_agent=user_agent)
    db.session.commit()
    signals.user_logged_in.send(user.id)
    return user, pair


def refresh(refresh_token: str) -> tokens.TokenPair:
    _, pair = tokens.rotate(refresh_token)
    assert pair is not None  # rotate() only skips issuing inside a grace window
    return pair


def logout(user: User, access_claims: dict | None, refresh_token: str | None = None) -> None:
    """Revoke this session: its access token and its whole refresh family."""
    if access_claims:
        tokens.revoke_access(access_claims)
        tokens.revoke_family(uuid.UUID(access_claims["fam"]), "logout")
    if refresh_token:
        try:
            claims = tokens.decode(refresh_token, "refresh", allow_expired=True)
        except AppError:
            claims = None
        if claims and claims.get("sub") == str(user.id):
            tokens.revoke_family(uuid.UUID(claims["fam"]), "logout")
    db.session.commit()


def update_profile(user: User, changes: dict[str, Any]) -> User:
    changes = {k: v for k, v in changes.items() if k in PROFILE_FIELDS}
    if "timezone" in changes and changes["timezone"] not in available_timezones():
        raise AppError.invalid("Unknown time zone.", {"timezone": ["Use an IANA name such as Europe/Paris."]})
    if "username" in changes or "email" in changes:
        username = changes.get("username", user.username)
        email = normalise_email(changes.get("email", user.email))
        _check_unique(username, email, exclude=user.id)
        changes["email"] = email
        user.username_key = username.lower()
    for key, value in changes.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def change_password(user: User, old: str, new: str, *, keep_family: uuid.UUID | None) -> int:
    """Set a new password and revoke every other session; returns how many were revoked."""
    if user.password_hash is not None and not verify_password(user.password_hash, old):
        raise AppError.invalid("The current password is wrong.", {"old_password": ["Wrong password."]})
    _check_password(new, user.username, user.email, "new_password")
    user.password_hash = hash_password(new)
    revoked = tokens.revoke_user_sessions(user.id, keep=keep_family, reason="password_changed")
    db.session.commit()
    return revoked


def user_stats(user: User) -> dict[str, Any]:
    """The user's own figures plus those other domains contribute through a signal."""
    stats: dict[str, Any] = {
        "xp": user.xp,
        "level": user.level,
        "rank": user.rank,
        "credits": user.credits,
        "member_since": user.created_at,
        "api_keys": db.session.scalar(sa.select(sa.func.count()).where(ApiKey.user_id == user.id)),
        "active_sessions": db.session.scalar(
            sa.select(sa.func.count()).where(
                TokenFamily.user_id == user.id,
                TokenFamily.revoked_at.is_(None),
                TokenFamily.last_used_at > utcnow() - current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
            )
        ),
    }
    for _receiver, figures in signals.user_stats_requested.send(user.id):
        stats.update(figures or {})
    return stats
