"""Property-based tests of the whole API against its OpenAPI document (schemathesis).

Every operation is called with generated inputs, signed in with a fresh access token: no
response may be a server error, and every response must match the documented status codes,
headers and schemas. Generated (invalid) credentials must be refused.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from promptcraft.auth import tokens
from promptcraft.auth.models import User
from promptcraft.extensions import db

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture(autouse=True)
def providers(use_deepseek):
    """Production's shape: DeepSeek first (the fake one on 127.0.0.1), then the offline engine."""
    use_deepseek()


@pytest.fixture(autouse=True)
def stripe_configured(fake_stripe):
    """Billing as in production: Stripe (the fake one on 127.0.0.1) and its webhook secret configured."""


@pytest.fixture
def fresh_token(app, user):
    """A new session for every generated case, so that logout or a password change in one case
    does not leave the next one signed out."""

    def mint() -> str:
        with app.app_context():
            pair = tokens.issue(db.session.get(User, user.id))
            db.session.commit()
            return pair.access

    return mint


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_honours_its_openapi_document(case, fresh_token):
    # positive_data_acceptance is left out: a schema-valid body can still break a business rule
    # (a common password, an unknown time zone, a taken username), which is a documented 400.
    case.call_and_validate(headers={"Authorization": f"Bearer {fresh_token()}"},
                           excluded_checks=[positive_data_acceptance])
