"""Analytics fixtures: events written at chosen days in the past, as the listeners would write them."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from promptcraft.analytics.service import events
from promptcraft.extensions import db as _db


@pytest.fixture
def add_events(app):
    """add_events(user, name, days_ago=0, count=1, template_id=None, tokens=0, cost=0.0): server events."""

    def add(user, name, days_ago=0, count=1, **fields):
        when = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
        with app.app_context():
            _db.session.add_all([events._event(user.id if user else None, name, "server", occurred_at=when, **fields)
                                 for _ in range(count)])
            _db.session.commit()

    return add
