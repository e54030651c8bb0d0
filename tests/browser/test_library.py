"""The library in a real browser: search as you type, create, edit, render live, copy, rate."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


@pytest.fixture
def seeded(app):
    from promptcraft.extensions import db
    from promptcraft.prompt_templates import service
    from promptcraft.prompt_templates.seed import seed_categories

    with app.app_context():
        seed_categories()
        for title, content, category in [
            ("Email marketing campaign", "Plan an email marketing campaign for {{product}}.", "marketing"),
            ("Code review checklist", "Review this {{language}} code for bugs: {{code}}", "coding"),
            ("Cover letter writer", "Write a cover letter for the {{role}} role at {{company}}.", "career"),
        ]:
            service.build({"title": title, "content": content, "category": category, "tags": [category]}, None)
        db.session.commit()


def test_search_as_you_type_keeps_the_url_and_back_button(page, seeded):
    page.goto("/library")
    expect(page.locator("#result-count")).to_contain_text("3 templates")
    page.fill("#q", "email marke")
    expect(page.locator("#result-count")).to_contain_text("1 template for “email marke”")
    expect(page.locator(".template-card mark").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/library\?q=email(\+|%20)marke$"))
    page.fill("#q", "cover")
    expect(page.locator(".template-card h2")).to_have_text(["Cover letter writer"])
    page.select_option("#category", "coding")
    expect(page.locator("#no-results")).to_be_visible()
    page.go_back()
    expect(page.locator(".template-card h2")).to_have_text(["Cover letter writer"])
    expect(page).to_have_url(re.compile(r"q=cover"))
    shared = page.url
    page.goto(shared)  # a shared link opens the same search
    expect(page.locator("#q")).to_have_value("cover")
    expect(page.locator(".template-card h2")).to_have_text(["Cover letter writer"])


def test_render_live_and_copy_counts_a_use(page, seeded):
    page.goto("/library")
    page.click("text=Cover letter writer")
    expect(page.locator("#missing-variables")).to_contain_text("role")
    # htmx (a deferred script) binds the form's input trigger once the page has loaded; typing
    # before that, as a slow CI browser did, sends no preview until the next keystroke.
    page.wait_for_load_state()
    page.fill("#var_role", "data engineer")
    page.fill("#var_company", "Acme")
    expect(page.locator("#rendered-text")).to_have_text("Write a cover letter for the data engineer role at Acme.")
    expect(page.locator("#missing-variables")).to_have_count(0)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#copy")
    expect(page.locator("#usage-count")).to_have_text("1 use")


def test_create_edit_and_rate(page, seeded, user, make_user):
    sign_in(page, user)
    page.goto("/library/new")
    page.fill("#title", "Meeting summary")
    page.fill("#content", "Summarise {{notes}} for {{audience}}.")
    expect(page.locator(".variable-row")).to_have_count(2)
    page.fill("#tags", "bad/tag")
    page.click("#template-form button[type=submit]")
    expect(page.locator("#field-tags .error")).to_contain_text("not a valid tag")
    page.fill("input[name=var_audience_default]", "the team")
    page.select_option("#category", "productivity")
    page.fill("#tags", "meetings, notes")
    page.click("#template-form button[type=submit]")
    expect(page.locator("#template-title")).to_have_text("Meeting summary")
    expect(page.locator("#rendered-text")).to_contain_text("for the team.")

    page.click("#edit")
    page.fill("#content", "Summarise {{notes}} in five bullets for {{audience}}.")
    page.fill("#version_note", "Bullets")
    page.click("#template-form button[type=submit]")
    expect(page.locator("#template-content")).to_contain_text("five bullets")
    expect(page.locator("#versions details")).to_have_count(2)
    expect(page.locator("#versions details[data-version='2'] .add")).to_contain_text("five bullets")

    template_url = page.url
    page.context.clear_cookies()
    sign_in(page, make_user(username="bob", email="bob@example.test"))
    page.goto(template_url)
    page.click("button[aria-label='Rate 4 out of 5']")
    expect(page.locator("#rating-summary")).to_contain_text("4.0 from 1 rating")
    expect(page.locator("#my-rating")).to_contain_text("4/5")


def test_a_field_the_browser_scrolls_to_lands_below_the_top_bar(page, seeded, user):
    sign_in(page, user)
    page.goto("/library/new")
    page.fill("#content", "Summarise {{notes}}.")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.click("#template-form button[type=submit]")  # no title: the browser scrolls back up to it
    expect(page.locator("#title")).to_be_focused()
    bar, title = page.locator(".topbar").bounding_box(), page.locator("#title").bounding_box()
    assert title["y"] >= bar["y"] + bar["height"]


def test_on_a_phone_the_library_fits_the_screen_and_the_top_bar_scrolls_away(page, seeded, user):
    """At 390 px the wrapped top bar was 240 px tall and stayed in view, and the category filter
    (as wide as its longest category) pushed the page sideways."""
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, user)
    page.goto("/library")
    expect(page.locator("#results")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".topbar").bounding_box()["height"] < 160
    page.evaluate("window.scrollTo(0, 400)")
    bar = page.locator(".topbar").bounding_box()
    assert bar["y"] + bar["height"] <= 0  # scrolled away with the page
