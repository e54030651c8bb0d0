"""Plans, who is on which plan, the Stripe customers behind them, and the webhook ledger."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from promptcraft.db_types import UTCDateTime, utcnow
from promptcraft.extensions import db
from promptcraft.prompt_templates.models import JSONType

# Stripe's subscription statuses; "manual" rows come from `flask billing grant`.
STATUSES = ("active", "trialing", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired", "paused")
ENTITLED = {"active", "trialing"}
IN_GRACE = {"past_due", "unpaid"}


class Plan(db.Model):
    """A price and what it entitles to (`entitlements` holds promptcraft.entitlements.KEYS)."""

    __tablename__ = "billing_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    price_cents: Mapped[int] = mapped_column(default=0)  # per month
    currency: Mapped[str] = mapped_column(sa.String(3), default="usd")
    monthly_credits: Mapped[int] = mapped_column(default=0)  # added on every paid invoice
    entitlements: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BillingCustomer(db.Model):
    """The Stripe customer that pays for a user."""

    __tablename__ = "billing_customers"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    stripe_customer_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(db.Model):
    """A user's plan; at most one per user. `event_at` is the `created` time of the last Stripe
    event applied, so an older event delivered late never undoes a newer one."""

    __tablename__ = "billing_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_plans.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(16), default="stripe")  # stripe or manual
    stripe_subscription_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    current_period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    past_due_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship(lazy="joined")


class StripeEvent(db.Model):
    """Every verified webhook event, once: a replayed id is answered without being applied again."""

    __tablename__ = "billing_stripe_events"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.String(32))  # applied, stale, ignored
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceCredit(db.Model):
    """Credits added for one paid invoice: the unique invoice id makes it happen once."""

    __tablename__ = "billing_invoice_credits"

    invoice_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_plans.id", ondelete="SET NULL"))
    credits: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
