"""A research job from POST to done: it runs in the background, reports its progress, gathers
from the library and the user's own prompts, and ends with a brief that cites its sources."""
from __future__ import annotations

import re

from promptcraft.research import runner
from promptcraft.research.models import ResearchEvent, ResearchJob


def test_create_job_runs_in_the_background_to_a_cited_brief(client, auth, user, material, research):
    headers = auth.headers(user)
    job = research(headers, "SQL query indexes")
    assert job["status"] == "done" and job["progress"] == 100 and job["stage"] == "done"
    assert job["attempts"] == 1 and job["finished_at"] and job["error"] is None
    ids = [s["id"] for s in job["sources"]]
    assert f"template:{material['sql']}" in ids and f"saved:{material['saved']}" in ids
    assert f"history:{material['history']}" in ids
    assert f"template:{material['email']}" not in ids  # nothing about SQL in it
    assert [s["n"] for s in job["sources"]] == list(range(1, len(ids) + 1))
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", job["brief"])}
    assert cited and cited <= {s["n"] for s in job["sources"]}
    assert {s["n"] for s in job["sources"] if s["cited"]} == cited
    assert job["brief_method"] == "local" and "# Research brief: SQL query indexes" in job["brief"]
    assert "From the library" in job["brief"] and "From your saved prompts" in job["brief"]
    assert "From your history" in job["brief"]
    stages = [m["stage"] for m in job["messages"]]
    assert stages[0] == "queued" and stages[-1] == "done"
    assert {"planning", "library", "history", "web", "writing"} <= set(stages)
    percents = [m["progress"] for m in job["messages"]]
    assert percents == sorted(percents) and percents[-1] == 100
    assert any("Web search is off" in m["message"] for m in job["messages"])


def test_job_is_returned_queued_or_running_and_listed(client, auth, user, material, app):
    headers = auth.headers(user)
    created = client.post("/api/v2/research/jobs/", json={"topic": "SQL joins"}, headers=headers)
    assert created.status_code == 201
    assert created.json["depth"] == "standard" and created.json["topic"] == "SQL joins"
    assert created.json["status"] in ("queued", "running", "done")
    runner.wait(app, created.json["id"])
    listed = client.get("/api/v2/research/jobs/", headers=headers).json
    assert listed["count"] == 1 and listed["results"][0]["id"] == created.json["id"]
    assert listed["results"][0]["status"] == "done"
    assert client.get("/api/v2/research/jobs/?status=failed", headers=headers).json["count"] == 0


def test_nothing_found_ends_done_with_an_honest_brief(auth, user, research):
    job = research(auth.headers(user), "zymurgy fermentation vats")
    assert job["status"] == "done" and job["sources"] == []
    assert "Nothing in the library" in job["brief"]


def test_deep_research_reads_more_sources_than_quick(auth, user, library, research):
    headers = auth.headers(user)
    quick = research(headers, "marketing email campaign", "quick")
    deep = research(headers, "marketing email campaign", "deep")
    assert 0 < len(quick["sources"]) < len(deep["sources"])


def test_model_brief_is_used_when_it_cites_real_sources(app, auth, user, material, research, use_deepseek):
    fake = use_deepseek()
    fake.reply(content='{"brief": "## Summary\\n- Use explicit joins and check indexes [1].", "citations": [1]}')
    job = research(auth.headers(user), "SQL query indexes")
    assert job["brief_method"] == "model"
    assert job["brief"].startswith("## Summary\n- Use explicit joins and check indexes [1].")
    assert "## Sources" in job["brief"]
    assert [s["cited"] for s in job["sources"]][0] is True
    sent = fake.requests[0]["body"]["messages"][1]["content"]
    assert "Topic: SQL query indexes" in sent and "[1] SQL query writer" in sent


def test_model_brief_citing_unknown_sources_falls_back_to_local(auth, user, material, research, use_deepseek):
    fake = use_deepseek()
    fake.reply(content='{"brief": "Indexes matter a great deal [42].", "citations": [42]}')
    job = research(auth.headers(user), "SQL query indexes")
    assert job["status"] == "done" and job["brief_method"] == "local"
    assert "[42]" not in job["brief"]


def test_model_failure_falls_back_to_the_local_brief(auth, user, material, research, use_deepseek):
    fake = use_deepseek()
    fake.error(500)
    fake.error(500)
    job = research(auth.headers(user), "SQL query indexes")
    assert job["status"] == "done" and job["brief_method"] == "local"


def test_events_are_persisted_in_order(app, db, auth, user, material, research):
    job = research(auth.headers(user), "SQL query indexes")
    rows = db.session.scalars(db.select(ResearchEvent).where(ResearchEvent.job_id == job["id"])
                              .order_by(ResearchEvent.id)).all()
    assert [r.message for r in rows] == [m["message"] for m in job["messages"]]
    assert db.session.get(ResearchJob, job["id"]).heartbeat_at is not None


def test_out_of_model_allowance_the_brief_is_composed_offline_and_says_why(app, monkeypatch, auth, user,
                                                                             material, research, use_deepseek):
    fake = use_deepseek()
    monkeypatch.setitem(app.config, "AI_DAILY_REQUESTS", 0)
    job = research(auth.headers(user), "SQL query indexes")
    assert job["status"] == "done" and job["brief_method"] == "local" and fake.requests == []
    assert any(m["message"].startswith("The model was not used (") for m in job["messages"])
