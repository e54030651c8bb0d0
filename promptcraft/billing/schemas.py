"""Request and response schemas of the billing API (they also document it)."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from promptcraft.billing.service.plans import FREE, price_for
from promptcraft.billing.service.stripe_api import is_configured
from promptcraft.fields import text


class EntitlementsSchema(ma.Schema):
    """What a plan entitles to (promptcraft.entitlements.KEYS); null means unlimited or every model."""

    plan = fields.String(required=True)
    ai_daily_requests = fields.Integer(required=True, allow_none=True)
    ai_daily_tokens = fields.Integer(required=True, allow_none=True)
    models = fields.List(fields.String(), required=True, allow_none=True)
    private_templates = fields.Integer(required=True, allow_none=True)
    api_keys = fields.Integer(required=True, allow_none=True)
    research_jobs_per_day = fields.Integer(required=True, allow_none=True)


class PlanEntitlementsSchema(EntitlementsSchema):
    class Meta:
        exclude = ("plan",)


class PlanSchema(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    price_cents = fields.Integer(required=True, metadata={"description": "Price per month, in cents"})
    currency = fields.String(required=True)
    interval = fields.Constant("month", required=True)
    monthly_credits = fields.Integer(required=True, metadata={"description": "Credits added on every paid invoice"})
    entitlements = fields.Method("_entitlements", required=True,
                                 metadata={"type": "object", "description": "Null means unlimited"})
    purchasable = fields.Method("_purchasable", required=True,
                                metadata={"type": "boolean", "description": "Can be bought online on this server"})

    def _entitlements(self, plan) -> dict:
        return PlanEntitlementsSchema().dump({key: plan.entitlements.get(key) for key in
                                              PlanEntitlementsSchema().fields})


    def _purchasable(self, plan) -> bool:
        return is_configured() and plan.code != FREE and bool(price_for(plan))


class PlanListSchema(ma.Schema):
    results = fields.List(fields.Nested(PlanSchema), required=True)
    current = fields.String(required=True, allow_none=True, metadata={"description": "The caller's plan, if signed in"})
    billing_configured = fields.Boolean(required=True)


class SubscriptionSchema(ma.Schema):
    plan = fields.Nested(PlanSchema, required=True, allow_none=True)
    effective_plan = fields.String(required=True, allow_none=True,
                                   metadata={"description": "The plan whose entitlements apply now"})
    status = fields.String(required=True, metadata={"description": "Stripe's status, or `none`"})
    source = fields.String(required=True, allow_none=True, metadata={"description": "stripe or manual"})
    current_period_start = fields.DateTime(required=True, allow_none=True)
    current_period_end = fields.DateTime(required=True, allow_none=True)
    cancel_at_period_end = fields.Boolean(required=True)
    past_due_since = fields.DateTime(required=True, allow_none=True)
    grace_ends_at = fields.DateTime(required=True, allow_none=True)
    has_customer = fields.Boolean(required=True)


class MeterSchema(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    limit = fields.Integer(required=True, allow_none=True)
    used = fields.Integer(required=True)
    remaining = fields.Integer(required=True, allow_none=True)
    percent = fields.Float(required=True, allow_none=True)
    period = fields.String(required=True, metadata={"description": "day, or total"})
    resets_at = fields.DateTime(required=True, allow_none=True)


class PeriodUsageSchema(ma.Schema):
    start = fields.DateTime(required=True)
    end = fields.DateTime(required=True)
    requests = fields.Integer(required=True)
    tokens = fields.Integer(required=True)
    cost = fields.Float(required=True)


class PlanUsageSchema(ma.Schema):
    plan = fields.String(required=True)
    meters = fields.List(fields.Nested(MeterSchema), required=True)
    period = fields.Nested(PeriodUsageSchema, required=True)
    models = fields.List(fields.String(), required=True, allow_none=True)
    credits = fields.Integer(required=True)


class CheckoutSchema(ma.Schema):
    plan = text(32, min_length=1, required=True, metadata={"description": "Plan code, e.g. pro"})


class RedirectSchema(ma.Schema):
    url = fields.String(required=True, metadata={"description": "Where to send the user (Stripe)"})


class StripeEventSchema(ma.Schema):
    """A Stripe event as Stripe sends it (the raw body is verified against Stripe-Signature)."""

    id = fields.String(required=True)
    object = fields.String(required=True)
    type = fields.String(required=True)
    created = fields.Integer(required=True)
    data = fields.Dict(required=True)


class WebhookResultSchema(ma.Schema):
    received = fields.Boolean(required=True)
    duplicate = fields.Boolean(required=True)
    outcome = fields.String(required=True, metadata={"description": "applied, stale, ignored or duplicate"})
