"""Plans and the Stripe prices that sell them."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from promptcraft.billing.models import Plan
from promptcraft.errors import AppError
from promptcraft.extensions import db

FREE = "free"


def list_plans() -> list[Plan]:
    """Plans on offer, cheapest first."""
    return list(db.session.scalars(sa.select(Plan).where(Plan.is_active.is_(True))
                                   .order_by(Plan.position, Plan.price_cents, Plan.id)))


def get_plan(plan_id: int) -> Plan:
    """One plan on offer; 404 otherwise."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not plan.is_active:
        raise AppError.not_found("Plan")
    return plan


def plan_by_code(code: str) -> Plan | None:
    return db.session.scalar(sa.select(Plan).where(Plan.code == code))


def free_plan() -> Plan | None:
    return plan_by_code(FREE)


def price_for(plan: Plan) -> str | None:
    """The Stripe price id configured for the plan (STRIPE_PRICES), if any."""
    return current_app.config["STRIPE_PRICES"].get(plan.code)


def plan_for_price(price_id: str | None) -> Plan | None:
    """The plan a Stripe price id sells, through STRIPE_PRICES."""
    if not price_id:
        return None
    code = next((code for code, price in current_app.config["STRIPE_PRICES"].items() if price == price_id), None)
    return plan_by_code(code) if code else None
