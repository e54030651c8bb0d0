"""Analytics at 1,000,000 events from 1,000 users, on SQLite and PostgreSQL.

Loads the events with the backend's bulk path (executemany on SQLite, COPY on PostgreSQL),
spread over the last 180 days with the mix the product's listeners record (prompts, template
views and uses, chat turns, AI calls with tokens and cost, searches) plus client events. Then,
through the Flask test client and the JSON API, for one user (each has 1/1000 of the events), prints p50/p95
(ms) of
  - dashboard/?days=7|30|90  (target: p95 under 50 ms)
  - track/ with a batch of 100 events
and writes the figures to bench/results/analytics.json.

Usage:  .venv/bin/python bench/analytics.py [--events 1000000] [--users 1000] [--backends sqlite,postgresql]
PostgreSQL: BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/bench_analytics; recreated).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from promptcraft import create_app  # noqa: E402
from promptcraft.analytics.models import Event  # noqa: E402
from promptcraft.analytics.service import events as names  # noqa: E402
from promptcraft.auth import tokens  # noqa: E402
from promptcraft.auth.models import User  # noqa: E402
from promptcraft.auth.passwords import hash_password  # noqa: E402
from promptcraft.extensions import db  # noqa: E402
from promptcraft.prompt_templates.models import Category, Template  # noqa: E402
from promptcraft.prompt_templates.seed import seed_categories  # noqa: E402

DAYS = 180
TEMPLATES = 500
BATCH = 20_000
RUNS = 60
# name -> weight in the mix
MIX = {names.TEMPLATE_VIEWED: 25, names.TEMPLATE_USED: 15, names.PROMPT_RECORDED: 15, names.AI_CALL: 15,
       names.CHAT_TURN: 10, names.SEARCH: 10, "page_view": 7, "prompt_copied": 3}
COLUMNS = ("user_id", "name", "source", "template_id", "tokens", "cost", "properties", "occurred_at", "day",
           "received_at")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 95), 2),
            "n": len(samples)}


def make_app(backend: str, workdir: Path):
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        url = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/bench_analytics")
        admin = sa.create_engine(url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                                 isolation_level="AUTOCOMMIT")
        name = url.rsplit("/", 1)[1]
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = url.replace("postgresql://", "postgresql+psycopg://")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade()
        seed_categories()
    return app


def seed_users_and_templates(user_count: int) -> tuple[list[uuid.UUID], list[int]]:
    password = hash_password("bench-passphrase-42")
    users = [{"id": uuid.uuid4(), "username": f"user{i}", "username_key": f"user{i}",
              "email": f"user{i}@bench.test", "password_hash": password} for i in range(user_count)]
    db.session.execute(sa.insert(User), users)
    categories = db.session.scalars(sa.select(Category.id)).all()
    rng = random.Random(7)
    db.session.execute(sa.insert(Template), [
        {"title": f"Bench template {i}", "content": "Write about {{topic}}.", "category_id": rng.choice(categories),
         "variables": [{"name": "topic"}], "tags": [], "contributors": [], "usage_count": rng.randrange(1000),
         "rating_avg": round(rng.uniform(2.5, 5), 2), "rating_count": rng.randrange(50)} for i in range(TEMPLATES)])
    db.session.commit()
    return [u["id"] for u in users], db.session.scalars(sa.select(Template.id)).all()


def event_rows(total: int, users: list[uuid.UUID], templates: list[int]):
    """Events as tuples in COLUMNS order, in batches: every user gets about the same share."""
    rng = random.Random(42)
    now = datetime.now(UTC)
    mix_names, weights = list(MIX), list(MIX.values())
    batch = []
    for i in range(total):
        name = rng.choices(mix_names, weights)[0]
        when = now - timedelta(seconds=rng.randrange(DAYS * 86_400))
        template_id = rng.choice(templates) if name in (names.TEMPLATE_VIEWED, names.TEMPLATE_USED) else None
        tokens_used = rng.randrange(50, 4000) if name == names.AI_CALL else 0
        cost = round(tokens_used * 0.0000021, 8)
        source = "client" if name in ("page_view", "prompt_copied") else "server"
        batch.append((users[i % len(users)], name, source, template_id, tokens_used, cost, "{}", when, when.date(),
                      when))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _sqlite_value(value):
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat() if hasattr(value, "isoformat") else value


def bulk_load(backend: str, total: int, users: list[uuid.UUID], templates: list[int]) -> float:
    started = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for batch in event_rows(total, users, templates):
            if backend == "sqlite":
                cursor.executemany(f"INSERT INTO analytics_events ({', '.join(COLUMNS)}) VALUES "
                                   f"({', '.join('?' * len(COLUMNS))})",
                                   [tuple(_sqlite_value(v) for v in row) for row in batch])
            else:
                with cursor.copy(f"COPY analytics_events ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def user_event_count(user_id: uuid.UUID) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Event.user_id == user_id))


def measure(app, users: list[uuid.UUID]) -> dict:
    client = app.test_client()
    with app.app_context():
        # Events are dealt out in turn, so every user has the same share: the first is typical.
        pair = tokens.issue(db.session.get(User, users[0]))
        db.session.commit()
        headers = {"Authorization": f"Bearer {pair.access}"}
        result: dict = {"user_events": user_event_count(users[0])}
    for days in (7, 30, 90):
        url = f"/api/v2/analytics/dashboard/?days={days}"
        assert client.get(url, headers=headers).status_code == 200  # warm the caches once
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.json
        result[f"dashboard_{days}d"] = summary(samples)
    samples = []
    for run in range(RUNS):
        batch = {"events": [{"name": "bench_event", "properties": {"run": run, "i": i, "page": "/library"}}
                            for i in range(100)]}
        started = time.perf_counter()
        response = client.post("/api/v2/analytics/track/", json=batch, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.json
    result["track_batch_100"] = summary(samples)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    report: dict = {"events": args.events, "users": args.users, "days": DAYS, "runs": RUNS,
                    "target": "dashboard p95 < 50 ms", "backends": {}}
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(backend, Path(tmp))
            with app.app_context():
                users, templates = seed_users_and_templates(args.users)
                load_seconds = bulk_load(backend, args.events, users, templates)
            print(f"{backend}: loaded {args.events:,} events in {load_seconds:.1f} s", flush=True)
            figures = measure(app, users)
            figures["load_seconds"] = round(load_seconds, 1)
            figures["meets_target"] = all(figures[f"dashboard_{d}d"]["p95_ms"] < 50 for d in (7, 30, 90))
            report["backends"][backend] = figures
            for key, value in figures.items():
                if isinstance(value, dict):
                    print(f"  {key:<16} p50 {value['p50_ms']:>7.2f} ms   p95 {value['p95_ms']:>7.2f} ms", flush=True)
            print(f"  user events      {figures['user_events']:,}; dashboard p95 < 50 ms: {figures['meets_target']}")
            with app.app_context():
                db.engine.dispose()
    out = ROOT / "bench" / "results" / "analytics.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
