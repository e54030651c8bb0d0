"""Billing: plans and their entitlements, Stripe Checkout and the billing portal, signed webhooks."""
