"""Plans in a real browser: the current plan is marked, usage meters show real rows, and Upgrade
lands on the (fake) Stripe Checkout page."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from promptcraft.ai.gateway import gateway, record
from promptcraft.ai.types import Usage
from promptcraft.billing import seed


def _seed_and_use(app, user, calls: int) -> None:
    with app.app_context():
        seed.run()
        for _ in range(calls):
            record(user.id, "chat", gateway().providers["local"], "promptcraft-local",
                   Usage(prompt_tokens=40, completion_tokens=20), status="ok")


def test_plans_page_marks_the_current_plan_and_shows_usage(signed_in, app, user, fake_stripe):
    _seed_and_use(app, user, 3)
    page = signed_in
    page.click("nav >> text=Plans")
    expect(page).to_have_url(re.compile(r"/plans$"))
    expect(page.locator("article.plan.current")).to_have_attribute("data-plan", "free")
    expect(page.locator("article.plan.current .badge")).to_have_text("Current plan")
    expect(page.locator("[data-meter=ai_daily_requests] .meter-figures")).to_have_text("3 / 50")
    expect(page.locator("[data-meter=ai_daily_tokens] .meter-figures")).to_have_text("180 / 50,000")
    assert page.locator("[data-meter=ai_daily_requests] meter").evaluate("m => m.value") == 3


def test_upgrade_goes_to_stripe_checkout(signed_in, app, user, fake_stripe):
    _seed_and_use(app, user, 0)
    page = signed_in
    page.goto("/plans")
    page.click("article[data-plan=pro] button:has-text('Upgrade to Pro')")
    page.wait_for_url(f"{fake_stripe.url}/c/pay/cs_test_*")
    expect(page.locator("h1")).to_have_text("Fake Stripe Checkout")
    [session] = fake_stripe.calls("/v1/checkout/sessions")
    assert session["params"]["client_reference_id"] == str(user.id)
    assert session["params"]["metadata"]["plan"] == "pro"


def test_without_stripe_the_page_says_so(signed_in, app, user):
    _seed_and_use(app, user, 0)
    page = signed_in
    page.goto("/plans")
    expect(page.locator("#billing-not-configured")).to_be_visible()
    expect(page.locator(".upgrade-form")).to_have_count(0)
