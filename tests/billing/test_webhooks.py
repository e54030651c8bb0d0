"""Stripe webhooks: verified by the library, applied once, never undone by an older event."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.billing.models import BillingCustomer, InvoiceCredit, StripeEvent, Subscription
from tests.billing.conftest import WEBHOOK, event, invoice_object, sign, subscription_object


def _subscription(db, user):
    db.session.expire_all()
    return db.session.scalar(sa.select(Subscription).where(Subscription.user_id == user.id))


def test_subscription_created_puts_the_user_on_the_plan(deliver, plans, user, db, client, auth):
    response = deliver(event("customer.subscription.created", subscription_object(user, plan="pro")))
    assert response.status_code == 200 and response.json["outcome"] == "applied"
    sub = _subscription(db, user)
    assert (sub.plan.code, sub.status, sub.stripe_subscription_id) == ("pro", "active", "sub_test_1")
    assert sub.current_period_end > datetime.now(UTC) + timedelta(days=29)
    assert db.session.get(BillingCustomer, user.id).stripe_customer_id == "cus_test_1"
    entitled = client.get("/api/v2/billing/me/entitlements/", headers=auth.headers(user)).json
    assert entitled["plan"] == "pro" and entitled["models"] is None


def test_plan_comes_from_metadata_when_the_price_is_unknown(deliver, plans, user, db):
    deliver(event("customer.subscription.created", subscription_object(user, plan="team", price="price_unknown")))
    assert _subscription(db, user).plan.code == "team"


def test_missing_or_forged_signature_is_refused_and_changes_nothing(deliver, plans, user, db, client):
    evt = event("customer.subscription.created", subscription_object(user))
    missing = client.post(WEBHOOK, data=json.dumps(evt), content_type="application/json")
    forged = deliver(evt, secret="whsec_someone_else")
    garbage = deliver(evt, signature="t=123,v1=deadbeef")
    assert [r.status_code for r in (missing, forged, garbage)] == [400, 400, 400]
    assert forged.json["error"]["code"] == "invalid_signature"
    assert _subscription(db, user) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StripeEvent)) == 0


def test_tampered_body_fails_verification(deliver, plans, user, db, client):
    evt = event("customer.subscription.created", subscription_object(user, plan="pro"))
    header = sign(json.dumps(evt))
    evt["data"]["object"]["metadata"]["plan"] = "team"
    response = client.post(WEBHOOK, data=json.dumps(evt), content_type="application/json",
                           headers={"Stripe-Signature": header})
    assert response.status_code == 400 and _subscription(db, user) is None


def test_signature_older_than_the_tolerance_is_refused(deliver, plans, user, db):
    expired = deliver(event("customer.subscription.created", subscription_object(user)),
                      timestamp=int(time.time()) - 301)
    assert expired.status_code == 400 and _subscription(db, user) is None
    recent = deliver(event("customer.subscription.created", subscription_object(user)),
                     timestamp=int(time.time()) - 200)
    assert recent.status_code == 200 and _subscription(db, user) is not None


def test_replayed_event_is_acknowledged_and_changes_nothing(deliver, plans, user, db):
    paid = event("invoice.paid", invoice_object(user=user))
    deliver(event("customer.subscription.created", subscription_object(user)))
    first = deliver(paid)
    credits = db.session.get(User, user.id).credits
    again = deliver(paid)
    assert first.json["outcome"] == "applied"
    assert again.status_code == 200 and again.json == {"received": True, "duplicate": True, "outcome": "duplicate"}
    db.session.expire_all()
    assert db.session.get(User, user.id).credits == credits == user.credits + 2000


def test_invoice_credits_are_added_once_per_invoice_even_under_another_event_id(deliver, plans, user, db):
    deliver(event("customer.subscription.created", subscription_object(user)))
    deliver(event("invoice.paid", invoice_object(user=user)))
    deliver(event("invoice.paid", invoice_object(user=user)))  # a new event id for the same invoice
    deliver(event("invoice.paid", invoice_object(user=user, invoice_id="in_test_2")))
    db.session.expire_all()
    assert db.session.get(User, user.id).credits == user.credits + 4000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InvoiceCredit)) == 2


def test_an_older_event_arriving_late_never_undoes_a_newer_one(deliver, plans, user, db):
    now = int(time.time())
    deliver(event("customer.subscription.updated", subscription_object(user, plan="team"), created=now))
    late = deliver(event("customer.subscription.updated", subscription_object(user, plan="pro", status="past_due"),
                         created=now - 60))
    assert late.status_code == 200 and late.json["outcome"] == "stale"
    sub = _subscription(db, user)
    assert (sub.plan.code, sub.status) == ("team", "active")
    late_created = deliver(event("customer.subscription.created", subscription_object(user, plan="pro",
                                                                                      status="incomplete"),
                                 created=now))
    assert late_created.json["outcome"] == "stale" and _subscription(db, user).status == "active"


def test_deleted_subscription_falls_back_to_free(deliver, plans, user, db, client, auth):
    now = int(time.time())
    deliver(event("customer.subscription.created", subscription_object(user), created=now - 10))
    deliver(event("customer.subscription.updated", subscription_object(user, cancel_at_period_end=True),
                  created=now - 5))
    assert _subscription(db, user).cancel_at_period_end is True
    deliver(event("customer.subscription.deleted", subscription_object(user, status="canceled"), created=now))
    assert _subscription(db, user).status == "canceled"
    assert client.get("/api/v2/billing/me/entitlements/", headers=auth.headers(user)).json["plan"] == "free"


def test_deleting_a_replaced_subscription_leaves_the_new_one(deliver, plans, user, db):
    now = int(time.time())
    deliver(event("customer.subscription.created", subscription_object(user, sub_id="sub_new"), created=now - 5))
    result = deliver(event("customer.subscription.deleted", subscription_object(user, sub_id="sub_old",
                                                                                status="canceled"), created=now))
    assert result.json["outcome"] == "ignored" and _subscription(db, user).status == "active"


def test_payment_failed_keeps_the_plan_for_the_grace_period_then_free(deliver, plans, user, db, client, auth, app):
    now = int(time.time())
    deliver(event("customer.subscription.created", subscription_object(user), created=now - 10))
    deliver(event("invoice.payment_failed", invoice_object(user=user), created=now))
    sub = _subscription(db, user)
    assert sub.status == "past_due" and sub.past_due_since is not None
    headers = auth.headers(user)
    assert client.get("/api/v2/billing/me/entitlements/", headers=headers).json["plan"] == "pro"
    summary = client.get("/api/v2/billing/me/subscription/", headers=headers).json
    assert summary["status"] == "past_due" and summary["grace_ends_at"] is not None
    sub.past_due_since = datetime.now(UTC) - timedelta(days=app.config["BILLING_GRACE_DAYS"], minutes=1)
    db.session.commit()
    assert client.get("/api/v2/billing/me/entitlements/", headers=headers).json["plan"] == "free"
    deliver(event("invoice.paid", invoice_object(user=user, invoice_id="in_retry"), created=now + 5))
    assert _subscription(db, user).status == "active"
    assert client.get("/api/v2/billing/me/entitlements/", headers=headers).json["plan"] == "pro"


def test_checkout_completed_links_the_customer(deliver, plans, user, db):
    session = {"id": "cs_test_1", "object": "checkout.session", "mode": "subscription", "customer": "cus_linked",
               "client_reference_id": str(user.id), "subscription": "sub_x", "metadata": {"plan": "pro"}}
    assert deliver(event("checkout.session.completed", session)).json["outcome"] == "applied"
    assert db.session.get(BillingCustomer, user.id).stripe_customer_id == "cus_linked"


def test_events_for_unknown_users_or_types_are_acknowledged_and_ignored(deliver, plans, user, db):
    stranger = subscription_object(user, customer="cus_nobody")
    stranger["metadata"] = {}
    assert deliver(event("customer.subscription.created", stranger)).json["outcome"] == "ignored"
    assert deliver(event("charge.refunded", {"id": "ch_1", "object": "charge"})).json["outcome"] == "ignored"
    assert _subscription(db, user) is None


def test_webhook_without_a_configured_secret_is_503(client, plans):
    response = client.post(WEBHOOK, data="{}", content_type="application/json", headers={"Stripe-Signature": "t=1"})
    assert response.status_code == 503 and response.json["error"]["code"] == "billing_not_configured"


def test_signed_payload_that_is_not_an_event_is_400(deliver, plans):
    assert deliver({"hello": "world"}).status_code == 400


def test_an_event_with_an_unusable_created_time_is_400(deliver, plans, user, db):
    for created in (10**20, "yesterday"):
        evt = event("customer.subscription.created", subscription_object(user))
        evt["created"] = created
        assert deliver(evt).status_code == 400
    assert _subscription(db, user) is None


def test_the_webhook_is_exempt_from_rate_limits_and_cookie_csrf(deliver, plans, user, app, monkeypatch, client, auth):
    auth.cookie_login(user)  # a browser's cookies, and no CSRF header: Stripe never sends either
    monkeypatch.setitem(app.config, "RATELIMIT_DEFAULT", "2 per minute")
    statuses = [deliver(event("charge.refunded", {"id": f"ch_{n}", "object": "charge"})).status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 200]
    assert [client.get("/api/v2/billing/plans/").status_code for _ in range(3)][-1] == 429
