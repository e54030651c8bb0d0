"""JSON endpoints under /api/v2/billing/: plans, the caller's subscription, entitlements and usage,
Stripe Checkout and portal sessions, and Stripe's webhook."""
from __future__ import annotations

from flask import request, url_for

from promptcraft.auth.identity import current_user, login_required, require_user
from promptcraft.billing import schemas, service
from promptcraft.entitlements import entitlements
from promptcraft.extensions import limiter
from promptcraft.http import ApiBlueprint, document_errors

blp = ApiBlueprint("billing", __name__, url_prefix="/api/v2/billing",
                   description="Plans, subscriptions, entitlements, usage, Stripe checkout and webhooks")


@blp.route("/plans/", methods=["GET"])
@blp.response(200, schemas.PlanListSchema)
def plans():
    """Plans on offer with their prices and entitlements, and the caller's current plan."""
    user = current_user()
    return {"results": service.list_plans(), "billing_configured": service.is_configured(),
            "current": entitlements(user)["plan"] if user else None}


@blp.route("/plans/<id:plan_id>/", methods=["GET"])
@blp.response(200, schemas.PlanSchema)
def plan(plan_id: int):
    """One plan with its price and entitlements."""
    return service.get_plan(plan_id)


@blp.route("/me/subscription/", methods=["GET"])
@blp.response(200, schemas.SubscriptionSchema)
@login_required
def my_subscription():
    """The caller's subscription: plan, status, period, grace period when past due."""
    return service.subscription_summary(require_user())


@blp.route("/me/entitlements/", methods=["GET"])
@blp.response(200, schemas.EntitlementsSchema)
@login_required
def my_entitlements():
    """What the caller may do now, from their plan (free without a subscription)."""
    return entitlements(require_user())


@blp.route("/me/usage/", methods=["GET"])
@blp.response(200, schemas.PlanUsageSchema)
@login_required
def my_usage():
    """This period's use against each entitlement, from the caller's real usage rows."""
    return service.usage(require_user())


@blp.route("/checkout/", methods=["POST"])
@blp.arguments(schemas.CheckoutSchema)
@blp.response(200, schemas.RedirectSchema)
@document_errors(409, 502, 503)
@login_required
def checkout(data):
    """A Stripe Checkout session (subscription) for a plan: send the user to its URL."""
    done = url_for("billing_pages.plans", _external=True)
    return {"url": service.checkout(require_user(), data["plan"], done + "?checkout=success",
                                    done + "?checkout=cancelled")}


@blp.route("/portal/", methods=["POST"])
@blp.response(200, schemas.RedirectSchema)
@document_errors(409, 502, 503)
@login_required
def portal():
    """A Stripe billing-portal session to manage payment details, plan and cancellation."""
    return {"url": service.portal(require_user(), url_for("billing_pages.plans", _external=True))}


@blp.route("/webhooks/stripe/", methods=["POST"])
@blp.doc(requestBody={"required": True, "description": "The event, signed in the Stripe-Signature header",
                      "content": {"application/json": {"schema": schemas.StripeEventSchema}}},
         parameters=[{"in": "header", "name": "Stripe-Signature", "required": True, "schema": {"type": "string"}}])
@blp.response(200, schemas.WebhookResultSchema)
@document_errors(400, 409, 503)
@limiter.exempt
def stripe_webhook():
    """Stripe's signed events keep subscriptions in step; replayed or forged events change nothing."""
    return service.receive(request.get_data(cache=False), request.headers.get("Stripe-Signature"))
