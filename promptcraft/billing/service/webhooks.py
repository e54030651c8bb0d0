"""Stripe webhooks: verified by the library, applied once per event id, never undone by an older event.

Everything is read from the event payload alone (no call back to Stripe), so a verified event
is enough to keep a subscription in step. The event row and its effects commit together: a
concurrent duplicate delivery fails on the event's primary key and changes nothing.
"""
from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import stripe
from flask import current_app
from sqlalchemy.exc import IntegrityError

from promptcraft.auth.models import User
from promptcraft.billing.models import IN_GRACE, BillingCustomer, InvoiceCredit, Plan, StripeEvent, Subscription
from promptcraft.billing.service.plans import plan_by_code, plan_for_price
from promptcraft.billing.service.subscriptions import subscription_of
from promptcraft.errors import AppError
from promptcraft.extensions import db

log = logging.getLogger(__name__)

APPLIED, STALE, IGNORED = "applied", "stale", "ignored"


def verify(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, once the library has checked its signature and age; 400 otherwise."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise AppError(503, "billing_not_configured", "Stripe webhooks are not configured on this server.")
    try:
        stripe.Webhook.construct_event(payload, signature, secret,
                                       tolerance=current_app.config["STRIPE_WEBHOOK_TOLERANCE"])
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        raise AppError(400, "invalid_signature", "The Stripe-Signature header does not verify this payload.") from None
    except (ValueError, UnicodeDecodeError):
        raise AppError(400, "invalid_payload", "The payload is not a Stripe event.") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str) \
            or not isinstance(event.get("data"), dict):
        raise AppError(400, "invalid_payload", "The payload is not a Stripe event.")
    return event


def receive(payload: bytes, signature: str | None) -> dict[str, Any]:
    """Verify and apply one event; a replayed event id is acknowledged and changes nothing."""
    event = verify(payload, signature)
    if db.session.get(StripeEvent, event["id"]) is not None:
        return {"received": True, "duplicate": True, "outcome": "duplicate"}
    created = _time(event["created"])
    if created is None:
        raise AppError(400, "invalid_payload", "The event's `created` time is not a usable timestamp.")
    obj = event["data"].get("object")
    handler = HANDLERS.get(event["type"])
    outcome = handler(obj, created) if handler and isinstance(obj, dict) else IGNORED
    db.session.add(StripeEvent(id=event["id"][:255], type=event["type"][:100], created=created, outcome=outcome))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if db.session.get(StripeEvent, event["id"]) is not None:  # delivered twice at once: the other one won
            return {"received": True, "duplicate": True, "outcome": "duplicate"}
        raise AppError(409, "conflict", "The event conflicts with concurrent changes; Stripe will retry it.") from None
    log.info("stripe event %s %s: %s", event["id"], event["type"], outcome)
    return {"received": True, "duplicate": False, "outcome": outcome}


# --- reading the payload -------------------------------------------------------------------------

