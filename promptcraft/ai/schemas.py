"""Schemas of the AI endpoints."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.fields import JsonBoolean, JsonFloat, JsonInteger

ROLES = ["system", "user", "assistant", "tool"]
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Text may not contain NUL characters.")


class ChatMessageSchema(ma.Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    content = fields.String(required=True, validate=[validate.Length(max=100_000), NO_NUL])


class GenerationOptionsSchema(ma.Schema):
    model = fields.String(validate=validate.Length(min=1, max=100))
    temperature = JsonFloat(validate=validate.Range(min=0, max=2))
    max_tokens = JsonInteger(validate=validate.Range(min=1, max=32_000))
    thinking = JsonBoolean(metadata={"description": "DeepSeek: switch reasoning on or off"})


class GenerateSchema(GenerationOptionsSchema):
    prompt = fields.String(validate=[validate.Length(min=1, max=100_000), NO_NUL])
    template_id = JsonInteger(validate=validate.Range(min=1, max=2**31 - 1))
    variables = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                            values=fields.String(validate=validate.Length(max=20_000)), load_default=dict)
    system = fields.String(validate=[validate.Length(max=20_000), NO_NUL])

    @ma.validates_schema
    def prompt_or_template(self, data: dict, **kwargs) -> None:
        if bool(data.get("prompt")) == bool(data.get("template_id")):
            raise ma.ValidationError("Send either prompt or template_id (with variables).", "prompt")


class UsageSchema(ma.Schema):
    prompt_tokens = fields.Integer(required=True)
    completion_tokens = fields.Integer(required=True)
    cached_tokens = fields.Integer(required=True)
    total_tokens = fields.Integer(required=True)


class CompletionSchema(ma.Schema):
    content = fields.String(required=True)
    reasoning = fields.String(required=True)
    provider = fields.String(required=True)
    model = fields.String(required=True)
    finish_reason = fields.String(required=True)
    usage = fields.Nested(UsageSchema, required=True)
    template_id = fields.Integer(allow_none=True)
    history_id = fields.Integer(allow_none=True)


class ChatSchema(GenerationOptionsSchema):
    messages = fields.List(fields.Nested(ChatMessageSchema), required=True, validate=validate.Length(min=1, max=200))


class AIProviderSchema(ma.Schema):
    name = fields.String(required=True)
    label = fields.String(required=True)
    configured = fields.Boolean(required=True)
    paid = fields.Boolean(required=True)
    default_model = fields.String(required=True, allow_none=True)
    reachable = fields.Boolean(required=True, allow_none=True)
    checked_at = fields.DateTime(required=True, allow_none=True)


class AIProviderListSchema(ma.Schema):
    results = fields.List(fields.Nested(AIProviderSchema), required=True)


class ModelSchema(ma.Schema):
    id = fields.String(required=True)
    provider = fields.String(required=True)
    owned_by = fields.String(allow_none=True)


class ModelListSchema(ma.Schema):
    results = fields.List(fields.Nested(ModelSchema), required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "Providers that could not be asked, with why"})


class UsageQuerySchema(ma.Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))


class UsageRowSchema(ma.Schema):
    day = fields.Date(required=True)
    provider = fields.String(required=True)
    model = fields.String(required=True)
    requests = fields.Integer(required=True)
    prompt_tokens = fields.Integer(required=True)
    completion_tokens = fields.Integer(required=True)
    cached_tokens = fields.Integer(required=True)
    cost = fields.Decimal(required=True, as_string=True, metadata={"type": "string", "format": "decimal",
                                                                   "description": "USD"})


class UsageTotalsSchema(ma.Schema):
    requests = fields.Integer(required=True)
    prompt_tokens = fields.Integer(required=True)
    completion_tokens = fields.Integer(required=True)
    cached_tokens = fields.Integer(required=True)
    cost = fields.Decimal(required=True, as_string=True, metadata={"type": "string", "format": "decimal"})
    errors = fields.Integer(required=True)


class UsageReportSchema(ma.Schema):
    days = fields.Integer(required=True)
    rows = fields.List(fields.Nested(UsageRowSchema), required=True)
    totals = fields.Nested(UsageTotalsSchema, required=True)


class LimitSchema(ma.Schema):
    limit = fields.Integer(required=True)
    used = fields.Integer(required=True)
    remaining = fields.Integer(required=True)


class QuotaSchema(ma.Schema):
    plan = fields.String(required=True)
    period = fields.String(required=True)
    resets_at = fields.DateTime(required=True)
    requests = fields.Nested(LimitSchema, required=True)
    tokens = fields.Nested(LimitSchema, required=True)
    credits = fields.Integer(required=True)
    models = fields.List(fields.String(), required=True, allow_none=True)


class DeepSeekTestSchema(ma.Schema):
    configured = fields.Boolean(required=True)
    reachable = fields.Boolean(required=True)
    latency_ms = fields.Float(required=True, allow_none=True)
    models = fields.List(fields.String(), required=True)
    balance = fields.Dict(allow_none=True, metadata={"description": "Account balance (staff only)"})
    error = fields.String(required=True, allow_none=True)
