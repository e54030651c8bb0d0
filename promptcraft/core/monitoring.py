"""Request ids, Prometheus metrics and the in-memory window of recent requests."""
from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from statistics import mean

from flask import Flask, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram, ProcessCollector
from prometheus_client import Counter as PromCounter

log = logging.getLogger("promptcraft.requests")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class RequestRecord:
    method: str
    path: str
    endpoint: str
    status: int
    ms: float
    user: str | None
    at: datetime


class PerformanceWindow:
    """A bounded window of the most recent requests, for the performance page and API."""

    def __init__(self, size: int) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def recent(self, n: int = 50) -> list[dict]:
        return [asdict(r) for r in reversed(self.snapshot()[-n:])]

    def endpoints(self) -> list[dict]:
        groups: dict[tuple[str, str], list[RequestRecord]] = {}
        for record in self.snapshot():
            groups.setdefault((record.method, record.endpoint), []).append(record)
        stats = []
        for (method, endpoint), records in groups.items():
            times = sorted(r.ms for r in records)
            statuses = Counter(r.status // 100 for r in records)
            stats.append({
                "method": method,
                "endpoint": endpoint,
                "count": len(records),
                "avg_ms": round(mean(times), 2),
                "p50_ms": round(percentile(times, 50), 2),
                "p95_ms": round(percentile(times, 95), 2),
                "error_rate": round(statuses[5] / len(records), 4),
                "client_error_rate": round(statuses[4] / len(records), 4),
            })
        return sorted(stats, key=lambda s: -s["count"])


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.requests = PromCounter(
            "promptcraft_http_requests_total", "HTTP requests", ["method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "promptcraft_http_request_duration_seconds", "Time to produce the response head",
            ["method", "endpoint"], registry=self.registry,
        )


def _start() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    if started is None or request.path.startswith("/static/"):
        return response
    elapsed = time.perf_counter() - started
    endpoint = request.url_rule.rule if request.url_rule else "<unmatched>"
    identity = g.get("identity")
    user = identity.user.username if identity else None
    extensions = current_app.extensions
    extensions["perf_window"].add(RequestRecord(
        request.method, request.path, endpoint, response.status_code, round(elapsed * 1000, 2), user,
        datetime.now(UTC),
    ))
    metrics: Metrics = extensions["metrics"]
    metrics.requests.labels(request.method, endpoint, str(response.status_code)).inc()
    metrics.latency.labels(request.method, endpoint).observe(elapsed)
    log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed * 1000)
    return response


def init_app(app: Flask) -> None:
    app.extensions["perf_window"] = PerformanceWindow(app.config["PERF_WINDOW_SIZE"])
    app.extensions["metrics"] = Metrics()
    app.extensions["started_at"] = time.time()
    app.before_request(_start)
    app.after_request(_finish)
