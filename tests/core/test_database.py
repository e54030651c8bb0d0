"""The database connection: how PostgreSQL plans the application's statements."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from promptcraft.prompt_templates import discovery


def test_postgresql_plans_every_statement_for_its_values(db, make_template):
    """A statement psycopg has prepared must never run on a generic plan (blind to its values:
    a rare word or a common one, a small category or a large one). One without parameters has
    no values to be blind to: its plan is the same either way."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    template_id = make_template(None, title="Clay city miniature", content="Sculpt a miniature clay city at dusk.")
    make_template(None, title="Clay portrait", content="Sculpt a clay portrait of {{person}}.")
    for _ in range(12):  # past psycopg's prepare threshold (5) and PostgreSQL's trial of custom plans (5)
        assert discovery.similar(template_id, None)
    generic = db.session.execute(sa.text("SELECT count(*) FROM pg_prepared_statements"
                                         " WHERE generic_plans > 0 AND cardinality(parameter_types) > 0")).scalar()
    prepared = db.session.execute(sa.text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared > 0 and generic == 0
