"""The research API's rules: progress over SSE (ending with the job, resumable), the daily limit
from entitlements, owner-only access, and bad input refused without side effects."""
from __future__ import annotations

import json

import pytest

from promptcraft import signals
from promptcraft.extensions import db as _db
from promptcraft.research import runner
from promptcraft.research.models import ResearchJob
from promptcraft.sse import SSEParser


def _events(body: bytes) -> list[tuple[str | None, str | None, dict]]:
    return [(m.event, m.id, json.loads(m.data)) for m in SSEParser().feed(body) if m.data is not None]


def test_stream_follows_a_running_job_and_ends_with_done(app, client, auth, user, material, use_tavily):
    use_tavily.delay = 0.3  # the job is still running when the stream opens
    headers = auth.headers(user)
    job_id = client.post("/api/v2/research/jobs/", json={"topic": "SQL query indexes"}, headers=headers).json["id"]
    response = client.get(f"/api/v2/research/jobs/{job_id}/stream/", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = _events(response.data)
    assert events[0] == ("start", None, {"job_id": job_id})
    progress = [payload for name, _, payload in events if name == "progress"]
    assert [p["stage"] for p in progress][:2] == ["queued", "starting"]
    assert progress[-1] == {"stage": "done", "progress": 100, "status": "done",
                            "message": progress[-1]["message"]}
    assert [p["progress"] for p in progress] == sorted(p["progress"] for p in progress)
    name, _, final = events[-1]
    job = client.get(f"/api/v2/research/jobs/{job_id}/", headers=headers).json
    assert name == "done" and final == {"job_id": job_id, "status": "done", "sources": len(job["sources"]),
                                        "cited": sum(s["cited"] for s in job["sources"]), "brief_method": "local"}
    ids = [int(i) for n, i, _ in events if n == "progress"]
    assert ids == sorted(ids) and ids == [m["id"] for m in job["messages"]]
    runner.wait(app, job_id)


def test_reconnecting_with_last_event_id_resumes_after_it(app, client, auth, user, material, research):
    headers = auth.headers(user)
    job = research(headers, "SQL query indexes")
    third = job["messages"][2]["id"]
    again = _events(client.get(f"/api/v2/research/jobs/{job['id']}/stream/",
                               headers={**headers, "Last-Event-ID": str(third)}).data)
    assert [int(i) for n, i, _ in again if n == "progress"] == [m["id"] for m in job["messages"][3:]]
    assert again[-1][0] == "done"
    by_query = _events(client.get(f"/api/v2/research/jobs/{job['id']}/stream/?last_event_id={third}",
                                  headers=headers).data)
    assert by_query == again


def test_daily_limit_comes_from_entitlements(app, client, auth, user, monkeypatch):
    monkeypatch.setitem(app.config, "RESEARCH_JOBS_PER_DAY", 1)
    headers = auth.headers(user)
    first = client.post("/api/v2/research/jobs/", json={"topic": "SQL"}, headers=headers)
    runner.wait(app, first.json["id"])
    refused = client.post("/api/v2/research/jobs/", json={"topic": "SQL again"}, headers=headers)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "research_limit_reached"
    assert refused.json["error"]["details"]["limit"] == 1 and refused.json["error"]["details"]["used"] == 1
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count()).select_from(ResearchJob)) == 1


def test_a_plan_s_entitlement_replaces_the_default(app, client, auth, user):
    def plan(user_id):
        return {"plan": "starter", "research_jobs_per_day": 0}

    signals.entitlements_requested.connect(plan)
    try:
        response = client.post("/api/v2/research/jobs/", json={"topic": "SQL"}, headers=auth.headers(user))
    finally:
        signals.entitlements_requested.disconnect(plan)
    assert response.status_code == 429 and response.json["error"]["details"]["limit"] == 0


def test_other_users_jobs_are_not_found(app, client, auth, user, make_user, research):
    job = research(auth.headers(user), "SQL")
    intruder = auth.headers(make_user(username="eve", email="eve@example.test"))
    for path in (f"/api/v2/research/jobs/{job['id']}/", f"/api/v2/research/jobs/{job['id']}/stream/"):
        response = client.get(path, headers=intruder)
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get("/api/v2/research/jobs/", headers=intruder).json["count"] == 0
    assert client.get(f"/research/{job['id']}", headers=intruder).status_code == 404


def test_signed_out_callers_are_refused(client):
    assert client.get("/api/v2/research/jobs/").status_code == 401
    assert client.post("/api/v2/research/jobs/", json={"topic": "SQL"}).status_code == 401


@pytest.mark.parametrize("body, field", [
    ({}, "topic"),
    ({"topic": "   "}, "topic"),
    ({"topic": "ab"}, "topic"),
    ({"topic": "x" * 301}, "topic"),
    ({"topic": 42}, "topic"),
    ({"topic": "SQL", "depth": "extreme"}, "depth"),
    ({"topic": "SQL", "depth": 3}, "depth"),
    ({"topic": "SQL", "extra": 1}, "extra"),
])
def test_bad_input_is_refused_and_creates_nothing(app, client, auth, user, body, field):
    response = client.post("/api/v2/research/jobs/", json=body, headers=auth.headers(user))
    assert response.status_code == 400 and response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["details"]["fields"]
    with app.app_context():
        assert _db.session.scalar(_db.select(_db.func.count()).select_from(ResearchJob)) == 0


def test_non_json_and_bad_queries_are_refused(client, auth, user):
    headers = auth.headers(user)
    assert client.post("/api/v2/research/jobs/", data="topic=SQL", headers=headers,
                       content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.get("/api/v2/research/jobs/?status=exploded", headers=headers).status_code == 400
    assert client.get("/api/v2/research/jobs/?page=0", headers=headers).status_code == 400
    assert client.get("/api/v2/research/jobs/99999/", headers=headers).status_code == 404
