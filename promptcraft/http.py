"""Validate-and-document: flask-smorest configured for the one error shape of the API.

`ApiBlueprint.arguments` validates a request and records its schema for apispec in one
decorator; invalid input is a 400 `validation_error` in the shared envelope. Operations
declared with `auth.identity.login_required` / `staff_required` are documented with their
security and their 401/403 responses, and every operation with a path parameter with 404.
"""
from __future__ import annotations

import functools
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import request
from flask_smorest.utils import resolve_schema_instance
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from promptcraft.errors import AppError

SECURITY = [{"bearerAuth": []}, {"apiKeyAuth": []}, {"cookieAuth": []}]


class IdConverter(IntegerConverter):
    """`<id:name>`: a positive integer that fits the database's integer keys; others are 404."""

    def __init__(self, url_map: Any) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable machine-readable code"})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, for people"})
    details = ma.fields.Dict(required=True, metadata={"description": "Field errors and other context"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class ApiParser(FlaskParser):
    """webargs parser whose failures are AppErrors (400) instead of webargs' 422 aborts."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req: Any) -> Any:
        if (req.content_length or req.mimetype) and not core.is_json(req.mimetype):
            raise AppError(415, "unsupported_media_type", "Send the body as application/json.")
        return super()._raw_load_json(req)

    def _handle_invalid_json_error(self, error: Exception, req: Any, *args: Any, **kwargs: Any):
        raise AppError(400, "invalid_json", "The request body is not valid JSON.")

    def handle_error(self, error: ma.ValidationError, req: Any, schema: Any, *, error_status_code=None,
                     error_headers=None):
        messages = error.normalized_messages()
        # webargs nests messages by location ({"json": {...}}); callers want the fields.
        fields: dict[str, Any] = {}
        for location_messages in messages.values():
            if isinstance(location_messages, dict):
                fields.update(location_messages)
            else:
                fields["_schema"] = location_messages
        raise AppError(400, "validation_error", "Invalid input.", {"fields": fields})


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_error_doc)

    def arguments(self, schema, *, location: str = "json", required: bool = True, **kwargs):
        """Validate and document; a required JSON body that is absent is a 400, not `{}`.

        A schema class is made an instance once, here: given the class, webargs would build a
        new instance (deep copies of every field) on each request."""
        schema = resolve_schema_instance(schema)
        decorator = super().arguments(schema, location=location, required=required, **kwargs)
        if location != "json" or not required:
            return decorator

        def with_body_check(func):
            wrapped = decorator(func)

            @functools.wraps(wrapped)
            def view(*args, **view_kwargs):
                if not (request.content_length or request.get_data(cache=True)):
                    raise AppError(400, "body_required", "Send a JSON object as the request body.")
                return wrapped(*args, **view_kwargs)

            return view

        return with_body_check

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)
        if "<" in rule:
            name = endpoint or view_func.__name__
            for key, method_doc in self._docs.get(name, {}).items():
                if key != "parameters" and isinstance(method_doc, dict):
                    method_doc["has_path_params"] = True

    @staticmethod
    def _prepare_error_doc(doc: dict, doc_info: dict, *, spec: Any, **kwargs: Any) -> dict:
        responses = doc.setdefault("responses", {})
        auth = doc_info.get("auth")
        if auth:
            doc["security"] = SECURITY
            responses.setdefault(401, "UNAUTHORIZED")
            if auth == "staff":
                responses.setdefault(403, "FORBIDDEN")
        if doc_info.get("has_path_params"):
            responses.setdefault(404, "NOT_FOUND")
        for status, name in doc_info.get("errors", {}).items():
            responses.setdefault(status, name)
        responses.setdefault(429, "TOO_MANY_REQUESTS")
        if doc_info.get("openai_errors"):
            _openai_error_doc(responses, spec)
        return doc


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_error_handlers(self) -> None:
        """Errors are handled by promptcraft.errors, for pages and API alike."""

    def init_app(self, app: Any, *, spec_kwargs: dict | None = None) -> None:
        app.url_map.converters["id"] = IdConverter
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.register_converter(IdConverter, lambda converter: {"type": "integer", "minimum": converter.min,
                                                                "maximum": converter.max})
        self.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
        )
        self.spec.components.security_scheme(
            "apiKeyAuth", {"type": "apiKey", "in": "header", "name": "X-API-Key"}
        )
        self.spec.components.security_scheme(
            "cookieAuth", {"type": "apiKey", "in": "cookie", "name": "access_token_cookie"}
        )


def _openai_error_doc(responses: dict, spec: Any) -> None:
    """/v1/ answers errors in OpenAI's shape: document exactly that for every error status."""
    from promptcraft.ai.v1_schemas import OpenAIErrorSchema

    if "OpenAIError" not in spec.components.schemas:
        spec.components.schema("OpenAIError", schema=OpenAIErrorSchema)
    body = {"description": "An error, in OpenAI's format",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAIError"}}}}
    for status in list(responses):
        if status == "default" or int(status) >= 400:
            responses[status] = body


def openai_errors(func):
    """Mark an operation whose errors use OpenAI's format (the /v1/ front door)."""
    doc = dict(getattr(func, "_apidoc", {}))
    doc["openai_errors"] = True
    func._apidoc = doc
    return func


def document_errors(*statuses: int):
    """Record error statuses that an operation can answer besides the automatic ones."""
    from http import HTTPStatus

    def decorator(func):
        doc = dict(getattr(func, "_apidoc", {}))
        errors = dict(doc.get("errors", {}))
        errors.update({status: HTTPStatus(status).name for status in statuses})
        doc["errors"] = errors
        func._apidoc = doc
        return func

    return decorator

