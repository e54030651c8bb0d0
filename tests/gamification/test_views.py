"""Gamification pages, htmx fragments, and the XP notice after any action that earned XP."""
from __future__ import annotations

import json
import re

import sqlalchemy as sa

from promptcraft.extensions import db
from promptcraft.gamification.models import Achievement


def test_signing_in_through_the_page_shows_the_xp_notice_on_the_next_page(client, auth, user):
    auth.cookie_login(user)
    html = client.get("/").get_data(as_text=True)
    assert 'class="flash xp"' in html and "+10 XP: first activity today" in html
    assert "+10 XP" not in client.get("/").get_data(as_text=True)  # shown once


def test_an_htmx_action_that_earns_xp_carries_the_event(client, auth, user, make_user, make_template):
    template_id = make_template(owner=make_user(username="owner", email="owner@example.test"))
    csrf = auth.cookie_login(user)
    client.get("/")  # the sign-in notice is shown here
    response = client.post(f"/library/{template_id}/rate", data={"score": "5"},
                           headers={"HX-Request": "true", "X-CSRF-TOKEN": csrf})
    assert response.status_code == 200
    event = json.loads(response.headers["HX-Trigger"])["xp-granted"]
    assert event == {"amount": 3, "reasons": ["template rated"]}  # the owner's XP is not the rater's notice
    assert "+3 XP" not in client.get("/").get_data(as_text=True)  # htmx showed it; no flash later


def test_requests_that_earn_nothing_carry_no_event(client, auth, user):
    headers = auth.headers(user)
    response = client.get("/api/v2/gamification/user-level/", headers=headers)
    assert response.status_code == 200 and "HX-Trigger" not in response.headers
    assert response.json["xp"] == 10 and response.json["xp_to_next"] == 90 and response.json["rank"] == "Prompt Novice"


def test_achievements_page_shows_progress_badges_and_challenges(client, auth, user, seeded, add_actions):
    add_actions(user, "template_created", count=3)
    auth.cookie_login(user)
    html = client.get("/achievements").get_data(as_text=True)
    assert "<h1>Achievements</h1>" in html and 'id="badges"' in html and 'id="daily-challenges"' in html
    assert 'aria-label="Prolific Author" aria-valuemin="0" aria-valuemax="100" aria-valuenow="30"' in html
    assert 'data-family="author"' in html and "Claim reward" in html


def test_claiming_from_the_page_redraws_it_with_the_notice(app, client, auth, user, seeded, add_actions):
    add_actions(user, "template_created")
    csrf = auth.cookie_login(user)
    with app.app_context():
        achievement_id = db.session.scalar(sa.select(Achievement.id).where(Achievement.code == "author-bronze"))
    headers = {"HX-Request": "true", "X-CSRF-TOKEN": csrf}
    response = client.post(f"/achievements/{achievement_id}/claim", headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.strip().startswith('<div id="gamification-body">')
    article = re.search(r'data-code="author-bronze">(.*?)</article>', html, re.S).group(1)
    assert "Claimed “First Draft”." in html and "Claimed 20" in article and "Claim reward" not in article
    assert json.loads(response.headers["HX-Trigger"])["xp-granted"]["amount"] == 25
    again = client.post(f"/achievements/{achievement_id}/claim", headers=headers).get_data(as_text=True)
    assert "claimed already" in again


def test_streak_page_draws_the_calendar(client, auth, user, add_actions):
    add_actions(user, "chat_turn", days_ago=2)
    auth.cookie_login(user)
    html = client.get("/streak").get_data(as_text=True)
    assert 'id="streak-calendar"' in html and html.count('class="day active"') == 2
    assert 'id="streak-current">1 day<' in html and 'id="streak-freezes">0/2<' in html


def test_spending_a_freeze_without_one_says_why(client, auth, user):
    csrf = auth.cookie_login(user)
    response = client.post("/streak/freeze", headers={"HX-Request": "true", "X-CSRF-TOKEN": csrf})
    assert "no streak freeze" in response.get_data(as_text=True)


def test_leaderboard_tabs_swap_the_body(client, auth, user):
    auth.cookie_login(user)
    html = client.get("/leaderboard").get_data(as_text=True)
    assert 'data-period="week" aria-current="page"' in html and "Your rank: <strong>#1</strong>" in html
    fragment = client.get("/leaderboard?period=all", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'data-period="all" aria-current="page"' in fragment
    assert client.get("/leaderboard?period=year").status_code == 400


def test_pages_need_a_signed_in_user(client):
    for url in ("/achievements", "/streak", "/leaderboard"):
        response = client.get(url)
        assert response.status_code == 303 and "/login" in response.headers["Location"]
