"""dashboard/: per-day series, totals against the period before, top templates and categories."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from promptcraft.analytics import service
from promptcraft.analytics.service import events
from promptcraft.auth.models import User
from promptcraft.history import service as history
from promptcraft.prompt_templates import service as templates

URL = "/api/v2/analytics/dashboard/"


@pytest.fixture
def activity(user, make_user, make_template, add_events):
    """Ada's last two weeks, and someone else's events that must not show."""
    email = make_template(owner=None, title="Status email", category="communication")
    code = make_template(owner=None, title="Code review", category="coding")
    add_events(user, events.PROMPT_RECORDED, days_ago=0, count=3)
    add_events(user, events.PROMPT_RECORDED, days_ago=2, count=1)
    add_events(user, events.PROMPT_RECORDED, days_ago=9, count=2)  # the previous 7-day period
    add_events(user, events.TEMPLATE_USED, days_ago=1, count=3, template_id=code)
    add_events(user, events.TEMPLATE_USED, days_ago=1, count=1, template_id=email)
    add_events(user, events.CHAT_TURN, days_ago=3, count=2)
    add_events(user, events.AI_CALL, days_ago=3, count=2, tokens=150, cost=0.0015)
    add_events(user, events.AI_CALL, days_ago=8, count=1, tokens=100, cost=0.001)
    add_events(user, "button_clicked", days_ago=0, count=5)  # a client event: not a dashboard figure
    other = make_user(username="bob", email="bob@example.test")
    add_events(other, events.PROMPT_RECORDED, days_ago=0, count=7)
    return {"email": email, "code": code}


def test_series_has_one_row_per_day_with_zeros_between(client, auth, user, activity):
    response = client.get(URL + "?days=7", headers=auth.headers(user))
    assert response.status_code == 200
    body = response.json
    today = datetime.now(UTC).date()
    assert body["days"] == 7
    assert body["end"] == today.isoformat() and body["start"] == (today - timedelta(days=6)).isoformat()
    assert [day["date"] for day in body["series"]] == [(today - timedelta(days=6 - i)).isoformat() for i in range(7)]
    by_date = {day["date"]: day for day in body["series"]}
    assert by_date[today.isoformat()]["prompts"] == 3
    assert by_date[(today - timedelta(days=1)).isoformat()]["templates_used"] == 4
    three_ago = by_date[(today - timedelta(days=3)).isoformat()]
    assert (three_ago["chats"], three_ago["tokens"], three_ago["cost"]) == (2, 300, 0.003)
    assert by_date[(today - timedelta(days=5)).isoformat()] == {
        "date": (today - timedelta(days=5)).isoformat(), "prompts": 0, "templates_used": 0, "chats": 0, "tokens": 0,
        "cost": 0}


def test_totals_compare_with_the_period_before(client, auth, user, activity):
    totals = client.get(URL + "?days=7", headers=auth.headers(user)).json["totals"]
    assert totals["prompts"] == {"value": 4, "previous": 2, "change": 100.0}
    assert totals["tokens"] == {"value": 300, "previous": 100, "change": 200.0}
    assert totals["cost"]["value"] == pytest.approx(0.003) and totals["cost"]["previous"] == pytest.approx(0.001)
    assert totals["templates_used"] == {"value": 4, "previous": 0, "change": None}
    assert totals["chats"]["value"] == 2


def test_longer_ranges_take_in_older_days(client, auth, user, activity):
    totals = client.get(URL + "?days=30", headers=auth.headers(user)).json["totals"]
    assert totals["prompts"] == {"value": 6, "previous": 0, "change": None}
    assert len(client.get(URL + "?days=90", headers=auth.headers(user)).json["series"]) == 90


def test_top_templates_and_categories(client, auth, user, activity):
    body = client.get(URL + "?days=7", headers=auth.headers(user)).json
    assert body["top_templates"] == [{"template_id": activity["code"], "title": "Code review", "uses": 3},
                                     {"template_id": activity["email"], "title": "Status email", "uses": 1}]
    assert [(c["slug"], c["uses"]) for c in body["top_categories"]] == [("coding", 3), ("communication", 1)]


def test_other_users_see_only_their_own(client, auth, make_user, activity):
    bob = make_user(username="bobby", email="bobby@example.test")
    body = client.get(URL, headers=auth.headers(bob)).json
    assert body["totals"]["prompts"]["value"] == 0 and body["top_templates"] == []


def test_default_range_is_30_days_and_others_are_refused(client, auth, user):
    headers = auth.headers(user)
    assert client.get(URL, headers=headers).json["days"] == 30
    for days in ("15", "0", "abc"):
        response = client.get(URL + f"?days={days}", headers=headers)
        assert response.status_code == 400 and response.json["error"]["code"] == "validation_error"
    assert client.get(URL).status_code == 401


def test_dashboard_counts_the_product_s_own_events(db, user, make_template):
    """End to end: the listeners' rows are what the dashboard adds up."""
    template_id = make_template(owner=None)
    history.record_prompt(user.id, "Plan a trip", source="manual")
    templates.render_template(template_id, db.session.get(User, user.id), {"team": "a", "topic": "b"})
    figures = service.dashboard(user.id, 7)
    assert figures["totals"]["prompts"]["value"] == 1
    assert figures["totals"]["templates_used"]["value"] == 1
    assert figures["series"][-1]["prompts"] == 1
