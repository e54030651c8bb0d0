"""Health, configuration, status and metrics endpoints."""
from __future__ import annotations

import hmac

from flask import Response, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from promptcraft.auth.identity import current_user, staff_required
from promptcraft.core import schemas, service
from promptcraft.errors import AppError
from promptcraft.http import ApiBlueprint, document_errors

blp = ApiBlueprint("core", __name__, description="Health, configuration, status and metrics")


@blp.route("/health/", methods=["GET"])
@blp.response(200, schemas.SimpleHealthSchema)
@document_errors(503)
def health():
    """Liveness: ok quickly, 503 when the database cannot be reached."""
    ok, _, _ = service.database_ok()
    if not ok:
        response = jsonify({"status": "unavailable"})
        response.status_code = 503
        return response
    return {"status": "ok"}


@blp.route("/api/v2/core/health/", methods=["GET"])
@blp.response(200, schemas.HealthSchema)
def core_health():
    """Per-component health: database, rate-limit storage, AI providers."""
    return service.health()


@blp.route("/api/v2/core/config/", methods=["GET"])
@blp.response(200, schemas.ConfigSchema)
def core_config():
    """What a front end needs at boot: features, providers, limits, plans, version."""
    return service.public_config()


@blp.route("/api/v2/status/", methods=["GET"])
@blp.response(200, schemas.StatusSchema)
def status():
    """System status summary: counts and provider state."""
    return service.status()


@blp.route("/api/v2/metrics/performance/", methods=["GET"])
@blp.response(200, schemas.PerformanceSchema)
@staff_required
def performance():
    """The last 50 requests and per-endpoint count, average, p95 and error rate."""
    window = current_app.extensions["perf_window"]
    return {"window_size": current_app.config["PERF_WINDOW_SIZE"], "recent": window.recent(50),
            "endpoints": window.endpoints()}


def _metrics_allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    user = current_user()
    if user is None:
        raise AppError.unauthorized("Send 'Authorization: Bearer <METRICS_TOKEN>' or sign in as staff.")
    return user.is_staff


@blp.route("/metrics", methods=["GET"])
@blp.alt_response(200, description="Prometheus text exposition", content_type="text/plain",
                  schema={"type": "string"}, success=True)
@document_errors(401, 403)
def metrics():
    """Prometheus metrics (METRICS_TOKEN bearer or a staff user)."""
    if not _metrics_allowed():
        raise AppError.forbidden("Staff only.")
    registry = current_app.extensions["metrics"].registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
