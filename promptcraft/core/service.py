"""Health, configuration and status: what operators and front ends ask before anything else."""
from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from promptcraft.extensions import db, limiter

# Tables counted by the status summary, when the domain that owns them is installed.
STATUS_TABLES = {
    "users": "users",
    "templates": "templates",
    "prompt_history": "prompt_history",
    "chat_sessions": "chat_sessions",
    "chat_messages": "chat_messages",
    "askme_sessions": "askme_sessions",
    "ai_requests": "ai_usage",
    "research_jobs": "research_jobs",
}


def database_ok() -> tuple[bool, float, str | None]:
    started = time.perf_counter()
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True, (time.perf_counter() - started) * 1000, None
    except Exception as error:  # any driver failure means "down", which is the answer here
        db.session.rollback()
        return False, (time.perf_counter() - started) * 1000, type(error).__name__


def rate_limit_storage_ok() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:
        return False


def ai_providers() -> list[dict[str, Any]]:
    """Configured providers and whether they can be used; the ai domain adds reachability."""
    registry = current_app.extensions.get("ai")
    if registry is not None:
        return registry.status()
    config = current_app.config
    keys = {
        "local": True,
        "deepseek": bool(config.get("DEEPSEEK_API_KEY")),
        "openai_compatible": bool(config.get("OPENAI_COMPATIBLE_BASE_URL")),
    }
    return [{"name": name, "configured": keys.get(name, False)} for name in config["AI_PROVIDERS"]]


def uptime_seconds() -> float:
    return round(time.time() - current_app.extensions["started_at"], 1)


def health() -> dict[str, Any]:
    ok, latency, error = database_ok()
    storage_ok = rate_limit_storage_ok()
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    components = {
        "database": {"status": "ok" if ok else "down", "latency_ms": round(latency, 2), "error": error,
                     "backend": db.engine.dialect.name},
        "rate_limit_storage": {"status": "ok" if storage_ok else "down", "backend": uri.split(":", 1)[0]},
        "ai_providers": ai_providers(),
    }
    status = "ok" if ok and storage_ok else "degraded"
    return {"status": status, "version": current_app.config["VERSION"], "uptime_seconds": uptime_seconds(),
            "components": components}


def table_counts() -> dict[str, int]:
    tables = db.metadata.tables
    counts = {}
    for label, table_name in STATUS_TABLES.items():
        if table_name in tables:
            counts[label] = db.session.scalar(sa.select(sa.func.count()).select_from(tables[table_name])) or 0
    return counts


def status() -> dict[str, Any]:
    ok, _, _ = database_ok()
    return {
        "status": "ok" if ok else "degraded",
        "version": current_app.config["VERSION"],
        "uptime_seconds": uptime_seconds(),
        "counts": table_counts() if ok else {},
        "ai_providers": ai_providers(),
    }


def public_config() -> dict[str, Any]:
    config = current_app.config
    features = {
        "social_login": bool(config["OAUTH_PROVIDERS"]),
        "api_keys": True,
    }
    features.update(current_app.extensions.get("feature_flags", {}))
    return {
        "app_name": config["APP_NAME"],
        "version": config["VERSION"],
        "api_version": config["API_VERSION"],
        "features": features,
        "ai": {
            "providers": [p["name"] for p in ai_providers() if p.get("configured")],
            "models": current_app.extensions.get("ai_models", []),
        },
        "limits": {
            "max_request_bytes": config["MAX_CONTENT_LENGTH"],
            "max_page_size": 100,
            "rate_limit": config["RATELIMIT_DEFAULT"],
            "password_min_length": config["PASSWORD_MIN_LENGTH"],
        },
        "plans": current_app.extensions.get("plan_names", []),
        "auth": {"access_token_minutes": int(config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds() // 60),
                 "refresh_token_days": config["JWT_REFRESH_TOKEN_EXPIRES"].days},
    }
