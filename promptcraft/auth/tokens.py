"""Access and refresh tokens: issue, rotate with reuse detection, revoke.

A sign-in opens a token family. Each refresh exchanges the presented refresh token for a new
pair in the same family and marks the old one used; presenting a used token again means it
leaked, so the whole family (every session token derived from it) is revoked.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from jwt import ExpiredSignatureError, InvalidTokenError

from promptcraft.auth.models import RefreshToken, RevokedToken, TokenFamily, User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db


@dataclass
class TokenPair:
    access: str
    refresh: str
    family_id: uuid.UUID


def decode(token: str, expected_type: str, *, allow_expired: bool = False) -> dict:
    """Verify signature, algorithm, expiry and type; raise a 401 AppError otherwise."""
    try:
        claims = decode_token(token, allow_expired=allow_expired)
    except ExpiredSignatureError:
        raise AppError.unauthorized("The token has expired.", "token_expired") from None
    except (InvalidTokenError, ValueError, KeyError, TypeError):
        raise AppError.unauthorized("The token is invalid.", "token_invalid") from None
    if claims.get("type") != expected_type or "fam" not in claims:
        raise AppError.unauthorized(f"An {expected_type} token is required.", "token_invalid")
    return claims


def issue(user: User, family: TokenFamily | None = None, *, user_agent: str = "") -> TokenPair:
    """A new access/refresh pair for `user`, opening a family when none is given. Caller commits."""
    if family is None:
        family = TokenFamily(user_id=user.id, user_agent=user_agent[:256])
        db.session.add(family)
        db.session.flush()
    family.last_used_at = utcnow()
    # One CSRF value per family: pages rendered before a silent rotation keep working.
    claims = {"fam": str(family.id), "csrf": family_csrf(family.id)}
    refresh_jti = uuid.uuid4().hex
    refresh = create_refresh_token(identity=str(user.id), additional_claims={**claims, "jti": refresh_jti})
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    expires = utcnow() + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    db.session.add(RefreshToken(jti=refresh_jti, family_id=family.id, expires_at=expires))
    return TokenPair(access, refresh, family.id)


def family_csrf(family_id: uuid.UUID) -> str:
    key = current_app.config["JWT_SECRET_KEY"].encode()
    return hmac.new(key, f"csrf:{family_id}".encode(), hashlib.sha256).hexdigest()[:32]


def rotate(refresh_token: str, *, reuse_grace: timedelta | None = None) -> tuple[User, TokenPair | None]:
    """Exchange a refresh token for a new pair.

    Raises 401 `token_reused` (and revokes the family) when the token was already exchanged.
    With `reuse_grace`, a token exchanged within that window authenticates without a new pair:
    a browser firing parallel requests with the same expired cookie is not an attack.
    """
    claims = decode(refresh_token, "refresh")
    row = db.session.get(RefreshToken, claims["jti"])
    family = db.session.get(TokenFamily, uuid.UUID(claims["fam"])) if row else None
    if row is None or family is None or family.revoked_at is not None:
        raise AppError.unauthorized("The session has been revoked; sign in again.", "token_revoked")
    user = db.session.get(User, family.user_id)
    if user is None or not user.is_active:
        raise AppError.unauthorized("The account is not active.", "token_revoked")
    if row.used_at is not None:
        if reuse_grace is not None and utcnow() - row.used_at <= reuse_grace:
            return user, None
        revoke_family(family.id, "refresh_token_reuse")
        db.session.commit()
        raise AppError.unauthorized(
            "This refresh token was already used; every session derived from it is revoked.",
            "token_reused",
        )
    # Claim the token atomically so two concurrent exchanges cannot both succeed.
    claimed = db.session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.jti == row.jti, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if not claimed:
        db.session.rollback()
        return rotate(refresh_token, reuse_grace=reuse_grace)
    pair = issue(user, family)
    db.session.commit()
    return user, pair


def revoke_family(family_id: uuid.UUID, reason: str) -> None:
    db.session.execute(
        sa.update(TokenFamily)
        .where(TokenFamily.id == family_id, TokenFamily.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoke_reason=reason)
    )


def revoke_access(claims: dict) -> None:
    if db.session.get(RevokedToken, claims["jti"]) is None:
        expires = datetime.fromtimestamp(claims["exp"], UTC)
        db.session.add(RevokedToken(jti=claims["jti"], expires_at=expires))


def revoke_user_sessions(user_id: uuid.UUID, *, keep: uuid.UUID | None = None, reason: str) -> int:
    stmt = sa.update(TokenFamily).where(TokenFamily.user_id == user_id, TokenFamily.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(TokenFamily.id != keep)
    return db.session.execute(stmt.values(revoked_at=utcnow(), revoke_reason=reason)).rowcount


def is_revoked(claims: dict) -> bool:
    """Whether an access token's own id or its family has been revoked (one round trip)."""
    family_active = sa.exists().where(
        TokenFamily.id == uuid.UUID(claims["fam"]), TokenFamily.revoked_at.is_(None)
    )
    jti_revoked = sa.exists().where(RevokedToken.jti == claims["jti"])
    active, revoked = db.session.execute(sa.select(family_active, jti_revoked)).one()
    return not active or bool(revoked)
