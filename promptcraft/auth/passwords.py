"""Password hashing and the rules a new password must meet."""
from __future__ import annotations

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn.frequency_lists import FREQUENCY_LISTS

# zxcvbn ships the 30,000 most common passwords from real breaches.
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password)


def password_problems(password: str, *, username: str = "", email: str = "") -> list[str]:
    """Why `password` is not acceptable; an empty list when it is."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(f"Use at least {minimum} characters.")
    lowered = password.lower()
    if lowered in _COMMON or lowered.rstrip("0123456789!") in _COMMON:
        problems.append("This password is too common; choose one that is not on breach lists.")
    if len(set(password)) < 4:
        problems.append("Use more than a few distinct characters.")
    personal = {username.lower(), email.lower(), email.split("@")[0].lower()} - {""}
    if any(part and part in lowered for part in personal if len(part) >= 4):
        problems.append("Do not build the password from your username or email.")
    return problems
