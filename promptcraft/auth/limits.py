"""Brute-force protection for sign-in and sign-up, shared by the API and the pages."""
from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from promptcraft.extensions import limiter


def _login_identifier() -> str:
    body = request.get_json(silent=True) if request.is_json else request.form
    body = body if isinstance(body, dict) or hasattr(body, "get") else {}
    for field in ("username_or_email", "username", "email"):
        value = body.get(field) if hasattr(body, "get") else None
        if isinstance(value, str) and value.strip():
            return "account:" + value.strip().lower()[:254]
    return "account:" + get_remote_address()


def _failed(response) -> bool:
    return response.status_code in (400, 401)


# Per IP: every attempt counts. Per account: only failures count, so an attacker spreading
# guesses over many addresses is still stopped, and a user who signs in is never locked out.
login_per_ip = limiter.shared_limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="login-ip", key_func=get_remote_address
)
login_per_account = limiter.shared_limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    scope="login-account",
    key_func=_login_identifier,
    deduct_when=_failed,
)
register_per_ip = limiter.shared_limit(
    lambda: current_app.config["REGISTER_RATE_LIMIT"], scope="register-ip", key_func=get_remote_address
)
