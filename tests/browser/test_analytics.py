"""Analytics in a real browser: the charts draw the user's real figures, the range switch redraws
them, and an A/B test's chart follows the outcomes recorded."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from promptcraft.analytics import service
from promptcraft.analytics.service import events
from promptcraft.auth.models import User
from promptcraft.extensions import db

DATASETS = "id => Chart.getChart(document.getElementById(id)).data.datasets.map(d => ({label: d.label, data: d.data}))"
LABELS = "id => Chart.getChart(document.getElementById(id)).data.labels"


@pytest.fixture
def activity(app, user):
    """Prompts two days ago, AI calls yesterday and today, as the listeners would have recorded them."""
    now = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    with app.app_context():
        rows = [events._event(user.id, events.PROMPT_RECORDED, "server", occurred_at=now - timedelta(days=2))
                for _ in range(3)]
        rows += [events._event(user.id, events.AI_CALL, "server", occurred_at=now - timedelta(days=d), tokens=t,
                               cost=c) for d, t, c in ((1, 1200, 0.02), (0, 800, 0.01))]
        rows += [events._event(user.id, events.CHAT_TURN, "server", occurred_at=now - timedelta(days=20))]
        db.session.add_all(rows)
        db.session.commit()


def test_dashboard_charts_draw_the_user_s_figures_and_the_range_switch_redraws(signed_in, activity):
    page = signed_in
    page.goto("/analytics?days=7")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-activity'))")
    assert len(page.evaluate(LABELS, "chart-activity")) == 7
    activity_sets = {d["label"]: d["data"] for d in page.evaluate(DATASETS, "chart-activity")}
    assert activity_sets["Prompts created"] == [0, 0, 0, 0, 3, 0, 0]
    assert sum(activity_sets["Chat turns"]) == 0  # twenty days ago is outside the 7 days
    usage = {d["label"]: d["data"] for d in page.evaluate(DATASETS, "chart-usage")}
    assert usage["Tokens"][-2:] == [1200, 800] and usage["Cost (USD)"][-2:] == [0.02, 0.01]
    expect(page.locator("[data-total=tokens] .stat")).to_have_text("2,000")

    page.click(".range-switch >> text=30 days")
    expect(page).to_have_url(re.compile(r"/analytics\?days=30$"))
    # Null-safe: while htmx swaps the figures in, the new canvas has no chart yet.
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-activity'))?.data.labels.length === 30")
    chats = {d["label"]: d["data"] for d in page.evaluate(DATASETS, "chart-activity")}["Chat turns"]
    assert sum(chats) == 1 and chats[-21] == 1
    expect(page.locator(".range-switch a[aria-current=page]")).to_have_text("30 days")


def test_ab_test_page_charts_its_results(signed_in, app, user):
    page = signed_in
    page.goto("/analytics/ab-tests")
    page.fill("#name", "Greeting")
    page.fill("#metric", "reply received")
    page.fill("#min_sample", "4")
    page.fill("#variants", "Hello there\nHi!")
    page.click("#ab-test-form button[type=submit]")
    page.wait_for_url("**/analytics/ab-tests/*")
    expect(page.locator("#ab-state")).to_have_text("not enough data")
    test_id = int(page.url.rstrip("/").split("/")[-1])
    with app.app_context():
        owner = db.session.get(User, user.id)
        for key, outcomes in (("A", [True, False, False, False]), ("B", [True, True, True, False])):
            for success in outcomes:
                service.record_outcome(owner, test_id, {"variant": key, "success": success})
    page.select_option("#variant", "B")
    page.select_option("#success", "true")
    page.click("#outcome-form button[type=submit]")
    expect(page.locator("#ab-state")).to_have_text("ready")
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-ab'))?.data.datasets.length === 2")
    sets = {d["label"]: d["data"] for d in page.evaluate(DATASETS, "chart-ab")}
    assert sets["Success rate"] == [0.25, 0.8]
    a, b = sets["Probability best"]
    assert b > 0.85 and a == pytest.approx(1 - b, abs=1e-3)
    expect(page.locator("#ab-variants tr.winner")).to_have_attribute("data-variant", "B")


def test_template_analytics_page_charts_views_and_uses(signed_in, app, user, make_template):
    template_id = make_template(owner=user, title="Standup notes")
    with app.app_context():
        db.session.add_all([events._event(None, events.TEMPLATE_VIEWED, "server", template_id=template_id)
                            for _ in range(4)])
        db.session.commit()
    page = signed_in
    page.goto("/analytics/templates")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-templates'))")
    sets = {d["label"]: d["data"] for d in page.evaluate(DATASETS, "chart-templates")}
    assert sets == {"Views": [4], "Uses": [0]}
    expect(page.locator("#template-stats")).to_contain_text("Standup notes")
