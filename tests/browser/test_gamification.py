"""Gamification in a real browser: an action that earns XP shows the notice, and the achievements,
streak and leaderboard pages show what was earned."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from promptcraft.gamification import seed


@pytest.fixture
def seeded(app):
    with app.app_context():
        seed.run()


def test_rating_shows_the_xp_notice_then_the_achievement_is_claimed(signed_in, seeded, make_user, make_template):
    page = signed_in
    expect(page.locator(".flash.xp")).to_have_text("+10 XP: first activity today")  # the sign-in
    template_id = make_template(owner=make_user(username="owner", email="owner@example.test"), title="Standup")
    page.goto(f"/library/{template_id}")
    page.click("#rating button[aria-label='Rate 4 out of 5']")
    toast = page.locator(".xp-toast").first
    expect(toast).to_contain_text("+3 XP")
    expect(toast).to_contain_text("template rated")
    expect(page.locator("#xp-badge")).to_have_text("Lv 1 · 13 XP")
    expect(page.locator("#my-rating")).to_have_text("You rated it 4/5.")

    page.click("nav.mainnav >> text=Achievements")
    page.wait_for_url("**/achievements")
    critic = page.locator("article[data-code=critic-bronze]")
    expect(critic.locator(".progress-text")).to_have_text("1/1")
    expect(page.locator("[data-family=critic]")).to_contain_text("bronze")
    critic.locator("button.claim").click()
    expect(page.locator("#gamification-notice")).to_have_text("Claimed “First Review”.")
    expect(page.locator(".xp-toast", has_text="+25 XP")).to_be_visible()
    expect(page.locator("#xp-total")).to_have_text("38")
    expect(critic).to_contain_text("Claimed")


def test_streak_and_leaderboard_pages(signed_in, user):
    page = signed_in
    page.goto("/streak")
    expect(page.locator("#streak-current")).to_have_text("1 day")
    expect(page.locator("#streak-calendar .day.active")).to_have_count(1)
    expect(page.locator("#spend-freeze")).to_be_disabled()

    page.click("nav.tabs >> text=Leaderboard")
    page.wait_for_url("**/leaderboard")
    expect(page.locator("#leaderboard tr.me td").nth(1)).to_contain_text(user.username)
    page.click(".period-tabs >> text=All time")
    expect(page).to_have_url(re.compile(r"/leaderboard\?period=all$"))
    expect(page.locator(".period-tabs a[aria-current=page]")).to_have_text("All time")
    expect(page.locator("#my-rank")).to_contain_text("#1")
