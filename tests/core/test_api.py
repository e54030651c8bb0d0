"""Health, configuration, status, metrics and the performance window."""
from __future__ import annotations

from promptcraft import create_app


def test_health_is_ok_and_fast(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert client.get("/health").status_code == 200  # no redirect without the slash


def test_health_is_503_when_the_database_is_down():
    # Nothing listens on port 1: every connection attempt is refused at once.
    broken = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = broken.test_client().get("/health/")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable"}
    detail = broken.test_client().get("/api/v2/core/health/").json
    assert detail["status"] == "degraded"
    assert detail["components"]["database"]["status"] == "down"


def test_core_health_reports_each_component(client, app):
    body = client.get("/api/v2/core/health/").json
    assert body["status"] == "ok"
    assert body["version"] == app.config["VERSION"]
    components = body["components"]
    assert components["database"]["status"] == "ok"
    assert components["database"]["backend"] in {"sqlite", "postgresql"}
    assert components["rate_limit_storage"]["status"] == "ok"
    assert components["rate_limit_storage"]["backend"] == app.config["RATELIMIT_STORAGE_URI"].split(":")[0]
    assert [p["name"] for p in components["ai_providers"]] == app.config["AI_PROVIDERS"]
    assert body["uptime_seconds"] >= 0


def test_config_tells_a_front_end_what_it_needs(client, app):
    body = client.get("/api/v2/core/config/").json
    assert body["version"] == app.config["VERSION"]
    assert body["features"]["social_login"] is True  # the test app configures one provider
    assert body["limits"]["max_request_bytes"] == app.config["MAX_CONTENT_LENGTH"]
    assert body["auth"] == {"access_token_minutes": 15, "refresh_token_days": 30}
    assert "local" in body["ai"]["providers"]


def test_status_counts_real_rows(client, make_user):
    assert client.get("/api/v2/status/").json["counts"]["users"] == 0
    make_user()
    make_user()
    body = client.get("/api/v2/status/").json
    assert body["status"] == "ok"
    assert body["counts"]["users"] == 2


def test_metrics_need_the_token_or_staff(client, auth, user, staff):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers=auth.headers(user)).status_code == 403
    client.get("/health/")
    by_token = client.get("/metrics", headers={"Authorization": "Bearer test-metrics-token"})
    assert by_token.status_code == 200
    assert by_token.mimetype == "text/plain"
    text = by_token.get_data(as_text=True)
    assert 'promptcraft_http_requests_total{endpoint="/health/",method="GET",status="200"}' in text
    assert "promptcraft_http_request_duration_seconds_bucket" in text
    assert client.get("/metrics", headers=auth.headers(staff)).status_code == 200


def test_performance_is_staff_only_and_reflects_real_requests(client, auth, user, staff):
    assert client.get("/api/v2/metrics/performance/").status_code == 401
    assert client.get("/api/v2/metrics/performance/", headers=auth.headers(user)).status_code == 403
    headers = auth.headers(staff)
    for _ in range(3):
        client.get("/api/v2/status/")
    client.get("/api/v2/no-such-thing/")
    body = client.get("/api/v2/metrics/performance/", headers=headers).json
    assert body["recent"][0]["path"] in {"/api/v2/no-such-thing/", "/api/v2/auth/login/"}
    status_row = next(e for e in body["endpoints"] if e["endpoint"] == "/api/v2/status/")
    assert status_row["count"] == 3
    assert status_row["p95_ms"] >= status_row["p50_ms"] > 0
    assert status_row["error_rate"] == 0
    unmatched = next(e for e in body["endpoints"] if e["endpoint"] == "<unmatched>")
    assert unmatched["client_error_rate"] == 1.0
    assert len(body["recent"]) <= 50


def test_performance_window_is_bounded(app):
    from datetime import UTC, datetime

    from promptcraft.core.monitoring import PerformanceWindow, RequestRecord

    window = PerformanceWindow(10)
    for n in range(25):
        window.add(RequestRecord("GET", f"/x/{n}", "/x/<n>", 200, float(n), None, datetime.now(UTC)))
    assert len(window.snapshot()) == 10
    assert window.recent(3)[0]["path"] == "/x/24"
    (stats,) = window.endpoints()
    assert stats["count"] == 10 and stats["p95_ms"] == 24.0 and stats["avg_ms"] == 19.5


def test_request_id_is_generated_or_kept(client):
    generated = client.get("/health/").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/health/", headers={"X-Request-ID": "trace-abc.123"}).headers["X-Request-ID"] == "trace-abc.123"
    # Something that could smuggle text into logs is replaced.
    unsafe = "bad id <script>"
    assert client.get("/health/", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"] != unsafe


def test_request_id_is_in_the_log_lines(client, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="promptcraft.requests")
    client.get("/api/v2/status/", headers={"X-Request-ID": "log-me-42"})
    records = [r for r in caplog.records if r.name == "promptcraft.requests"]
    assert records and records[-1].request_id == "log-me-42"
