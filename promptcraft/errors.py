"""One error type and one JSON error shape for the whole API.

Every API error is `{"error": {"code": "...", "message": "...", "details": {...}}}`.
Pages get the same error rendered as HTML (a fragment for htmx requests).
"""
from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/v1/", "/openapi.json", "/health", "/metrics")


class AppError(Exception):
    """An error a caller can act on: an HTTP status, a stable code, a message, details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}

    @classmethod
    def not_found(cls, what: str = "Resource") -> AppError:
        return cls(404, "not_found", f"{what} not found.")

    @classmethod
    def forbidden(cls, message: str = "You do not have permission to do this.") -> AppError:
        return cls(403, "forbidden", message)

    @classmethod
    def unauthorized(cls, message: str = "Authentication required.", code: str = "not_authenticated") -> AppError:
        return cls(401, code, message)

    @classmethod
    def conflict(cls, message: str, details: dict[str, Any] | None = None) -> AppError:
        return cls(409, "conflict", message, details)

    @classmethod
    def invalid(cls, message: str, fields: dict[str, Any] | None = None) -> AppError:
        return cls(400, "validation_error", message, {"fields": fields or {}})


def wants_json() -> bool:
    """JSON or HTML is decided by the route, never by the Accept header."""
    return request.path.startswith(JSON_PREFIXES)


OPENAI_TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "insufficient_quota",
                403: "permission_error", 404: "not_found_error", 409: "conflict_error", 413: "invalid_request_error",
                415: "invalid_request_error", 422: "invalid_request_error", 429: "rate_limit_error"}


def error_payload(code: str, message: str, details: dict[str, Any] | None = None, status: int = 400
                  ) -> dict[str, Any]:
    """The API's error envelope; /v1/ speaks OpenAI's instead, so its SDKs read our errors."""
    if request.path.startswith("/v1/"):
        fields = list((details or {}).get("fields", {}))
        return {"error": {"message": message, "type": OPENAI_TYPES.get(status, "api_error"),
                          "param": fields[0] if fields else None, "code": code}}
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _code_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None, headers: Any = None
) -> Response:
    if wants_json():
        response = jsonify(error_payload(code, message, details, status))
    elif status == 401:
        from promptcraft.htmx import hx_redirect

        return hx_redirect(url_for("auth_pages.login", next=request.full_path.rstrip("?")))
    elif request.headers.get("HX-Request"):
        # Fragments of errors go to the flash region, whatever the request targeted.
        response = Response(render_template("errors/_error.html", code=code, message=message,
                                            details=details or {}), mimetype="text/html")
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = Response(render_template("errors/error.html", status=status, code=code, message=message,
                                            details=details or {}), mimetype="text/html")
    response.status_code = status
    for key, value in (headers.items() if isinstance(headers, dict) else headers or []):
        if key.lower() not in {"content-type", "content-length"}:
            response.headers[key] = value
    return response


def handle_app_error(error: AppError) -> Response:
    return error_response(error.status, error.code, error.message, error.details, error.headers)


def handle_validation_error(error: ValidationError) -> Response:
    return error_response(400, "validation_error", "Invalid input.", {"fields": error.normalized_messages()})


MESSAGES = {
    404: "No such resource.",
    405: "This method is not allowed on this resource.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    429: "Too many requests: slow down and retry later.",
}


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    message = MESSAGES.get(status) or error.description or HTTPStatus(status).phrase
    details: dict[str, Any] = {}
    if getattr(error, "valid_methods", None):
        details["allowed"] = sorted(error.valid_methods)
    if status == 429:
        details["limit"] = str(error.description)
    return error_response(status, _code_for(status), message, details, dict(error.get_headers()))


def handle_unexpected(error: Exception) -> Response:
    from promptcraft.extensions import db

    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
