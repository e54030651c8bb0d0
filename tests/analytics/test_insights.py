"""user-insights/: strengths and suggestions from the caller's own data, with the figures behind them."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from promptcraft.analytics.service import events
from promptcraft.db_types import utcnow
from promptcraft.history import service as history
from promptcraft.history.models import PromptHistory
from promptcraft.prompt_templates.models import TemplateUsage

URL = "/api/v2/analytics/user-insights/"


@pytest.fixture
def scored(db, user):
    """Scores rising from about 5 (31-60 days ago) to about 8 (the last 30 days), plus two weak prompts."""

    def add(text, score, days_ago):
        entry = history.record_prompt(user.id, text, source="manual", quality_score=score)
        db.session.execute(sa.update(PromptHistory).where(PromptHistory.id == entry.id)
                           .values(created_at=utcnow() - timedelta(days=days_ago)))
        db.session.commit()
        return entry.id

    for days_ago, score in [(40, 5.0), (45, 5.5), (50, 4.5)]:
        add("Write an essay about the history of Rome for students", score, days_ago)
    for days_ago, score in [(2, 8.5), (5, 9.0), (10, 8.0), (12, 8.5)]:
        add("You are an editor. Rewrite this paragraph for executives in three bullet points.", score, days_ago)
    return {"weak": add("write something", 2.0, 3), "meh": add("help me with email", 5.5, 4)}


def test_score_trend_compares_the_last_30_days_with_the_30_before(client, auth, user, scored):
    body = client.get(URL, headers=auth.headers(user)).json
    trend = body["score_trend"]
    assert trend["recent_count"] == 6 and trend["previous_count"] == 3
    assert trend["recent_average"] == pytest.approx((8.5 + 9 + 8 + 8.5 + 2 + 5.5) / 6, abs=0.01)
    assert trend["previous_average"] == 5.0
    assert trend["direction"] == "up" and trend["change"] == pytest.approx(trend["recent_average"] - 5.0, abs=0.01)
    rising = next(item for item in body["strengths"] if item["kind"] == "trend")
    assert rising["figures"] == {"previous": 5.0, "recent": trend["recent_average"], "change": trend["change"]}


def test_low_scoring_prompts_come_with_tips_and_a_link(client, auth, user, scored):
    body = client.get(URL, headers=auth.headers(user)).json
    low = body["low_scoring_prompts"]
    assert [p["quality_score"] for p in low] == [2.0, 4.5, 5.0, 5.5, 5.5]  # lowest first, below 6 only
    assert low[0]["entry_id"] == scored["weak"] and low[3]["entry_id"] == scored["meh"]  # then newest first
    assert low[0]["quality_score"] == 2.0 and low[0]["prompt"] == "write something"
    assert low[0]["tips"] and all(isinstance(tip, str) for tip in low[0]["tips"])
    assert low[0]["improve_url"].startswith("/optimizer?prompt=write")
    suggestion = next(item for item in body["suggestions"] if item["kind"] == "low_scores")
    assert suggestion["figures"]["lowest"] == 2.0 and suggestion["figures"]["count"] == len(low)


def test_falling_scores_are_a_suggestion(client, auth, user, db):
    for days_ago, score in [(3, 4.0), (40, 8.0)]:
        entry = history.record_prompt(user.id, "A prompt", source="manual", quality_score=score)
        db.session.execute(sa.update(PromptHistory).where(PromptHistory.id == entry.id)
                           .values(created_at=utcnow() - timedelta(days=days_ago)))
        db.session.commit()
    body = client.get(URL, headers=auth.headers(user)).json
    assert body["score_trend"]["direction"] == "down"
    slipped = next(item for item in body["suggestions"] if item["kind"] == "trend")
    assert slipped["figures"] == {"previous": 8.0, "recent": 4.0, "change": -4.0}


def test_favourite_categories_and_reach_of_own_templates(client, auth, user, db, make_user, make_template):
    code = make_template(owner=None, title="Review", category="coding")
    mail = make_template(owner=user, title="Mail", category="communication")
    fan = make_user(username="fan", email="fan@example.test")
    db.session.add_all([TemplateUsage(template_id=code, user_id=user.id, kind="render") for _ in range(3)]
                       + [TemplateUsage(template_id=mail, user_id=user.id, kind="render"),
                          TemplateUsage(template_id=mail, user_id=fan.id, kind="chat"),
                          TemplateUsage(template_id=mail, user_id=fan.id, kind="render")])
    db.session.commit()
    body = client.get(URL, headers=auth.headers(user)).json
    assert [(c["slug"], c["uses"], c["share"]) for c in body["favourite_categories"]] == [
        ("coding", 3, 0.75), ("communication", 1, 0.25)]
    reach = next(item for item in body["strengths"] if item["kind"] == "reach")
    assert reach["figures"] == {"uses": 2, "people": 1}
    focus = next(item for item in body["strengths"] if item["kind"] == "focus")
    assert focus["url"] == "/library?category=coding"


def test_features_never_tried_are_listed_with_links(client, auth, user, add_events):
    add_events(user, events.CHAT_TURN)
    add_events(user, events.SEARCH)
    body = client.get(URL, headers=auth.headers(user)).json
    never = {item["feature"]: item for item in body["features_never_tried"]}
    assert "chat" not in never and "search" not in never
    assert never["templates"]["url"] == "/library" and never["create_template"]["url"] == "/library/new"
    assert never["askme"]["url"] == "/askme"
    assert {item["title"] for item in body["suggestions"] if item["kind"] == "feature"} == {
        item["label"] for item in never.values()}


def test_steady_practice_counts_active_days(client, auth, user, add_events):
    for day in range(12):
        add_events(user, "opened", days_ago=day)
    body = client.get(URL, headers=auth.headers(user)).json
    assert body["active_days"] == 12
    assert next(item for item in body["strengths"] if item["kind"] == "consistency")["figures"] == {"active_days": 12}


def test_a_new_user_gets_suggestions_and_no_strengths(client, auth, user):
    body = client.get(URL, headers=auth.headers(user)).json
    assert body["strengths"] == []
    assert body["score_trend"]["scored_prompts"] == 0
    assert any(item["kind"] == "no_scores" for item in body["suggestions"])
