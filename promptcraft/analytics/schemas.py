"""Request and response schemas of the analytics API (they also document it).

Bodies use the strict JSON fields of `promptcraft.fields`; pages load them through `FormInput`.
"""
from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.analytics.models import AB_GOALS, AB_METRICS, AB_STATUSES
from promptcraft.analytics.service._common import RANGES
from promptcraft.analytics.service.events import SERVER_EVENTS
from promptcraft.analytics.service.template_stats import ORDERINGS
from promptcraft.errors import AppError
from promptcraft.fields import FormInput, JsonBoolean, JsonFloat, JsonInteger, TextLength, text
from promptcraft.pagination import PageQuerySchema

MAX_ID = 2**31 - 1
BATCH_MAX = 100
PROPERTIES_MAX_BYTES = 4096
PAST_LIMIT = timedelta(days=30)  # clients may buffer events offline, but not for ever
FUTURE_SKEW = timedelta(minutes=5)  # clocks drift a little; events from the future do not happen
EVENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.:/-]{0,63}$")
VALUE_LIMIT = 1e12


# --- track/ ------------------------------------------------------------------------------------

def _check_json(value: Any, path: str = "properties") -> None:
    """Only what every database stores: finite numbers, text without NUL, valid Unicode."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ma.ValidationError(f"{path}: numbers must be finite.")
    if isinstance(value, str) and "\x00" in value:
        raise ma.ValidationError(f"{path}: text cannot contain NUL characters.")
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                raise ma.ValidationError(f"{path}: keys cannot contain NUL characters.")
            _check_json(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")


def validate_properties(value: dict[str, Any]) -> None:
    try:
        size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (UnicodeEncodeError, ValueError, RecursionError):
        raise ma.ValidationError("Properties must be valid JSON text.") from None
    if size > PROPERTIES_MAX_BYTES:
        raise ma.ValidationError(f"Properties take {size} bytes as JSON; the limit is {PROPERTIES_MAX_BYTES}.")
    _check_json(value)


def validate_name(value: str) -> None:
    if not EVENT_NAME.match(value):
        raise ma.ValidationError("Start with a letter; then letters, digits and _ . : / - (64 characters at most).")
    if value in SERVER_EVENTS:
        raise ma.ValidationError(f"'{value}' is recorded by PromptCraft itself; clients cannot send it.")


def validate_time(value: datetime) -> None:
    now = datetime.now(UTC)
    try:
        moment = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        raise ma.ValidationError("Not a usable time.") from None
    if moment > now + FUTURE_SKEW:
        raise ma.ValidationError("This time is in the future.")
    if moment < now - PAST_LIMIT:
        raise ma.ValidationError(f"Events older than {PAST_LIMIT.days} days are not accepted.")


def _name_field(required: bool = True) -> fields.String:
    return fields.String(required=required, validate=[TextLength(min=1, max=64), validate_name],
                         metadata={"description": "What happened, e.g. `prompt_copied` or `page:pricing`"})


def _properties_field() -> fields.Dict:
    return fields.Dict(keys=fields.String(), load_default=dict, validate=validate_properties, metadata={
        "description": f"Any JSON object of at most {PROPERTIES_MAX_BYTES} bytes"})


def _time_field() -> fields.DateTime:
    return fields.DateTime(validate=validate_time, metadata={
        "description": "When it happened on the client (ISO 8601; UTC when no offset); now when absent"})


class EventInSchema(ma.Schema):
    name = _name_field()
    properties = _properties_field()
    occurred_at = _time_field()


class TrackSchema(ma.Schema):
    """One event (`name`, `properties`, `occurred_at`) or a batch (`events`), not both."""

    name = _name_field(required=False)
    properties = _properties_field()
    occurred_at = _time_field()
    events = fields.List(fields.Nested(EventInSchema), validate=validate.Length(
        min=1, max=BATCH_MAX, error=f"Send between 1 and {BATCH_MAX} events."), metadata={
        "description": f"A batch of 1–{BATCH_MAX} events: stored all together, or none of them"})

    @ma.validates_schema(pass_original=True)
    def one_or_batch(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        sent = set(original) if isinstance(original, dict) else set()
        if ("events" in sent) == ("name" in sent):
            raise ma.ValidationError("Send one event (`name`, …) or a batch (`events`), not both.")
        if "events" in sent and sent & {"properties", "occurred_at"}:
            raise ma.ValidationError("A batch carries its properties and times inside each event.")

    def handle_error(self, error: ma.ValidationError, data: Any, **kwargs: Any) -> None:
        """A bad batch is refused whole, each bad event named by its index with its reasons."""
        messages = error.normalized_messages()
        per_event = messages.get("events") if isinstance(messages, dict) else None
        if isinstance(per_event, dict) and per_event and all(isinstance(k, int) for k in per_event):
            rejected = [{"index": index, "reasons": per_event[index]} for index in sorted(per_event)]
            total = len(data["events"])
            raise AppError(400, "invalid_events",
                           f"{len(rejected)} of {total} events are invalid; none were stored.",
                           {"rejected": rejected, "fields": messages})
        raise error

    @ma.post_load
    def as_batch(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if "events" in data:
            return {"events": data["events"]}
        return {"events": [{k: v for k, v in data.items() if k in ("name", "properties", "occurred_at")}]}


class TrackResultSchema(ma.Schema):
    accepted = fields.Integer(required=True, metadata={"description": "How many events were stored"})
    ids = fields.List(fields.Integer(), required=True)


# --- dashboard/ ----------------------------------------------------------------------------------

class RangeQuerySchema(ma.Schema):
    days = fields.Integer(load_default=30, validate=validate.OneOf(RANGES), metadata={
        "description": "The period: the last 7, 30 or 90 days (UTC), today included"})


class DaySchema(ma.Schema):
    date = fields.Date(required=True)
    prompts = fields.Integer(required=True)
    templates_used = fields.Integer(required=True)
    chats = fields.Integer(required=True)
    tokens = fields.Integer(required=True)
    cost = fields.Float(required=True)


class TotalSchema(ma.Schema):
    value = fields.Float(required=True)
    previous = fields.Float(required=True, metadata={"description": "The same figure over the period before"})
    change = fields.Float(required=True, allow_none=True, metadata={
        "description": "Change in percent against the period before; null when it was zero"})


class TotalsSchema(ma.Schema):
    prompts = fields.Nested(TotalSchema, required=True)
    templates_used = fields.Nested(TotalSchema, required=True)
    chats = fields.Nested(TotalSchema, required=True)
    tokens = fields.Nested(TotalSchema, required=True)
    cost = fields.Nested(TotalSchema, required=True)


class TopTemplateSchema(ma.Schema):
    template_id = fields.Integer(required=True)
    title = fields.String(required=True)
    uses = fields.Integer(required=True)


class TopCategorySchema(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    uses = fields.Integer(required=True)


class DashboardSchema(ma.Schema):
    days = fields.Integer(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    series = fields.List(fields.Nested(DaySchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    top_templates = fields.List(fields.Nested(TopTemplateSchema), required=True)
    top_categories = fields.List(fields.Nested(TopCategorySchema), required=True)


# --- links in insights -----------------------------------------------------------------------------

def _url(link: dict[str, Any] | None) -> str | None:
    """A page link the service named by endpoint; None when that page is not installed."""
    from flask import current_app, url_for

    if not link or link["endpoint"] not in current_app.view_functions:
        return None
    return url_for(link["endpoint"], **link["params"])


class InsightSchema(ma.Schema):
    kind = fields.String(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)
    figures = fields.Dict(required=True, metadata={"description": "The numbers behind the sentence"})
    url = fields.Function(lambda item: _url(item["link"]), required=True, allow_none=True)


class ScoreTrendSchema(ma.Schema):
    days = fields.Integer(required=True)
    recent_average = fields.Float(required=True, allow_none=True)
    recent_count = fields.Integer(required=True)
    previous_average = fields.Float(required=True, allow_none=True)
    previous_count = fields.Integer(required=True)
    overall_average = fields.Float(required=True, allow_none=True)
    scored_prompts = fields.Integer(required=True)
    change = fields.Float(required=True, allow_none=True)
    direction = fields.String(required=True, metadata={"description": "up, down or flat"})


class FavouriteCategorySchema(TopCategorySchema):
    share = fields.Float(required=True, metadata={"description": "Share of the user's template uses, 0–1"})


class FeatureSchema(ma.Schema):
    feature = fields.String(required=True)
    label = fields.String(required=True)
    description = fields.String(required=True)
    url = fields.Function(lambda item: _url(item["link"]), required=True, allow_none=True)


class LowPromptSchema(ma.Schema):
    entry_id = fields.Integer(required=True)
    prompt = fields.String(required=True)
    quality_score = fields.Float(required=True)
    created_at = fields.DateTime(required=True)
    tips = fields.List(fields.String(), required=True, metadata={"description": "The assessor's suggestions"})
    improve_url = fields.Function(lambda item: _url(item["improve"]), required=True, allow_none=True)


class InsightsSchema(ma.Schema):
    score_trend = fields.Nested(ScoreTrendSchema, required=True)
    favourite_categories = fields.List(fields.Nested(FavouriteCategorySchema), required=True)
    features_never_tried = fields.List(fields.Nested(FeatureSchema), required=True)
    low_scoring_prompts = fields.List(fields.Nested(LowPromptSchema), required=True)
    active_days = fields.Integer(required=True, metadata={"description": "Days with any activity in the last 30"})
    strengths = fields.List(fields.Nested(InsightSchema), required=True)
    suggestions = fields.List(fields.Nested(InsightSchema), required=True)


# --- template-analytics/ ---------------------------------------------------------------------------

class TemplateAnalyticsQuerySchema(PageQuerySchema, RangeQuerySchema):
    ordering = fields.String(load_default="-uses", validate=validate.OneOf(tuple(ORDERINGS)), metadata={
        "description": "-uses (all-time uses), -rating, -created or title"})


class RatingFiguresSchema(ma.Schema):
    average = fields.Float(required=True)
    count = fields.Integer(required=True)


class ConversionSchema(ma.Schema):
    viewers = fields.Integer(required=True, metadata={"description": "Signed-in people who opened it"})
    users = fields.Integer(required=True, metadata={"description": "Of those, how many used it"})
    rate = fields.Float(required=True, allow_none=True)


class TrendSchema(ma.Schema):
    previous_uses = fields.Integer(required=True)
    change = fields.Float(required=True, allow_none=True)
    direction = fields.String(required=True)


class TemplateAnalyticsSchema(ma.Schema):
    template_id = fields.Integer(required=True)
    title = fields.String(required=True)
    owner = fields.String(required=True)
    category = fields.String(required=True, allow_none=True)
    is_public = fields.Boolean(required=True)
    views = fields.Integer(required=True)
    uses = fields.Integer(required=True)
    unique_users = fields.Integer(required=True)
    total_uses = fields.Integer(required=True)
    rating = fields.Nested(RatingFiguresSchema, required=True)
    conversion = fields.Nested(ConversionSchema, required=True)
    trend = fields.Nested(TrendSchema, required=True)


# --- recommendations/ ------------------------------------------------------------------------------

class RecommendationQuerySchema(ma.Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class ReasonSchema(ma.Schema):
    kind = fields.String(required=True, metadata={
        "description": "because_you_used, rated_by_similar_users, rising or popular"})
    text = fields.String(required=True)
    figures = fields.Dict(required=True)


class RecommendedTemplateSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.Function(lambda t: t.category.slug if t.category else None, required=True, allow_none=True)
    rating_avg = fields.Float(required=True)
    rating_count = fields.Integer(required=True)
    usage_count = fields.Integer(required=True)


class RecommendationSchema(ma.Schema):
    template = fields.Nested(RecommendedTemplateSchema, required=True)
    reason = fields.Nested(ReasonSchema, required=True)


class RecommendationListSchema(ma.Schema):
    results = fields.List(fields.Nested(RecommendationSchema), required=True)


# --- ab-tests/ -------------------------------------------------------------------------------------

def id_field(**kwargs: Any) -> JsonInteger:
    return JsonInteger(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class VariantInSchema(ma.Schema):
    key = fields.String(validate=[TextLength(min=1, max=32), validate.Regexp(
        r"^[A-Za-z0-9_-]+$", error="Use letters, digits, _ and -.")], metadata={
        "description": "A short label; A, B, C… when absent"})
    text = text(20_000, min_length=1, metadata={"description": "The prompt text of this variant"})
    template_id = id_field(metadata={"description": "Or a library template"})

    @ma.validates_schema
    def text_or_template(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("text" in data) == ("template_id" in data):
            raise ma.ValidationError("Give the variant a text or a template_id (one of them).")


class ABTestCreateSchema(ma.Schema):
    name = text(200, min_length=1, required=True)
    description = text(2000, load_default="")
    metric = text(120, min_length=1, required=True, metadata={
        "description": "What is measured, e.g. “reply accepted” or “rating”"})
    metric_type = fields.String(load_default="binary", validate=validate.OneOf(AB_METRICS), metadata={
        "description": "binary (success or not) or numeric (a value)"})
    goal = fields.String(load_default="maximize", validate=validate.OneOf(AB_GOALS), metadata={
        "description": "Whether a higher (maximize) or lower (minimize) value is better"})
    min_sample = JsonInteger(load_default=30, validate=validate.Range(min=1, max=100_000), metadata={
        "description": "Trials each variant needs before a winner is named"})
    variants = fields.List(fields.Nested(VariantInSchema), required=True, validate=validate.Length(
        min=2, max=10, error="A test has between 2 and 10 variants."))


class ABTestQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(AB_STATUSES))


class VariantSchema(ma.Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    text = fields.String(required=True, allow_none=True)
    template_id = fields.Integer(required=True, allow_none=True)


class ABTestSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    metric = fields.String(required=True)
    metric_type = fields.String(required=True)
    goal = fields.String(required=True)
    min_sample = fields.Integer(required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    stopped_at = fields.DateTime(required=True, allow_none=True)
    variants = fields.List(fields.Nested(VariantSchema), required=True)


class AssignSchema(ma.Schema):
    subject = text(200, min_length=1, required=True, metadata={
        "description": "Whoever or whatever sees the variant: a user id, a session id…"})


class AssignmentSchema(ma.Schema):
    test_id = fields.Integer(required=True)
    subject = fields.String(required=True)
    variant = fields.Nested(VariantSchema, required=True)
    assigned_at = fields.DateTime(required=True)


class OutcomeInSchema(ma.Schema):
    variant = fields.String(required=True, validate=TextLength(min=1, max=32), metadata={
        "description": "The variant's key"})
    success = JsonBoolean(metadata={"description": "For binary metrics"})
    value = JsonFloat(validate=validate.Range(min=-VALUE_LIMIT, max=VALUE_LIMIT), metadata={
        "description": "For numeric metrics"})
    subject = text(200, min_length=1, metadata={"description": "Checked against the subject's assignment"})


class OutcomeFormSchema(FormInput, OutcomeInSchema):
    """The page's outcome form: typed text ("true", "4.5") becomes the API's JSON types."""


class OutcomeSchema(ma.Schema):
    id = fields.Integer(required=True)
    variant = fields.Function(lambda o: o.variant.key, required=True)
    subject = fields.String(required=True, allow_none=True)
    success = fields.Boolean(required=True, allow_none=True)
    value = fields.Float(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class VariantResultSchema(ma.Schema):
    variant_id = fields.Integer(required=True)
    key = fields.String(required=True)
    text = fields.String(required=True, allow_none=True)
    template_id = fields.Integer(required=True, allow_none=True)
    assigned = fields.Integer(required=True, metadata={"description": "Subjects assigned to it"})
    trials = fields.Integer(required=True)
    successes = fields.Integer(required=True, allow_none=True)
    rate = fields.Float(required=True, allow_none=True)
    mean = fields.Float(required=True, allow_none=True)
    std = fields.Float(required=True, allow_none=True)
    probability_best = fields.Float(required=True, allow_none=True)


class WinnerSchema(ma.Schema):
    key = fields.String(required=True)
    variant_id = fields.Integer(required=True)
    probability_best = fields.Float(required=True)
    decisive = fields.Boolean(required=True, metadata={"description": "At least 95% sure"})


class ABResultsSchema(ma.Schema):
    test_id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    metric = fields.String(required=True)
    metric_type = fields.String(required=True)
    goal = fields.String(required=True)
    min_sample = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "ready or not_enough_data"})
    message = fields.String(required=True)
    winner = fields.Nested(WinnerSchema, required=True, allow_none=True)
    draws = fields.Integer(required=True, metadata={"description": "Monte Carlo draws behind the probabilities"})
    variants = fields.List(fields.Nested(VariantResultSchema), required=True)
