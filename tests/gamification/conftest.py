"""Gamification fixtures: the seeded definitions, actions written at chosen local days, and a clock."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.extensions import db as _db
from promptcraft.gamification import seed
from promptcraft.gamification.models import Action, XPGrant
from promptcraft.gamification.service import ledger


@pytest.fixture
def seeded(app):
    with app.app_context():
        seed.run()


@pytest.fixture
def clock(monkeypatch):
    """clock(datetime): freeze "now" for gamification's day arithmetic."""

    def set_now(when: datetime) -> datetime:
        monkeypatch.setattr(ledger, "utcnow", lambda: when)
        return when

    return set_now


@pytest.fixture
def add_actions(app):
    """add_actions(user, kind, days_ago=0, count=1, score=None): actions as the listeners record them."""

    def add(user, kind, days_ago=0, count=1, score=None):
        with app.app_context():
            row = _db.session.get(User, user.id)
            day = ledger.local_day(row) - timedelta(days=days_ago)
            _db.session.add_all([Action(user_id=user.id, kind=kind, ref=f"{kind}-{day}-{i}-{datetime.now(UTC)}",
                                        score=score, day=day) for i in range(count)])
            _db.session.commit()

    return add


@pytest.fixture
def grants(app):
    """grants(user): the user's ledger rows, oldest first."""

    def read(user) -> list[XPGrant]:
        with app.app_context():
            rows = _db.session.scalars(sa.select(XPGrant).where(XPGrant.user_id == user.id)
                                       .order_by(XPGrant.id)).all()
            _db.session.expunge_all()
            return rows

    return read


@pytest.fixture
def fresh(app):
    """fresh(user): the user row as stored now."""

    def read(user) -> User:
        with app.app_context():
            row = _db.session.get(User, user.id)
            _db.session.expunge(row)
            return row

    return read
