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
