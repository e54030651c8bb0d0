"""Search speed at 15,000, 60,000 and 150,000 templates, on SQLite and PostgreSQL.

For each library size it prints p50/p95 (ms) of
  - search        : a ranked full-text query with highlights (the library's search box)
  - filtered list : category + tag filters with a sort, no text
  - similar       : "more like this" for a template
each at the service level and through the Flask test client (the JSON API), beside the
baseline of a plain LIKE scan over the same rows (every word must appear, most used first;
a page and its count); and how many of similar's 8 results are variants of the same bundled
prompt (its closest templates). Each query, filter and template runs RUNS times (the LIKE scan
BASELINE_RUNS times).

Every size is its own library (each a copy of the next smaller one, grown), and the sizes are
measured in turns — a round of every measure on each size, then the next round — so that the
scaling figure (p95 at the largest size over p95 at the smallest) compares searches made in the
same minutes, not minutes apart on a machine whose speed drifts. Each timed round on a library
follows an untimed one of the same requests, which brings back into the caches the pages the
other libraries' rounds pushed out (a library served on its own keeps them).
Figures are written to bench/results/search.json.

Usage:  .venv/bin/python bench/search.py [--sizes 15000,60000,150000] [--backends sqlite,postgresql]
PostgreSQL: BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/bench_search); the
libraries are its databases bench_search_15000 and so on, made afresh on each run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from promptcraft import create_app  # noqa: E402
from promptcraft.extensions import db  # noqa: E402
from promptcraft.prompt_templates import discovery  # noqa: E402
from promptcraft.prompt_templates.models import Category, Template, TemplateTag  # noqa: E402
from promptcraft.prompt_templates.seed import DATA_DIR, seed_categories  # noqa: E402

QUERIES = [
    "python code review", "email marketing campaign", "summarize research paper", "cover letter",
    "linux terminal", "translate english", "sql query", "blog post seo", "portrait photo",
    "unit tests", "job interview", "business plan", "travel itinerary", "marketing", "debug",
    "explain like", "product description", "meal plan", "legal contract", "data visualization",
]
FILTERS = [("coding", "python"), ("marketing", "email"), ("career", None), ("image-generation", None),
           ("data-analysis", "sql"), (None, "writing")]
AUDIENCES = ["beginners", "executives", "students", "engineers", "marketers", "teachers", "researchers",
             "startups", "nonprofits", "freelancers", "designers", "analysts", "parents", "doctors"]
STYLES = ["concise", "detailed", "friendly", "formal", "playful", "rigorous", "step-by-step", "visual"]
CONSTRAINTS = [
    "Keep the answer under 300 words.", "Use a numbered list.", "End with three follow-up questions.",
    "Cite your assumptions explicitly.", "Write in plain English without jargon.", "Include one worked example.",
    "Format the result as a Markdown table.", "Offer two alternative versions.",
]
# Each query, filter and template is measured RUNS times: a p95 over 200 searches, not 60, so
# that it is not decided by one or two slow moments of a shared machine. The LIKE baseline, at
# seconds a scan on the largest libraries, runs BASELINE_RUNS times.
RUNS = 10
BASELINE_RUNS = 3


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 95), 2),
            "n": len(samples)}


def bundled() -> list[dict]:
    lines = (DATA_DIR / "prompts.jsonl").read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip()]


def variant(base: dict, k: int, rng: random.Random) -> dict:
    """A plausible neighbour of a bundled template: same task, another audience, style and constraint."""
    if k == 0:
        return base
    audience, style = AUDIENCES[k % len(AUDIENCES)], STYLES[(k // len(AUDIENCES)) % len(STYLES)]
    constraint = CONSTRAINTS[rng.randrange(len(CONSTRAINTS))]
    return {
        **base,
        "title": f"{base['title']} ({style}, for {audience})"[:200],
        "description": f"{base.get('description') or base['title']} Tuned for {audience}; {style} tone.",
        "content": f"You are helping {audience}. Be {style}.\n\n{base['content']}\n\n{constraint}",
        "tags": (base["tags"] + [audience])[:5],
    }


def load(app, target: int, rows: list[dict], state: dict) -> None:
    """Grow the library to `target` templates with bulk inserts (the search index fills itself)."""
    with app.app_context():
        categories = dict(db.session.execute(sa.select(Category.slug, Category.id)).all())
        rng = random.Random(7)
        batch, tags = [], []
        next_id = state.get("next_id", 1)
        while next_id <= target:
            base = rows[(next_id - 1) % len(rows)]
            item = variant(base, (next_id - 1) // len(rows), rng)
            batch.append({
                "id": next_id, "owner_id": None, "title": item["title"], "description": item.get("description") or "",
                "content": item["content"], "variables": [{"name": v["name"], "description": "", "default": None,
                                                           "required": True} for v in item["variables"]],
                "tags": item["tags"], "category_id": categories.get(item["category"]), "is_public": True,
                "is_featured": False, "usage_count": rng.randrange(0, 200), "rating_avg": round(rng.uniform(0, 5), 2),
                "rating_count": rng.randrange(0, 40), "version": 1, "source": "bench", "source_ref": None,
                "license": item["license"], "contributors": [], "forked_from_id": None,
            })
            tags += [{"template_id": next_id, "tag": t} for t in dict.fromkeys(item["tags"])]
            next_id += 1
            if len(batch) == 2000:
                db.session.execute(sa.insert(Template), batch)
                db.session.execute(sa.insert(TemplateTag), tags)
                db.session.commit()
                batch, tags = [], []
        if batch:
            db.session.execute(sa.insert(Template), batch)
            db.session.execute(sa.insert(TemplateTag), tags)
            db.session.commit()
        state["next_id"] = next_id
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does to a table soon after bulk inserts: statistics, and the
            # visibility map that lets a count read an index alone.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.execute(sa.text("INSERT INTO templates_fts(templates_fts) VALUES ('optimize')"))
            db.session.commit()


def like_scan(query: str) -> tuple[int, list[int]]:
    """The baseline: the answer a LIKE filter gives to the same request — every word somewhere in
    title, description or content, most used first — a page and how many match, as a paginated
    list answers (the Django version's page-number pagination counted every match). Without
    the count, an index in the list's order lets a common word's page stop after 20 rows, and
    the baseline would no longer be a scan of the rows."""
    stmt = sa.select(Template.id).where(Template.is_public.is_(True))
    for word in query.split():
        pattern = f"%{word}%"
        stmt = stmt.where(sa.or_(Template.title.ilike(pattern), Template.description.ilike(pattern),
                                 Template.content.ilike(pattern)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    return total, list(db.session.scalars(stmt.order_by(Template.usage_count.desc()).limit(20)))


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def measure(apps: dict[int, Flask], bundled_count: int) -> dict[int, dict]:
    """Every measure on every library, the sizes taking turns (see the module's docstring)."""
    kinds = ("search_service", "filtered_service", "similar_service", "like_scan",
             "search_http", "filtered_http", "similar_http")
    samples = {size: {kind: [] for kind in kinds} for size in apps}
    rngs = {size: random.Random(size) for size in apps}
    ids = {}
    for size, app in apps.items():
        with app.app_context():
            ids[size] = list(db.session.scalars(sa.select(Template.id).order_by(sa.func.random()).limit(20)))
    for _ in range(BASELINE_RUNS):
        for size, app in apps.items():
            with app.app_context():
                for query in QUERIES:
                    samples[size]["like_scan"].append(timed(lambda q=query: like_scan(q)))
                    db.session.remove()
    for _ in range(RUNS):
        for size, app in apps.items():
            # Each timed round follows an untimed one of the same requests: the libraries share
            # the machine's caches (on PostgreSQL, one server's buffers), as libraries served
            # apart never would, and each would find the pages the others pushed out cold.
            warm = random.Random()
            warm.setstate(rngs[size].getstate())
            measure_round(app, {kind: [] for kind in kinds}, ids[size], warm)
            measure_round(app, samples[size], ids[size], rngs[size])
    result: dict[int, dict] = {}
    for size, app in apps.items():
        with app.app_context():
            # Relevance of "more like this": the library's variants of the same bundled prompt (every
            # len(rows)-th id, see `variant`) are its closest templates; how many of the 8 shown are one.
            found = [sum((t.id - 1) % bundled_count == (template_id - 1) % bundled_count
                         for t in discovery.similar(template_id, None)) for template_id in ids[size]]
        figures = {name: summary(values) for name, values in samples[size].items()}
        # What decides the p95: each query's own p50 at the service level, slowest first (a round
        # searches QUERIES in order, so every len(QUERIES)-th sample is the same query's).
        searched = samples[size]["search_service"]
        by_query = {query: round(statistics.median(searched[n::len(QUERIES)]), 2) for n, query in enumerate(QUERIES)}
        figures["search_service_p50_by_query"] = dict(sorted(by_query.items(), key=lambda item: -item[1]))
        figures["similar_variants_in_8"] = round(statistics.mean(found), 2)
        figures["speedup_vs_like_p50"] = round(figures["like_scan"]["p50_ms"] / figures["search_service"]["p50_ms"], 1)
        figures["speedup_vs_like_p95"] = round(figures["like_scan"]["p95_ms"] / figures["search_service"]["p95_ms"], 1)
        result[size] = figures
    return result


def measure_round(app: Flask, samples: dict[str, list[float]], ids: list[int], rng: random.Random) -> None:
    """Each query, filter and template once at the service level, then once through the test client."""
    with app.app_context():
        for query in QUERIES:
            samples["search_service"].append(timed(lambda q=query: discovery.list_templates(None, q=q)))
            db.session.remove()
        for category, tag in FILTERS:
            filters = discovery.Filters(category=category, tag=tag)
            ordering = rng.choice(["-usage", "-rating", "-created", "title"])
            samples["filtered_service"].append(timed(
                lambda f=filters, o=ordering: discovery.list_templates(None, filters=f, ordering=o)))
        for template_id in ids:
            samples["similar_service"].append(timed(lambda t=template_id: discovery.similar(t, None)))
        db.session.remove()
    client = app.test_client()
    for query in QUERIES:
        samples["search_http"].append(timed(lambda q=query: client.get("/api/v2/templates/", query_string={"q": q})))
    for category, tag in FILTERS:
        params = {k: v for k, v in {"category": category, "tag": tag, "ordering": "-usage"}.items() if v}
        samples["filtered_http"].append(timed(lambda p=params: client.get("/api/v2/templates/", query_string=p)))
    for template_id in ids:
        samples["similar_http"].append(timed(lambda t=template_id: client.get(f"/api/v2/prompts/{t}/similar/")))


def make_app(backend: str, workdir: Path, size: int, copy_of: Flask | None = None) -> Flask:
    """The app over the library of `size` templates: a new database, or a copy of `copy_of`'s."""
    if backend == "sqlite":
        path = workdir / f"bench_{size}.db"
        if copy_of is not None:
            # SQLite's backup API copies a database in WAL mode whole
            with copy_of.app_context(), db.engine.connect() as source, closing(sqlite3.connect(path)) as target:
                source.connection.driver_connection.backup(target)
        url = f"sqlite:///{path}"
    else:
        base = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/bench_search")
        server, name = base.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)
        name = f"{name}_{size}"
        admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            if copy_of is None:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            else:
                with copy_of.app_context():
                    source = db.engine.url.database
                    db.engine.dispose()  # a database is copied only with no one connected to it
                connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        admin.dispose()
        url = f"{server}/{name}"
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING",
        "BACKGROUND_INLINE": False})  # as in production: side effects (search analytics) after the response
    if copy_of is None:
        with app.app_context():
            upgrade()
            seed_categories()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="15000,60000,150000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rows = bundled()
    report: dict = {"sizes": sizes, "queries": QUERIES, "runs_per_query": RUNS,
                    "baseline_runs_per_query": BASELINE_RUNS, "backends": {}}
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            apps: dict[int, Flask] = {}
            state: dict = {}
            app = None
            for size in sizes:  # each library grown from a copy of the next smaller one
                started = time.perf_counter()
                app = apps[size] = make_app(backend, Path(tmp), size, copy_of=app)
                load(app, size, rows, state)
                print(f"[{backend}] {size} templates loaded in {time.perf_counter() - started:.0f}s", flush=True)
            by_size = {str(size): figures for size, figures in measure(apps, len(rows)).items()}
            for size in sizes:
                print_table(backend, size, by_size[str(size)])
            first, last = str(sizes[0]), str(sizes[-1])
            by_size["scaling_search_p95"] = round(
                by_size[last]["search_service"]["p95_ms"] / by_size[first]["search_service"]["p95_ms"], 2)
            by_size["scaling_search_http_p95"] = round(
                by_size[last]["search_http"]["p95_ms"] / by_size[first]["search_http"]["p95_ms"], 2)
            report["backends"][backend] = by_size
            print(f"[{backend}] p95 {last} / p95 {first}, measured in turns: service ×{by_size['scaling_search_p95']}, "
                  f"HTTP ×{by_size['scaling_search_http_p95']}\n", flush=True)
            for app in apps.values():
                with app.app_context():
                    db.engine.dispose()
    out = ROOT / "bench" / "results" / "search.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


def print_table(backend: str, size: int, figures: dict) -> None:
    print(f"[{backend}] {size} templates\n  {'measure':<20}{'p50 ms':>10}{'p95 ms':>10}")
    for name in ("search_service", "search_http", "filtered_service", "filtered_http", "similar_service",
                 "similar_http", "like_scan"):
        print(f"  {name:<20}{figures[name]['p50_ms']:>10.2f}{figures[name]['p95_ms']:>10.2f}")
    print(f"  search vs LIKE scan: ×{figures['speedup_vs_like_p50']} at p50, ×{figures['speedup_vs_like_p95']} at p95",
          flush=True)
    print(f"  similar: {figures['similar_variants_in_8']} of 8 results are variants of the same prompt", flush=True)
    slowest = list(figures["search_service_p50_by_query"].items())[:4]
    print("  slowest queries (service p50 ms): " + ", ".join(f"{query} {ms:.2f}" for query, ms in slowest), flush=True)


if __name__ == "__main__":
    main()
