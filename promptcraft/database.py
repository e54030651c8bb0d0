"""Engine settings per backend."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine


def engine_options(config: dict) -> dict:
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Greenlets share one process: the pool is sized for concurrent requests, not cores.
        options.setdefault("pool_size", config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])
        # Dates are UTC days everywhere (usage per day, quotas), whatever the server's zone.
        # Every statement is planned for its own values: psycopg prepares a statement run five
        # times, and after five more PostgreSQL may settle on a generic plan, blind to the
        # values. For the library's statements the values are everything (a rare word or a
        # common one, a small category or a large one): "more like this" ran 3× slower once
        # its statement went generic.
        options.setdefault("connect_args", {"options": "-c timezone=utc -c plan_cache_mode=force_custom_plan"})
    return options


def conflict_insert(table: sa.Table, dialect: str):
    """An INSERT that can say what to do ON CONFLICT (PostgreSQL and SQLite share the clause)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


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


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: search indexes live outside the models, leave them be."""
    if not reflected or compare_to is not None:
        return True
    if type_ == "table" and "_fts" in name:
        return False
    if type_ == "column" and name in ("search_vector", "rank_vector", "recency_buckets"):
        return False
    return not (type_ == "index" and "search" in (name or ""))
