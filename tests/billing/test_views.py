"""The plans page: plans, the current one marked, usage meters, upgrade and manage buttons."""
from __future__ import annotations

from tests.billing.conftest import event, subscription_object


def test_anonymous_visitors_see_the_plans_and_an_invitation_to_sign_in(client, plans):
    page = client.get("/plans").get_data(as_text=True)
    assert 'data-plan="free"' in page and 'data-plan="team"' in page
    assert "Sign in to upgrade" in page and 'id="usage"' not in page
    assert 'id="billing-not-configured"' in page


def test_signed_in_page_marks_the_current_plan_and_shows_meters(client, auth, user, plans, fake_stripe):
    auth.cookie_login(user)
    page = client.get("/plans").get_data(as_text=True)
    assert 'class="card plan current" data-plan="free"' in page
    assert 'data-meter="ai_daily_requests"' in page and 'data-meter="private_templates"' in page
    assert "Upgrade to Pro" in page and "Upgrade to Team" in page and 'id="billing-not-configured"' not in page
    assert 'id="portal-form"' not in page  # no Stripe customer yet


def test_upgrade_redirects_htmx_to_stripe_checkout(client, auth, user, plans, fake_stripe):
    csrf = auth.cookie_login(user)
    response = client.post("/plans/checkout", data={"plan": "pro", "csrf_token": csrf},
                           headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith(f"{fake_stripe.url}/c/pay/cs_test_")
    manage = client.post("/plans/portal", data={"csrf_token": csrf}, headers={"HX-Request": "true"})
    assert manage.headers["HX-Redirect"].startswith(f"{fake_stripe.url}/p/session/")


def test_subscribers_see_their_plan_and_the_manage_button(client, auth, user, plans, fake_stripe, deliver):
    deliver(event("customer.subscription.created", subscription_object(user, plan="team")))
    auth.cookie_login(user)
    page = client.get("/plans").get_data(as_text=True)
    assert 'class="card plan current" data-plan="team"' in page and 'id="portal-form"' in page
    assert "Upgrade to Pro" not in page  # plan changes go through the portal


def test_upgrade_without_stripe_shows_the_error(client, auth, user, plans):
    csrf = auth.cookie_login(user)
    response = client.post("/plans/checkout", data={"plan": "pro", "csrf_token": csrf},
                           headers={"HX-Request": "true"})
    assert response.status_code == 503 and "not configured" in response.get_data(as_text=True)
