"""template-analytics/: figures per template the caller owns (every template for staff)."""
from __future__ import annotations

from datetime import timedelta

from promptcraft.analytics.service import events
from promptcraft.db_types import utcnow
from promptcraft.prompt_templates.models import TemplateUsage

URL = "/api/v2/analytics/template-analytics/"


def _uses(db, template_id, user_id, count=1, days_ago=0):
    db.session.add_all([TemplateUsage(template_id=template_id, user_id=user_id, kind="render",
                                      created_at=utcnow() - timedelta(days=days_ago)) for _ in range(count)])
    db.session.commit()


def test_owner_sees_views_uses_unique_users_conversion_and_trend(client, auth, db, user, make_user, make_template,
                                                                   add_events):
    mine = make_template(owner=user, title="Mine")
    make_template(owner=None, title="Library")
    a, b, c = (make_user(username=n, email=f"{n}@example.test") for n in ("ann", "ben", "cat"))
    for viewer in (a, b, c):
        add_events(viewer, events.TEMPLATE_VIEWED, template_id=mine)
    add_events(None, events.TEMPLATE_VIEWED, template_id=mine, count=2)  # anonymous views count as views
    add_events(a, events.TEMPLATE_VIEWED, template_id=mine, days_ago=40)  # outside the period
    _uses(db, mine, a.id, count=2)
    _uses(db, mine, b.id, count=1, days_ago=3)
    _uses(db, mine, None, count=1)
    _uses(db, mine, c.id, count=2, days_ago=45)  # the previous 30 days
    response = client.get(URL, headers=auth.headers(user))
    assert response.status_code == 200
    assert response.json["count"] == 1
    [row] = response.json["results"]
    assert row["template_id"] == mine and row["title"] == "Mine"
    assert (row["views"], row["uses"], row["unique_users"]) == (5, 4, 2)
    assert row["conversion"] == {"viewers": 3, "users": 2, "rate": 0.6667}
    assert row["trend"] == {"previous_uses": 2, "change": 100.0, "direction": "up"}
    assert row["rating"] == {"average": 0.0, "count": 0}


def test_staff_see_every_template_and_others_nothing_of_theirs(client, auth, user, staff, make_user, make_template):
    make_template(owner=user, title="Mine")
    make_template(owner=None, title="Library")
    stranger = make_user(username="stranger", email="s@example.test")
    assert client.get(URL, headers=auth.headers(staff)).json["count"] == 2
    assert client.get(URL, headers=auth.headers(stranger)).json == {"results": [], "count": 0,
                                                                    "count_capped": False, "page": 1, "pages": 1}


def test_period_and_ordering_are_validated(client, auth, user, make_template):
    make_template(owner=user, title="B")
    make_template(owner=user, title="A")
    headers = auth.headers(user)
    titles = [r["title"] for r in client.get(URL + "?ordering=title&days=7", headers=headers).json["results"]]
    assert titles == ["A", "B"]
    assert client.get(URL + "?ordering=views", headers=headers).status_code == 400
    assert client.get(URL + "?days=8", headers=headers).status_code == 400
