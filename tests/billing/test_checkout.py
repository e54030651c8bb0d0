"""Checkout and the billing portal against a fake Stripe speaking Stripe's wire format."""
from __future__ import annotations

import sqlalchemy as sa

from promptcraft.billing.models import BillingCustomer
from tests.billing.conftest import event, subscription_object
from tests.fakes.stripe import PRICES

CHECKOUT = "/api/v2/billing/checkout/"
PORTAL = "/api/v2/billing/portal/"


def test_checkout_creates_a_subscription_session_for_the_plan_price(client, auth, user, plans, fake_stripe, db):
    response = client.post(CHECKOUT, json={"plan": "pro"}, headers=auth.headers(user))
    assert response.status_code == 200, response.json
    assert response.json["url"].startswith(f"{fake_stripe.url}/c/pay/cs_test_")
    [customer_call] = fake_stripe.calls("/v1/customers")
    assert customer_call["params"]["email"] == user.email
    assert customer_call["params"]["metadata"] == {"user_id": str(user.id)}
    [session_call] = fake_stripe.calls("/v1/checkout/sessions")
    params = session_call["params"]
    assert session_call["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert params["mode"] == "subscription" and params["client_reference_id"] == str(user.id)
    assert params["line_items"] == [{"price": PRICES["pro"], "quantity": "1"}]
    assert params["metadata"] == {"user_id": str(user.id), "plan": "pro"}
    assert params["subscription_data"] == {"metadata": {"user_id": str(user.id), "plan": "pro"}}
    assert params["success_url"].endswith("/plans?checkout=success")
    assert params["cancel_url"].endswith("/plans?checkout=cancelled")
    assert params["customer"] == db.session.get(BillingCustomer, user.id).stripe_customer_id


def test_checkout_reuses_the_user_s_stripe_customer(client, auth, user, plans, fake_stripe, db):
    headers = auth.headers(user)
    client.post(CHECKOUT, json={"plan": "pro"}, headers=headers)
    client.post(CHECKOUT, json={"plan": "team"}, headers=headers)
    assert len(fake_stripe.calls("/v1/customers")) == 1
    first, second = fake_stripe.calls("/v1/checkout/sessions")
    assert first["params"]["customer"] == second["params"]["customer"]
    assert second["params"]["line_items"][0]["price"] == PRICES["team"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BillingCustomer)) == 1


def test_checkout_refuses_free_unknown_and_invalid_plans(client, auth, user, plans, fake_stripe):
    headers = auth.headers(user)
    for body in ({"plan": "free"}, {"plan": "platinum"}, {"plan": 3}, {}):
        response = client.post(CHECKOUT, json=body, headers=headers)
        assert response.status_code == 400 and response.json["error"]["code"] in {"validation_error",
                                                                                 "body_required"}
    assert fake_stripe.requests == []


def test_checkout_with_a_running_subscription_is_a_conflict(client, auth, user, plans, fake_stripe, deliver):
    deliver(event("customer.subscription.created", subscription_object(user)))
    response = client.post(CHECKOUT, json={"plan": "team"}, headers=auth.headers(user))
    assert response.status_code == 409 and response.json["error"]["code"] == "already_subscribed"


def test_stripe_refusing_the_request_is_a_502(client, auth, user, plans, fake_stripe, monkeypatch, app):
    monkeypatch.setitem(app.config, "STRIPE_PRICES", {"pro": "price_that_does_not_exist"})
    response = client.post(CHECKOUT, json={"plan": "pro"}, headers=auth.headers(user))
    assert response.status_code == 502 and response.json["error"]["code"] == "stripe_error"


def test_portal_needs_a_customer_then_opens_a_session(client, auth, user, plans, fake_stripe):
    headers = auth.headers(user)
    before = client.post(PORTAL, headers=headers)
    assert before.status_code == 409 and before.json["error"]["code"] == "no_customer"
    client.post(CHECKOUT, json={"plan": "pro"}, headers=headers)
    response = client.post(PORTAL, headers=headers)
    assert response.status_code == 200 and response.json["url"].startswith(f"{fake_stripe.url}/p/session/bps_")
    [call] = fake_stripe.calls("/v1/billing_portal/sessions")
    assert call["params"]["customer"] == fake_stripe.calls("/v1/checkout/sessions")[0]["params"]["customer"]
    assert call["params"]["return_url"].endswith("/plans")


def test_without_a_stripe_key_checkout_and_portal_are_503_and_the_rest_works(client, auth, user, plans):
    headers = auth.headers(user)
    for path, body in ((CHECKOUT, {"plan": "pro"}), (PORTAL, None)):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 503 and response.json["error"]["code"] == "billing_not_configured"
    listed = client.get("/api/v2/billing/plans/", headers=headers).json
    assert listed["billing_configured"] is False and listed["current"] == "free"
    assert not any(plan["purchasable"] for plan in listed["results"])
    assert client.get("/api/v2/billing/me/usage/", headers=headers).status_code == 200
    assert client.get("/api/v2/billing/me/entitlements/", headers=headers).json["plan"] == "free"


def test_checkout_and_portal_need_a_user(client, plans):
    assert client.post(CHECKOUT, json={"plan": "pro"}).status_code == 401
    assert client.post(PORTAL).status_code == 401


def test_checkout_body_that_is_not_an_object_is_400(client, auth, user, plans, fake_stripe):
    response = client.post(CHECKOUT, json=[None, None], headers=auth.headers(user))
    assert response.status_code == 400 and fake_stripe.requests == []
