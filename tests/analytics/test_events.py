"""track/ stores what clients send (all of a batch or none of it); listeners record the product's own events."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from promptcraft import signals
from promptcraft.analytics.models import Event
from promptcraft.analytics.service import events
from promptcraft.history import service as history
from promptcraft.prompt_templates import service as templates

TRACK = "/api/v2/analytics/track/"


def _events(db, **where):
    stmt = sa.select(Event).order_by(Event.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Event, key) == value)
    return db.session.scalars(stmt).all()


def test_track_one_event_with_properties_and_client_time(client, auth, user, db):
    when = datetime.now(UTC) - timedelta(hours=30)
    response = client.post(TRACK, json={"name": "prompt_copied", "properties": {"length": 120, "tags": ["a"]},
                                        "occurred_at": when.isoformat()}, headers=auth.headers(user))
    assert response.status_code == 201
    assert response.json["accepted"] == 1
    [row] = _events(db, name="prompt_copied")
    assert row.id == response.json["ids"][0]
    assert (row.user_id, row.source, row.properties) == (user.id, "client", {"length": 120, "tags": ["a"]})
    assert abs((row.occurred_at - when).total_seconds()) < 1
    assert row.day == when.date()


def test_track_event_without_time_is_now_and_naive_time_is_utc(client, auth, user, db):
    headers = auth.headers(user)
    assert client.post(TRACK, json={"name": "opened"}, headers=headers).status_code == 201
    naive = (datetime.now(UTC) - timedelta(hours=2)).replace(tzinfo=None, microsecond=0)
    assert client.post(TRACK, json={"name": "naive", "occurred_at": naive.isoformat()}, headers=headers
                       ).status_code == 201
    assert abs((_events(db, name="opened")[0].occurred_at - datetime.now(UTC)).total_seconds()) < 60
    assert _events(db, name="naive")[0].occurred_at == naive.replace(tzinfo=UTC)


def test_track_batch_stores_every_event(client, auth, user, db):
    batch = [{"name": f"step_{i}", "properties": {"i": i}} for i in range(100)]
    response = client.post(TRACK, json={"events": batch}, headers=auth.headers(user))
    assert response.status_code == 201
    assert response.json["accepted"] == 100 and len(set(response.json["ids"])) == 100
    assert len(_events(db, source="client")) == 100


def test_bad_batch_is_rejected_by_index_and_nothing_is_stored(client, auth, user, db):
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    old = (datetime.now(UTC) - timedelta(days=45)).isoformat()
    batch = [{"name": "fine"}, {"name": "template.used"}, {"name": "big", "properties": {"x": "y" * 5000}},
             {"name": "fine_too"}, {"name": "later", "occurred_at": future}, {"name": "9lives"},
             {"name": "ancient", "occurred_at": old}, {"properties": {}}]
    response = client.post(TRACK, json={"events": batch}, headers=auth.headers(user))
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid_events"
    assert error["message"] == "6 of 8 events are invalid; none were stored."
    reasons = {item["index"]: item["reasons"] for item in error["details"]["rejected"]}
    assert sorted(reasons) == [1, 2, 4, 5, 6, 7]
    assert "recorded by PromptCraft itself" in reasons[1]["name"][0]
    assert "5008 bytes" in reasons[2]["properties"][0] and "4096" in reasons[2]["properties"][0]
    assert reasons[4]["occurred_at"] == ["This time is in the future."]
    assert "Start with a letter" in reasons[5]["name"][0]
    assert "older than 30 days" in reasons[6]["occurred_at"][0]
    assert reasons[7]["name"] == ["Missing data for required field."]
    assert _events(db) == []


def test_track_refuses_malformed_bodies(client, auth, user, db):
    headers = auth.headers(user)
    cases = [
        {}, {"name": "a", "events": [{"name": "b"}]}, {"events": []}, {"events": [{"name": "a"}] * 101},
        {"events": "nope"}, {"name": "a", "properties": []}, {"name": "a", "properties": {"k": "\u0000"}},
        {"events": [{"name": "a"}], "properties": {"k": 1}}, {"name": ""}, {"name": "x" * 65},
    ]
    for body in cases:
        response = client.post(TRACK, json=body, headers=headers)
        assert response.status_code == 400, body
    non_finite = client.post(TRACK, data='{"name": "a", "properties": {"v": NaN}}', headers={
        **headers, "Content-Type": "application/json"})
    assert non_finite.status_code == 400
    assert "finite" in str(non_finite.json["error"]["details"])
    assert _events(db) == []


def test_track_needs_a_signed_in_user(client):
    assert client.post(TRACK, json={"name": "a"}).status_code == 401


def test_library_actions_become_events(client, auth, user, db, make_user, make_template):
    owner = make_user(username="owner", email="owner@example.test")
    template_id = make_template(owner=owner)
    headers = auth.headers(user)
    assert client.get(f"/api/v2/templates/{template_id}/", headers=headers).status_code == 200
    assert client.post(f"/api/v2/templates/{template_id}/render/", json={"variables": {"team": "ops", "topic": "x"}},
                       headers=headers).status_code == 200
    assert client.post(f"/api/v2/templates/{template_id}/rate/", json={"score": 4}, headers=headers
                       ).status_code in (200, 201)
    assert client.get("/api/v2/templates/?q=status email", headers=headers).status_code == 200
    rows = {row.name: row for row in _events(db, user_id=user.id)}
    assert rows["template.viewed"].template_id == template_id
    assert rows["template.used"].template_id == template_id and rows["template.used"].properties["kind"] == "render"
    assert rows["template.rated"].properties == {"score": 4, "created": True}
    assert rows["search"].properties["results"] >= 1 and rows["search"].properties["query"] == "status email"
    assert all(row.source == "server" for row in rows.values())
    created = client.post("/api/v2/templates/", json={"title": "Mine", "content": "Say {{x}}", "category": "coding"},
                          headers=headers)
    assert created.status_code == 201, created.json
    [row] = _events(db, name="template.created")
    assert (row.user_id, row.template_id) == (user.id, created.json["id"])


def test_ai_chat_history_and_askme_signals_become_events(app, user, db):
    history.record_prompt(user.id, "Summarise the report", source="chat", tokens_used=50, cost=0.002)
    signals.ai_call_finished.send(user.id, provider="deepseek", model="deepseek-chat", kind="chat", status="ok",
                                  tokens=321, cost=0.0042)
    signals.chat_message_finished.send(user.id, message_id="m1", session_id="s1", status="complete", tokens=321)
    signals.askme_finished.send(user.id, session_id="s2", score=7.5)
    rows = {row.name: row for row in _events(db, user_id=user.id)}
    assert rows["prompt.recorded"].properties["source"] == "chat"
    assert (rows["ai.call"].tokens, rows["ai.call"].cost) == (321, 0.0042)
    assert rows["ai.call"].properties == {"provider": "deepseek", "model": "deepseek-chat", "kind": "chat",
                                          "status": "ok"}
    assert rows["chat.turn"].properties["status"] == "complete" and rows["chat.turn"].tokens == 0
    assert rows["askme.finished"].properties == {"session_id": "s2", "score": 7.5}


def test_a_failing_listener_never_breaks_the_action(app, user, db, make_template):
    template_id = make_template(owner=None)
    signals.template_used.send(user.id, template_id=2_000_000_000, kind="render")  # no such template
    template, text = templates.render_template(template_id, None, {"team": "a", "topic": "b"})
    assert "a" in text
    assert [row.template_id for row in _events(db, name="template.used")] == [template_id]


def test_record_clamps_negative_figures(app, user, db):
    events.record(user.id, events.AI_CALL, tokens=-5, cost=-1)
    [row] = _events(db, name=events.AI_CALL)
    assert (row.tokens, row.cost, row.source) == (0, 0.0, "server")
