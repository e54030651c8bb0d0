"""Stripe Checkout and the billing portal, through the official `stripe` package.

The API base is configurable (STRIPE_API_BASE) so that tests talk to a fake Stripe on
127.0.0.1 in Stripe's own wire format. Without STRIPE_SECRET_KEY both answer 503.
"""
from __future__ import annotations

import logging

import stripe
from flask import current_app

from promptcraft.auth.models import User
from promptcraft.billing.models import ENTITLED, IN_GRACE, BillingCustomer
from promptcraft.billing.service.plans import FREE, plan_by_code, price_for
from promptcraft.billing.service.subscriptions import customer_of, subscription_of
from promptcraft.errors import AppError
from promptcraft.extensions import db

log = logging.getLogger(__name__)


def is_configured() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def not_configured() -> AppError:
    return AppError(503, "billing_not_configured", "Online payments are not configured on this server.")


def client() -> stripe.StripeClient:
    config = current_app.config
    if not is_configured():
        raise not_configured()
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"], base_addresses={"api": config["STRIPE_API_BASE"]}, max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=config["STRIPE_TIMEOUT_SECONDS"]),
    )


def _upstream(error: stripe.StripeError) -> AppError:
    log.warning("stripe call failed: %s %s", type(error).__name__, error.user_message or error)
    if isinstance(error, stripe.APIConnectionError):
        return AppError(503, "stripe_unavailable", "Stripe could not be reached; try again in a moment.")
    return AppError(502, "stripe_error", "Stripe refused the request.", {"stripe": str(error.user_message or "")})


def ensure_customer(api: stripe.StripeClient, user: User) -> str:
    """The user's Stripe customer id, created at Stripe once and reused afterwards."""
    existing = customer_of(user.id)
    if existing is not None:
        return existing.stripe_customer_id
    customer = api.v1.customers.create({"email": user.email, "name": user.display_name,
                                        "metadata": {"user_id": str(user.id)}})
    db.session.add(BillingCustomer(user_id=user.id, stripe_customer_id=customer.id))
    db.session.commit()
    return customer.id


def checkout(user: User, plan_code: str, success_url: str, cancel_url: str) -> str:
    """A Checkout Session (subscription mode) for the plan's price; returns its URL.

    400 for the free plan or a plan without a configured price, 409 when a paid Stripe
    subscription already runs (plan changes go through the portal), 503 when unconfigured.
    """
    if not is_configured():
        raise not_configured()
    plan = plan_by_code(plan_code)
    if plan is None or not plan.is_active:
        raise AppError.invalid("No such plan.", {"plan": ["No such plan."]})
    price = price_for(plan)
    if plan.code == FREE or not price:
        raise AppError.invalid("This plan cannot be bought online.", {"plan": ["This plan has no Stripe price."]})
    current = subscription_of(user.id)
    if current is not None and current.source == "stripe" and current.status in ENTITLED | IN_GRACE:
        raise AppError(409, "already_subscribed", "You already have a subscription; change it in the billing portal.",
                       {"plan": current.plan.code})
    api = client()
    metadata = {"user_id": str(user.id), "plan": plan.code}
    try:
        customer = ensure_customer(api, user)
        session = api.v1.checkout.sessions.create({
            "mode": "subscription", "customer": customer, "client_reference_id": str(user.id),
            "line_items": [{"price": price, "quantity": 1}], "metadata": metadata,
            "subscription_data": {"metadata": metadata}, "success_url": success_url, "cancel_url": cancel_url,
        })
    except stripe.StripeError as error:
        raise _upstream(error) from None
    return session.url


def portal(user: User, return_url: str) -> str:
    """A billing-portal session for the user's Stripe customer; 409 before the first checkout."""
    if not is_configured():
        raise not_configured()
    customer = customer_of(user.id)
    if customer is None:
        raise AppError(409, "no_customer", "You have no billing account yet; choose a plan first.")
    try:
        session = client().v1.billing_portal.sessions.create({"customer": customer.stripe_customer_id,
                                                              "return_url": return_url})
    except stripe.StripeError as error:
        raise _upstream(error) from None
    return session.url
