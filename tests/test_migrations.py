"""The schema is only ever changed by migrations: they build it, and the models agree with them."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from promptcraft.database import include_object


def test_models_match_the_migrated_schema(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_seed_and_create_admin_commands(runner, db):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed"])
    assert "0 rows added" in second.output
    created = runner.invoke(args=["users", "create-admin", "--username", "root", "--email", "root@example.test",
                                  "--password", "operator-passphrase-77"])
    assert created.exit_code == 0, created.output
    from promptcraft.auth.models import User

    admin = db.session.scalar(db.select(User).where(User.username_key == "root"))
    assert admin.is_staff
    again = runner.invoke(args=["users", "create-admin", "--username", "root", "--email", "x@example.test",
                                "--password", "operator-passphrase-77"])
    assert again.exit_code != 0 and "already registered" in again.output


def test_daily_usage_is_filled_from_the_usage_rows_made_before_it(app, db, user):
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from promptcraft.ai import quotas
    from promptcraft.ai.models import AIUsage

    now = datetime.now(UTC)
    db.session.remove()
    downgrade(revision="0015")
    try:
        usage = AIUsage.__table__
        row = {"user_id": user.id, "kind": "chat", "provider": "local", "model": "promptcraft-local",
               "cached_tokens": 0, "cost": 0, "credits": 0, "total_ms": 1.0, "overhead_ms": 0.0}
        with db.engine.begin() as connection:
            connection.execute(usage.insert(), [
                {**row, "prompt_tokens": 10, "completion_tokens": 5, "status": "ok", "created_at": now},
                {**row, "prompt_tokens": 1, "completion_tokens": 1, "status": "interrupted", "created_at": now},
                {**row, "prompt_tokens": 50, "completion_tokens": 50, "status": "error", "created_at": now},
                {**row, "prompt_tokens": 7, "completion_tokens": 3, "status": "ok",
                 "created_at": now - timedelta(days=1)}])
    finally:
        upgrade()
    assert quotas.used_today(user.id) == (2, 17)
    assert db.session.execute(sa.text("SELECT count(*) FROM ai_daily_usage")).scalar() == 2
