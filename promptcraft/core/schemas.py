"""Schemas of the core endpoints."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields


class SimpleHealthSchema(ma.Schema):
    status = fields.String(required=True)


class ProviderStateSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    name = fields.String(required=True)
    configured = fields.Boolean(required=True)
    reachable = fields.Boolean(allow_none=True)
    checked_at = fields.DateTime(allow_none=True)
    detail = fields.String(allow_none=True)


class DatabaseHealthSchema(ma.Schema):
    status = fields.String(required=True)
    latency_ms = fields.Float(required=True)
    error = fields.String(required=True, allow_none=True)
    backend = fields.String(required=True)


class StorageHealthSchema(ma.Schema):
    status = fields.String(required=True)
    backend = fields.String(required=True)


class ComponentsSchema(ma.Schema):
    database = fields.Nested(DatabaseHealthSchema, required=True)
    rate_limit_storage = fields.Nested(StorageHealthSchema, required=True)
    ai_providers = fields.List(fields.Nested(ProviderStateSchema), required=True)


class HealthSchema(ma.Schema):
    status = fields.String(required=True, metadata={"description": "ok or degraded"})
    version = fields.String(required=True)
    uptime_seconds = fields.Float(required=True)
    components = fields.Nested(ComponentsSchema, required=True)


class StatusSchema(ma.Schema):
    status = fields.String(required=True)
    version = fields.String(required=True)
    uptime_seconds = fields.Float(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    ai_providers = fields.List(fields.Nested(ProviderStateSchema), required=True)


class ConfigSchema(ma.Schema):
    app_name = fields.String(required=True)
    version = fields.String(required=True)
    api_version = fields.String(required=True)
    features = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True)
    ai = fields.Dict(required=True)
    limits = fields.Dict(required=True)
    plans = fields.List(fields.String(), required=True)
    auth = fields.Dict(required=True)


class RequestRecordSchema(ma.Schema):
    method = fields.String(required=True)
    path = fields.String(required=True)
    endpoint = fields.String(required=True)
    status = fields.Integer(required=True)
    ms = fields.Float(required=True)
    user = fields.String(required=True, allow_none=True)
    at = fields.DateTime(required=True)


class EndpointStatsSchema(ma.Schema):
    method = fields.String(required=True)
    endpoint = fields.String(required=True)
    count = fields.Integer(required=True)
    avg_ms = fields.Float(required=True)
    p50_ms = fields.Float(required=True)
    p95_ms = fields.Float(required=True)
    error_rate = fields.Float(required=True)
    client_error_rate = fields.Float(required=True)


class PerformanceSchema(ma.Schema):
    window_size = fields.Integer(required=True)
    recent = fields.List(fields.Nested(RequestRecordSchema), required=True)
    endpoints = fields.List(fields.Nested(EndpointStatsSchema), required=True)
