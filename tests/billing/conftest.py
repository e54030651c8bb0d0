"""Billing fixtures: seeded plans, and Stripe events signed with the library's own scheme."""
from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest
import stripe

from promptcraft.billing import seed
from promptcraft.extensions import db as _db
from tests.fakes.stripe import PRICES, WEBHOOK_SECRET

WEBHOOK = "/api/v2/billing/webhooks/stripe/"
_ids = itertools.count(1)


@pytest.fixture
def plans(app):
    with app.app_context():
        seed.run()
        _db.session.remove()


@pytest.fixture
def stripe_webhooks(app, monkeypatch):
    """Configure the webhook secret and the price ids (no API key: webhooks need none)."""
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setitem(app.config, "STRIPE_PRICES", dict(PRICES))


def event(type_: str, obj: dict[str, Any], *, created: int | None = None, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_test_{next(_ids)}", "object": "event", "api_version": "2026-10-28.endive",
            "type": type_, "created": created or int(time.time()), "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "data": {"object": obj}}


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header, computed by the library's own scheme (t=…,v1=HMAC-SHA256)."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


@pytest.fixture
def deliver(client, stripe_webhooks):
    """POST an event the way Stripe does: the raw JSON body, signed."""

    def post(evt: dict, *, signature: str | None = None, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
        payload = json.dumps(evt)
        header = signature if signature is not None else sign(payload, secret, timestamp)
        return client.post(WEBHOOK, data=payload, content_type="application/json",
                           headers={"Stripe-Signature": header} if header else {})

    return post


def subscription_object(user, *, plan: str = "pro", status: str = "active", sub_id: str = "sub_test_1",
                        customer: str = "cus_test_1", period_end: int | None = None,
                        cancel_at_period_end: bool = False, price: str | None = "default") -> dict:
    now = int(time.time())
    item: dict[str, Any] = {"id": "si_test_1", "object": "subscription_item", "quantity": 1,
                            "current_period_start": now, "current_period_end": period_end or now + 30 * 86400}
    if price is not None:
        item["price"] = {"id": PRICES[plan] if price == "default" else price, "object": "price",
                         "recurring": {"interval": "month"}}
    return {"id": sub_id, "object": "subscription", "customer": customer, "status": status,
            "cancel_at_period_end": cancel_at_period_end, "metadata": {"user_id": str(user.id), "plan": plan},
            "items": {"object": "list", "data": [item]}}


def invoice_object(*, invoice_id: str = "in_test_1", customer: str = "cus_test_1", sub_id: str = "sub_test_1",
                   plan: str = "pro", user=None) -> dict:
    return {"id": invoice_id, "object": "invoice", "customer": customer, "status": "paid",
            "billing_reason": "subscription_cycle",
            "parent": {"type": "subscription_details", "subscription_details": {
                "subscription": sub_id, "metadata": {"user_id": str(user.id)} if user else {}}},
            "lines": {"object": "list", "data": [{"id": "il_1", "object": "line_item", "pricing": {
                "type": "price_details", "price_details": {"price": PRICES[plan], "product": "prod_1"}}}]}}
