"""Analytics pages: full pages, htmx fragments, the A/B test forms."""
from __future__ import annotations

import json
import re

from promptcraft.analytics import service
from promptcraft.analytics.models import ABOutcome, ABTest
from promptcraft.analytics.service import events
from promptcraft.auth.models import User


def _chart(html: str, canvas_id: str) -> dict:
    match = re.search(rf'id="{canvas_id}"[^>]*data-chart=\'([^\']*)\'', html)
    assert match, canvas_id
    return json.loads(match.group(1))


def test_dashboard_page_embeds_the_chart_data(client, auth, user, add_events):
    add_events(user, events.PROMPT_RECORDED, days_ago=1, count=4)
    add_events(user, events.AI_CALL, days_ago=0, tokens=500, cost=0.01)
    auth.cookie_login(user)
    html = client.get("/analytics?days=7").get_data(as_text=True)
    assert "<h1>Analytics</h1>" in html and "chart-4.6.1.umd.min.js" in html
    activity = _chart(html, "chart-activity")
    assert len(activity["labels"]) == 7
    assert activity["datasets"][0]["label"] == "Prompts created" and activity["datasets"][0]["data"][-2] == 4
    usage = _chart(html, "chart-usage")
    assert usage["datasets"][0]["data"][-1] == 500 and usage["datasets"][1]["data"][-1] == 0.01
    assert 'aria-current="page">7 days' in html


def test_range_switch_returns_the_fragment_for_htmx(client, auth, user):
    auth.cookie_login(user)
    response = client.get("/analytics?days=90", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<div id="analytics-body">')
    assert len(_chart(html, "chart-activity")["labels"]) == 90
    assert client.get("/analytics?days=3").status_code == 400


def test_pages_need_a_signed_in_user(client):
    for url in ("/analytics", "/analytics/templates", "/analytics/ab-tests"):
        response = client.get(url)
        assert response.status_code == 303 and "/login" in response.headers["Location"]


def test_template_analytics_page_lists_the_caller_s_templates(client, auth, user, make_template, add_events):
    mine = make_template(owner=user, title="My <b>template</b>")
    add_events(user, events.TEMPLATE_VIEWED, template_id=mine, count=3)
    auth.cookie_login(user)
    html = client.get("/analytics/templates").get_data(as_text=True)
    assert "My &lt;b&gt;template&lt;/b&gt;" in html
    chart = _chart(html, "chart-templates")
    assert chart["datasets"][0]["data"] == [3] and chart["labels"] == ["My <b>template</b>"]


def test_create_an_ab_test_from_the_form(client, auth, user, db):
    csrf = auth.cookie_login(user)
    bad = client.post("/analytics/ab-tests", data={"csrf_token": csrf, "name": "Greeting", "metric": "reply",
                                                  "metric_type": "binary", "goal": "maximize", "min_sample": "10",
                                                  "variants": "Only one line"})
    assert bad.status_code == 200 and "A test has between 2 and 10 variants." in bad.get_data(as_text=True)
    assert db.session.scalars(db.select(ABTest)).all() == []
    created = client.post("/analytics/ab-tests", data={"csrf_token": csrf, "name": "Greeting", "metric": "reply",
                                                      "metric_type": "binary", "goal": "maximize", "min_sample": "10",
                                                      "variants": "Hello there\nHi!\n"})
    assert created.status_code == 303
    test = db.session.scalars(db.select(ABTest)).one()
    assert [v.text for v in test.variants] == ["Hello there", "Hi!"] and test.min_sample == 10
    assert created.headers["Location"].endswith(f"/analytics/ab-tests/{test.id}")


def test_record_an_outcome_from_the_page_redraws_the_results(client, auth, user, db):
    csrf = auth.cookie_login(user)
    client.post("/analytics/ab-tests", data={"csrf_token": csrf, "name": "T", "metric": "m", "metric_type": "binary",
                                             "goal": "maximize", "min_sample": "1", "variants": "a\nb"})
    test = db.session.scalars(db.select(ABTest)).one()
    response = client.post(f"/analytics/ab-tests/{test.id}/outcomes", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf, "variant": "B", "success": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.strip().startswith('<div id="ab-results">')
    assert db.session.scalars(db.select(ABOutcome)).one().success is True
    assert _chart(html, "chart-ab")["datasets"][0]["data"] == [None, 1.0]
    assigned = client.post(f"/analytics/ab-tests/{test.id}/assign", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf, "subject": "visitor-1"}).get_data(as_text=True)
    assert "“visitor-1” gets variant" in assigned
    stopped = client.post(f"/analytics/ab-tests/{test.id}/stop", headers={"HX-Request": "true"},
                          data={"csrf_token": csrf})
    assert stopped.status_code == 204 and stopped.headers["HX-Redirect"].endswith(f"/analytics/ab-tests/{test.id}")
    assert "Record an outcome" not in client.get(f"/analytics/ab-tests/{test.id}").get_data(as_text=True)


def test_someone_else_s_ab_test_page_is_404(client, auth, db, user, make_user):
    other = make_user(username="olga", email="olga@example.test")
    test = service.create_test(db.session.get(User, other.id), {"name": "x", "metric": "m",
                                                                "variants": [{"text": "a"}, {"text": "b"}]})
    auth.cookie_login(user)
    assert client.get(f"/analytics/ab-tests/{test.id}").status_code == 404
