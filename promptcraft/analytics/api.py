"""JSON endpoints under /api/v2/analytics/: events, dashboards, insights, template analytics,
recommendations and A/B tests."""
from __future__ import annotations

from flask import current_app

from promptcraft.analytics import schemas, service
from promptcraft.auth.identity import login_required, require_user
from promptcraft.http import ApiBlueprint, document_errors
from promptcraft.pagination import page_schema

blp = ApiBlueprint("analytics", __name__, url_prefix="/api/v2/analytics",
                   description="Events, dashboards, insights, recommendations and A/B tests")


@blp.route("/track/", methods=["POST"])
@blp.arguments(schemas.TrackSchema)
@blp.response(201, schemas.TrackResultSchema)
@login_required
def track(data):
    """Record one event or a batch of up to 100 (all stored, or none when one is invalid)."""
    rows = service.track(require_user().id, data["events"])
    return {"accepted": len(rows), "ids": [row.id for row in rows]}


@blp.route("/dashboard/", methods=["GET"])
@blp.arguments(schemas.RangeQuerySchema, location="query")
@blp.response(200, schemas.DashboardSchema)
@login_required
def dashboard(args):
    """The caller's activity per day, totals against the period before, top templates and categories."""
    return service.dashboard(require_user().id, args["days"])


@blp.route("/user-insights/", methods=["GET"])
@blp.response(200, schemas.InsightsSchema)
@login_required
def user_insights():
    """Strengths and suggestions computed from the caller's own data, with the figures behind them."""
    return service.user_insights(require_user().id, set(current_app.view_functions))


@blp.route("/template-analytics/", methods=["GET"])
@blp.arguments(schemas.TemplateAnalyticsQuerySchema, location="query")
@blp.response(200, page_schema(schemas.TemplateAnalyticsSchema))
@login_required
def template_analytics(args):
    """Views, uses, unique users, rating, conversion and trend of the caller's templates (all, for staff)."""
    return service.template_analytics(require_user(), **args)


@blp.route("/recommendations/", methods=["GET"])
@blp.arguments(schemas.RecommendationQuerySchema, location="query")
@blp.response(200, schemas.RecommendationListSchema)
@login_required
def recommendations(args):
    """Templates for the caller, each with the reason it was chosen."""
    return {"results": service.recommendations(require_user().id, args["limit"])}


@blp.route("/ab-tests/", methods=["GET"])
@blp.arguments(schemas.ABTestQuerySchema, location="query")
@blp.response(200, page_schema(schemas.ABTestSchema))
@login_required
def list_ab_tests(args):
    """The caller's A/B tests, newest first."""
    return service.list_tests(require_user(), **args)


@blp.route("/ab-tests/", methods=["POST"], endpoint="create_ab_test")
@blp.arguments(schemas.ABTestCreateSchema)
@blp.response(201, schemas.ABTestSchema)
@login_required
def create_ab_test(data):
    """Start a test of two or more prompt variants (texts or template ids) on one metric."""
    return service.create_test(require_user(), data)


@blp.route("/ab-tests/<id:test_id>/", methods=["GET"])
@blp.response(200, schemas.ABTestSchema)
@login_required
def get_ab_test(test_id: int):
    """One A/B test with its variants."""
    return service.get_test(require_user(), test_id)


@blp.route("/ab-tests/<id:test_id>/assign/", methods=["POST"])
@blp.arguments(schemas.AssignSchema)
@blp.response(200, schemas.AssignmentSchema)
@document_errors(409)
@login_required
def assign(data, test_id: int):
    """The subject's variant: deterministic, and the same on every later call."""
    assignment, variant = service.assign(require_user(), test_id, data["subject"])
    return {"test_id": test_id, "subject": assignment.subject, "variant": variant,
            "assigned_at": assignment.created_at}


@blp.route("/ab-tests/<id:test_id>/outcomes/", methods=["POST"])
@blp.arguments(schemas.OutcomeInSchema)
@blp.response(201, schemas.OutcomeSchema)
@document_errors(409)
@login_required
def record_outcome(data, test_id: int):
    """Record one trial of a variant: `success` (binary metric) or `value` (numeric metric)."""
    return service.record_outcome(require_user(), test_id, data)


@blp.route("/ab-tests/<id:test_id>/results/", methods=["GET"])
@blp.response(200, schemas.ABResultsSchema)
@login_required
def results(test_id: int):
    """Per variant trials, successes and rate (or mean); the winner and the probability it is best."""
    return service.results(require_user(), test_id)


@blp.route("/ab-tests/<id:test_id>/stop/", methods=["POST"])
@blp.response(200, schemas.ABTestSchema)
@login_required
def stop(test_id: int):
    """Stop the test: no new subjects or outcomes; results stay readable."""
    return service.stop_test(require_user(), test_id)
