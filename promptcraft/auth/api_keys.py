"""Personal API keys: the secret is shown once; only its SHA-256 is kept."""
from __future__ import annotations

import secrets
import uuid

import sqlalchemy as sa

from promptcraft.auth.identity import API_KEY_PREFIX, hash_api_key
from promptcraft.auth.models import ApiKey, User
from promptcraft.entitlements import entitlements
from promptcraft.errors import AppError
from promptcraft.extensions import db


def list_keys(user: User) -> list[ApiKey]:
    stmt = sa.select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at.desc())
    return list(db.session.scalars(stmt))


def create_key(user: User, name: str) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the secret (never retrievable again)."""
    limit = entitlements(user)["api_keys"]
    count = db.session.scalar(sa.select(sa.func.count()).where(ApiKey.user_id == user.id))
    if limit is not None and count >= limit:
        raise AppError.conflict(f"Your plan allows {limit} API keys; delete one first.")
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(user_id=user.id, name=name.strip(), prefix=secret[:10], key_hash=hash_api_key(secret))
    db.session.add(key)
    db.session.commit()
    return key, secret


def delete_key(user: User, key_id: uuid.UUID) -> None:
    key = db.session.get(ApiKey, key_id)
    if key is None or key.user_id != user.id:
        raise AppError.not_found("API key")
    db.session.delete(key)
    db.session.commit()
