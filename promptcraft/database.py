"""Engine settings per backend."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def engine_options(config: dict) -> dict:
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Greenlets share one process: the pool is sized for concurrent requests, not cores.
        options.setdefault("pool_size", config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])
    return options


@sa.event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys (ON DELETE CASCADE), let readers run beside a writer."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