def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str | None:
    """Stripe sends a related object as its id, or expanded as an object with an id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _items(obj: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [item for item in _dict(obj.get(key)).get("data") or [] if isinstance(item, dict)]


def _user_for(customer_id: str | None, metadata: dict[str, Any]) -> uuid.UUID | None:
    """metadata.user_id (set by our checkout), else the user the customer is linked to."""
    try:
        user_id = uuid.UUID(str(metadata.get("user_id")))
    except ValueError:
        user_id = None
    if user_id is not None and db.session.get(User, user_id) is not None:
        _link(user_id, customer_id)
        return user_id
    if customer_id:
        return db.session.scalar(sa.select(BillingCustomer.user_id)
                                 .where(BillingCustomer.stripe_customer_id == customer_id))
    return None


def _link(user_id: uuid.UUID, customer_id: str | None) -> None:
    """Remember which customer pays for the user (a customer already linked elsewhere stays there)."""
    if not customer_id or db.session.scalar(sa.select(BillingCustomer.user_id)
                                            .where(BillingCustomer.stripe_customer_id == customer_id)):
        return
    existing = db.session.get(BillingCustomer, user_id)
    if existing is None:
        db.session.add(BillingCustomer(user_id=user_id, stripe_customer_id=customer_id))
    else:
        existing.stripe_customer_id = customer_id


def _price_ids(items: list[dict[str, Any]]) -> list[str]:
    """Price ids of subscription items or invoice lines, in the current and the older API shapes."""
    found = []
    for item in items:
        price = _id(item.get("price")) or _id(_dict(_dict(item.get("pricing")).get("price_details")).get("price"))
        if price:
            found.append(price)
    return found


def _plan(items: list[dict[str, Any]], metadata: dict[str, Any]) -> Plan | None:
    """The plan from the price ids, else from metadata.plan."""
    for price in _price_ids(items):
        plan = plan_for_price(price)
        if plan is not None:
            return plan
    code = metadata.get("plan")
    return plan_by_code(code) if isinstance(code, str) else None


def _is_older(subscription: Subscription | None, created: datetime) -> bool:
    return subscription is not None and subscription.event_at is not None and created < subscription.event_at


# --- handlers ------------------------------------------------------------------------------------

def checkout_completed(session: dict[str, Any], created: datetime) -> str:
    metadata = _dict(session.get("metadata"))
    reference = session.get("client_reference_id") or metadata.get("user_id")
    user_id = _user_for(None, {"user_id": reference})
    if user_id is None or not _id(session.get("customer")):
        return IGNORED
    _link(user_id, _id(session.get("customer")))
    return APPLIED


def _subscription_event(obj: dict[str, Any], created: datetime, *, deleted: bool, first: bool) -> str:
    metadata = _dict(obj.get("metadata"))
    user_id = _user_for(_id(obj.get("customer")), metadata)
    items = _items(obj, "items")
    plan = _plan(items, metadata)
    stripe_id = _id(obj.get("id"))
    if user_id is None or plan is None or stripe_id is None:
        return IGNORED
    subscription = subscription_of(user_id)
    if _is_older(subscription, created):
        return STALE
    if subscription is not None and subscription.stripe_subscription_id not in (None, stripe_id) and deleted:
        return IGNORED  # the end of a subscription the user has since replaced
    if first and subscription is not None and subscription.stripe_subscription_id == stripe_id \
            and subscription.event_at == created:
        return STALE  # "created" in the same second as an update already applied
    if subscription is None:
        subscription = Subscription(user_id=user_id, plan=plan, status="incomplete")
        db.session.add(subscription)
    status = str(obj.get("status") or ("canceled" if deleted else "active"))[:32]
    item = items[0] if items else {}
    subscription.plan = plan
    subscription.source = "stripe"
    subscription.stripe_subscription_id = stripe_id
    subscription.past_due_since = (subscription.past_due_since or created) if status in IN_GRACE else None
    subscription.status = status
    subscription.current_period_start = _time(item.get("current_period_start")) or \
        _time(obj.get("current_period_start"))
    subscription.current_period_end = _time(item.get("current_period_end")) or _time(obj.get("current_period_end"))
    subscription.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
    subscription.event_at = created
    return APPLIED


def subscription_created(obj: dict[str, Any], created: datetime) -> str:
    return _subscription_event(obj, created, deleted=False, first=True)


def subscription_updated(obj: dict[str, Any], created: datetime) -> str:
    return _subscription_event(obj, created, deleted=False, first=False)


def subscription_deleted(obj: dict[str, Any], created: datetime) -> str:
    return _subscription_event(obj, created, deleted=True, first=False)


def _invoice_context(invoice: dict[str, Any]) -> tuple[uuid.UUID | None, str | None, dict[str, Any]]:
    """(user, subscription id, subscription metadata) of an invoice, current or older API shape."""
    details = _dict(_dict(invoice.get("parent")).get("subscription_details"))
    metadata = _dict(details.get("metadata")) or _dict(_dict(invoice.get("subscription_details")).get("metadata"))
    stripe_id = _id(details.get("subscription")) or _id(invoice.get("subscription"))
    return _user_for(_id(invoice.get("customer")), metadata), stripe_id, metadata


def invoice_paid(invoice: dict[str, Any], created: datetime) -> str:
    """The plan's monthly credits, once per invoice; a past-due subscription is paid up again."""
    invoice_id = _id(invoice.get("id"))
    user_id, stripe_id, metadata = _invoice_context(invoice)
    if invoice_id is None or user_id is None:
        return IGNORED
    subscription = subscription_of(user_id)
    plan = _plan(_items(invoice, "lines"), metadata) or (subscription.plan if subscription else None)
    outcome = IGNORED
    if plan is not None and db.session.get(InvoiceCredit, invoice_id) is None:
        db.session.add(InvoiceCredit(invoice_id=invoice_id, user_id=user_id, plan_id=plan.id,
                                     credits=plan.monthly_credits))
        db.session.execute(sa.update(User).where(User.id == user_id)
                           .values(credits=User.credits + plan.monthly_credits))
        outcome = APPLIED
    if subscription is not None and subscription.status in IN_GRACE and not _is_older(subscription, created) \
            and stripe_id in (None, subscription.stripe_subscription_id):
        subscription.status = "active"
        subscription.past_due_since = None
        subscription.event_at = created
        outcome = APPLIED
    return outcome


def invoice_payment_failed(invoice: dict[str, Any], created: datetime) -> str:
    """Past due from the first failure; entitlements fall back to free after the grace period."""
    user_id, stripe_id, _metadata = _invoice_context(invoice)
    subscription = subscription_of(user_id) if user_id else None
    if subscription is None or stripe_id not in (None, subscription.stripe_subscription_id):
        return IGNORED
    if _is_older(subscription, created):
        return STALE
    subscription.status = "past_due"
    subscription.past_due_since = subscription.past_due_since or created
    subscription.event_at = created
    return APPLIED


HANDLERS: dict[str, Callable[[dict[str, Any], datetime], str]] = {
    "checkout.session.completed": checkout_completed,
    "customer.subscription.created": subscription_created,
    "customer.subscription.updated": subscription_updated,
    "customer.subscription.deleted": subscription_deleted,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
}
