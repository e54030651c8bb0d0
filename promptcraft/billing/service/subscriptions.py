"""Who is on which plan, and what that entitles them to.

No subscription means the free plan. A past-due (or unpaid) subscription keeps its plan for
BILLING_GRACE_DAYS from the first failed payment, then entitlements fall back to free.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from promptcraft.auth.models import User
from promptcraft.billing.models import ENTITLED, IN_GRACE, BillingCustomer, Plan, Subscription
from promptcraft.billing.service.plans import FREE, free_plan, plan_by_code
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db


def subscription_of(user_id: uuid.UUID) -> Subscription | None:
    return db.session.scalar(sa.select(Subscription).where(Subscription.user_id == user_id))


def customer_of(user_id: uuid.UUID) -> BillingCustomer | None:
    return db.session.get(BillingCustomer, user_id)


def grace_ends_at(subscription: Any) -> datetime | None:
    """When a past-due subscription stops entitling (None when it is not past due); `subscription`
    is a Subscription or any row with its status and past_due_since."""
    if subscription.status not in IN_GRACE or subscription.past_due_since is None:
        return None
    return subscription.past_due_since + timedelta(days=current_app.config["BILLING_GRACE_DAYS"])


def _entitles(subscription: Any, now: datetime) -> bool:
    if subscription.status in ENTITLED:
        return True
    ends = grace_ends_at(subscription)
    return ends is not None and now < ends


def effective_plan(subscription: Subscription | None, now: datetime | None = None) -> Plan | None:
    """The plan whose entitlements apply now (None when no plan is seeded at all)."""
    if subscription is not None and _entitles(subscription, now or utcnow()):
        return subscription.plan
    return free_plan()


# The user's subscription with its plan, and the free plan it falls back to, in one statement;
# built once, as it is read before every AI call.
PLANS_OF = (sa.select(Plan.code, Plan.entitlements, Subscription.status, Subscription.past_due_since).select_from(Plan)
            .outerjoin(Subscription, sa.and_(Subscription.plan_id == Plan.id,
                                             Subscription.user_id == sa.bindparam("user_id")))
            .where(sa.or_(Plan.code == FREE, Subscription.status.is_not(None))))


def entitlements_for(user_id: uuid.UUID) -> dict[str, Any] | None:
    """The user's plan entitlements (promptcraft.entitlements.KEYS), or None without plans
    (the same rule as effective_plan)."""
    rows = db.session.execute(PLANS_OF, {"user_id": user_id}).all()
    subscribed = next((row for row in rows if row.status is not None), None)
    if subscribed is not None and _entitles(subscribed, utcnow()):
        return {**subscribed.entitlements, "plan": subscribed.code}
    free = next((row for row in rows if row.code == FREE), None)
    return {**free.entitlements, "plan": free.code} if free else None


def subscription_summary(user: User) -> dict[str, Any]:
    """The caller's subscription as the API and the plans page show it."""
    subscription = subscription_of(user.id)
    plan = effective_plan(subscription)
    return {
        "plan": subscription.plan if subscription else plan,
        "effective_plan": plan.code if plan else None,
        "status": subscription.status if subscription else "none",
        "source": subscription.source if subscription else None,
        "current_period_start": subscription.current_period_start if subscription else None,
        "current_period_end": subscription.current_period_end if subscription else None,
        "cancel_at_period_end": subscription.cancel_at_period_end if subscription else False,
        "past_due_since": subscription.past_due_since if subscription else None,
        "grace_ends_at": grace_ends_at(subscription) if subscription else None,
        "has_customer": customer_of(user.id) is not None,
    }


def grant(username: str, plan_code: str) -> Subscription:
    """Put a user on a plan by hand (support, partners); Stripe events older than the grant
    cannot undo it. Raises AppError for an unknown user or plan."""
    user = db.session.scalar(sa.select(User).where(User.username_key == username.strip().lower()))
    if user is None:
        raise AppError.not_found("User")
    plan = plan_by_code(plan_code)
    if plan is None:
        raise AppError.not_found("Plan")
    subscription = subscription_of(user.id)
    if subscription is None:
        subscription = Subscription(user_id=user.id, plan=plan, status="active")
        db.session.add(subscription)
    subscription.plan = plan
    subscription.status = "active"
    subscription.source = "manual"
    subscription.past_due_since = None
    subscription.cancel_at_period_end = False
    subscription.event_at = utcnow()
    db.session.commit()
    return subscription
