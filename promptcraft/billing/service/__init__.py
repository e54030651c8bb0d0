"""Billing use cases, one module each: plans, subscriptions (entitlements, grants), Stripe
(checkout, portal), webhooks (signed events keep subscriptions in step) and usage meters."""
from promptcraft.billing.service.plans import get_plan, list_plans, plan_by_code, price_for
from promptcraft.billing.service.stripe_api import checkout, is_configured, portal
from promptcraft.billing.service.subscriptions import entitlements_for, grant, subscription_summary
from promptcraft.billing.service.usage import usage
from promptcraft.billing.service.webhooks import receive

__all__ = ["checkout", "entitlements_for", "get_plan", "grant", "is_configured", "list_plans", "plan_by_code",
           "portal", "price_for", "receive", "subscription_summary", "usage"]
