"""Analytics pages: the dashboard with charts and a range switch, template analytics, A/B tests."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, current_app, flash, request, url_for

from promptcraft.analytics import charts, schemas, service
from promptcraft.auth.identity import login_required, require_user
from promptcraft.errors import AppError
from promptcraft.forms import FormResult, empty_form, load_form
from promptcraft.htmx import hx_redirect, render_page

bp = Blueprint("analytics_pages", __name__)

AB_TESTS = "analytics/ab_tests.html"
AB_TEST = "analytics/ab_test.html"


def _query(schema: ma.Schema) -> dict[str, Any]:
    return schema.load({k: v for k, v in request.args.items() if v != ""}, unknown=ma.EXCLUDE)


@bp.route("/analytics")
@login_required
def dashboard():
    """The caller's activity charts for 7, 30 or 90 days, with insights and recommendations."""
    days = _query(schemas.RangeQuerySchema())["days"]
    user = require_user()
    figures = service.dashboard(user.id, days)
    return render_page("analytics/dashboard.html", "body", days=days, ranges=schemas.RANGES, figures=figures,
                       activity_chart=charts.activity(figures), usage_chart=charts.usage(figures),
                       insights=schemas.InsightsSchema().dump(
                           service.user_insights(user.id, set(current_app.view_functions))),
                       recommendations=service.recommendations(user.id, 6))


@bp.route("/analytics/templates")
@login_required
def templates():
    """Views, uses, conversion and trend of the caller's templates (all of them for staff)."""
    args = _query(schemas.TemplateAnalyticsQuerySchema())
    page = service.template_analytics(require_user(), **args)
    return render_page("analytics/templates.html", "body", page=page, args=args, ranges=schemas.RANGES,
                       views_chart=charts.templates(page.results))


@bp.route("/analytics/ab-tests")
@login_required
def ab_tests():
    """The caller's A/B tests and the form to start one."""
    return _ab_tests_page(empty_form(metric_type="binary", goal="maximize", min_sample="30"))


def _ab_tests_page(form: FormResult):
    args = _query(schemas.ABTestQuerySchema())
    page = service.list_tests(require_user(), **args)
    return render_page(AB_TESTS, page=page, form=form)


def _variants_from_form(values: dict[str, Any]) -> dict[str, Any]:
    """The form has one variant per line: template:ID picks a library template, anything else is text."""
    data = {k: v for k, v in values.items() if k != "variants"}
    variants = []
    for line in str(values.get("variants", "")).splitlines():
        line = line.strip()
        if line.lower().startswith("template:") and line[9:].strip().isdigit():
            variants.append({"template_id": int(line[9:].strip())})
        elif line:
            variants.append({"text": line})
    data["variants"] = variants
    if str(data.get("min_sample", "")).strip().isdigit():
        data["min_sample"] = int(data["min_sample"])
    return data


@bp.route("/analytics/ab-tests", methods=["POST"])
@login_required
def create_ab_test():
    """Start a test from the form; errors are shown beside the fields."""
    form = load_form(schemas.ABTestCreateSchema(), prepare=_variants_from_form)
    if form.ok:
        try:
            test = service.create_test(require_user(), form.data)
        except AppError as error:
            form.fail(error)
        else:
            flash(f"Started “{test.name}”.", "success")
            return hx_redirect(url_for("analytics_pages.ab_test", test_id=test.id))
    return _ab_tests_page(form)


def _ab_test_page(test_id: int, form: FormResult | None = None, assignment: dict[str, Any] | None = None):
    user = require_user()
    test = service.get_test(user, test_id)
    results = service.results(user, test_id)
    return render_page(AB_TEST, "results", test=test, results=results, results_chart=charts.ab_results(results),
                       form=form or empty_form(), assignment=assignment)


@bp.route("/analytics/ab-tests/<id:test_id>")
@login_required
def ab_test(test_id: int):
    """A test: its variants, the results chart, and forms to assign subjects and record outcomes."""
    return _ab_test_page(test_id)


@bp.route("/analytics/ab-tests/<id:test_id>/outcomes", methods=["POST"])
@login_required
def record_outcome(test_id: int):
    """Record one outcome from the page; the results and the chart are redrawn."""
    form = load_form(schemas.OutcomeFormSchema())
    if form.ok:
        try:
            service.record_outcome(require_user(), test_id, form.data)
        except AppError as error:
            form.fail(error)
        else:
            form = empty_form(variant=form.values.get("variant"))
    return _ab_test_page(test_id, form)


@bp.route("/analytics/ab-tests/<id:test_id>/assign", methods=["POST"])
@login_required
def assign(test_id: int):
    """Show which variant a subject gets (and keep it)."""
    form = load_form(schemas.AssignSchema())
    assignment = None
    if form.ok:
        record, variant = service.assign(require_user(), test_id, form.data["subject"])
        assignment = {"subject": record.subject, "variant": variant}
    return _ab_test_page(test_id, form, assignment)


@bp.route("/analytics/ab-tests/<id:test_id>/stop", methods=["POST"])
@login_required
def stop(test_id: int):
    """Stop the test and show its final results."""
    test = service.stop_test(require_user(), test_id)
    flash(f"Stopped “{test.name}”.", "success")
    return hx_redirect(url_for("analytics_pages.ab_test", test_id=test_id))
