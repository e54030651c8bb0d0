"""factory_boy factories for the models tests need in bulk."""
from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from promptcraft.auth.models import User
from promptcraft.auth.passwords import hash_password
from promptcraft.extensions import db

PASSWORD = "a-long-test-passphrase"


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    username = factory.Sequence(lambda n: f"writer{n}")
    username_key = factory.LazyAttribute(lambda o: o.username.lower())
    email = factory.LazyAttribute(lambda o: f"{o.username.lower()}@example.test")
    first_name = "Ada"
    last_name = "Writer"
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
