"""Research fixtures: material to research (templates, the user's own prompts), a fake Tavily,
and a helper that starts a job through the API and waits for its background run to end."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from promptcraft.extensions import db as _db
from promptcraft.history.models import PromptHistory, SavedPrompt
from promptcraft.research import runner
from promptcraft.research.models import ResearchJob
from tests.fakes.tavily import API_KEY as TAVILY_KEY
from tests.fakes.tavily import FakeTavily

SQL_TEMPLATE = ("Write a SQL query that answers {{question}}. Use explicit JOIN clauses and name every column. "
                "Explain how the query uses indexes before you show it. Return the SQL in one fenced block.")


@pytest.fixture
def material(app, user, make_template):
    """Two library templates, and a saved prompt and a history entry of the user about SQL queries;
    returns their ids."""
    ids = {"sql": make_template(title="SQL query writer", content=SQL_TEMPLATE, category="coding", tags=["sql"]),
           "email": make_template(title="Weekly status email")}
    with app.app_context():
        saved = SavedPrompt(user_id=user.id, title="My SQL review prompt",
                            content="Review this SQL query for slow joins and missing indexes. Suggest a faster "
                                    "query and explain the change in plain words.")
        entry = PromptHistory(user_id=user.id, original_prompt="Speed up my SQL query with the right indexes",
                              optimized_prompt="Act as a database expert. Find the indexes this SQL query needs "
                                               "and explain the cost of each one.", quality_score=8.0)
        _db.session.add_all([saved, entry])
        _db.session.commit()
        ids["saved"], ids["history"] = saved.id, entry.id
    return ids


@pytest.fixture
def make_job(app):
    """make_job(user, minutes_ago=0, **columns) → the id of a job row as a run left it (default:
    running, at the library stage, 35%, first attempt, heartbeat `minutes_ago`)."""

    def make(user, minutes_ago: float = 0, **columns) -> int:
        beat = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        values = {"topic": "SQL query indexes", "depth": "quick", "status": "running", "stage": "library",
                  "progress": 35, "attempts": 1, "created_at": beat, "started_at": beat, "heartbeat_at": beat}
        with app.app_context():
            job = ResearchJob(owner_id=user.id, **{**values, **columns})
            _db.session.add(job)
            _db.session.commit()
            return job.id

    return make


@pytest.fixture(scope="session")
def fake_tavily_server():
    server = FakeTavily().start()
    yield server
    server.stop()


@pytest.fixture
def fake_tavily(fake_tavily_server):
    fake_tavily_server.reset()
    yield fake_tavily_server
    fake_tavily_server.reset()


@pytest.fixture
def use_tavily(app, fake_tavily, monkeypatch):
    """Turn web search on, pointed at the fake Tavily; returns the fake."""
    monkeypatch.setitem(app.config, "TAVILY_API_KEY", TAVILY_KEY)
    monkeypatch.setitem(app.config, "TAVILY_BASE_URL", fake_tavily.url)
    monkeypatch.setitem(app.config, "TAVILY_TIMEOUT_SECONDS", 1.0)
    return fake_tavily


@pytest.fixture
def research(app, client):
    """research(headers, topic, depth="standard") → the finished job as the API shows it."""

    def run(headers, topic="SQL query indexes", depth="standard"):
        created = client.post("/api/v2/research/jobs/", json={"topic": topic, "depth": depth}, headers=headers)
        assert created.status_code == 201, created.json
        assert runner.wait(app, created.json["id"], timeout=30)
        return client.get(f"/api/v2/research/jobs/{created.json['id']}/", headers=headers).json

    return run
