"""The plans page: plans with the current one marked, upgrade (Stripe Checkout), manage (portal), usage meters."""
from __future__ import annotations

from flask import Blueprint, request, url_for

from promptcraft.auth.identity import current_user, login_required, require_user
from promptcraft.billing import schemas, service
from promptcraft.entitlements import entitlements
from promptcraft.errors import AppError
from promptcraft.forms import load_form
from promptcraft.htmx import hx_redirect, render_page

bp = Blueprint("billing_pages", __name__)


@bp.route("/plans")
def plans():
    """Plans and prices; signed in, also your subscription and this period's usage meters."""
    user = current_user()
    return render_page(
        "billing/plans.html",
        plans=schemas.PlanSchema(many=True).dump(service.list_plans()),
        configured=service.is_configured(),
        current=entitlements(user)["plan"] if user else None,
        subscription=service.subscription_summary(user) if user else None,
        usage=service.usage(user) if user else None,
        checkout_state=request.args.get("checkout"),
    )


@bp.route("/plans/checkout", methods=["POST"])
@login_required
def checkout():
    """Upgrade: off to Stripe Checkout for the chosen plan."""
    form = load_form(schemas.CheckoutSchema())
    if not form.ok:
        raise AppError.invalid("Choose a plan.", form.errors)
    done = url_for("billing_pages.plans", _external=True)
    return hx_redirect(service.checkout(require_user(), form.data["plan"], done + "?checkout=success",
                                        done + "?checkout=cancelled"))


@bp.route("/plans/portal", methods=["POST"])
@login_required
def portal():
    """Manage the subscription in Stripe's billing portal."""
    return hx_redirect(service.portal(require_user(), url_for("billing_pages.plans", _external=True)))
