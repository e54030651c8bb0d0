"""stream/: the session's events as Server-Sent Events, replayed and then followed live."""
from __future__ import annotations

import json
import threading

import requests

from tests.askme.conftest import BASE

GOAL = "Write a launch announcement for our new budgeting app"


def parse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith(":")]
        name = next((line[7:] for line in lines if line.startswith("event: ")), None)
        data = next((line[6:] for line in lines if line.startswith("data: ")), None)
        if name and data:
            events.append((name, json.loads(data)))
    return events


def test_a_finished_session_replays_every_event_then_done(askme, client):
    session = askme.start(GOAL)
    askme.answer(session, askme.question(session, "format")["id"], "Table")
    final = askme.finalize(session)
    response = client.get(f"{BASE}/stream/?session_id={session['id']}", headers=askme.headers)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = parse(response.get_data(as_text=True))
    assert [name for name, _ in events] == ["start", "started", "answered", "finalized", "done"]
    assert events[0][1] == {"session_id": session["id"]}
    assert events[2][1]["follow_ups"][0]["slot"] == "columns"
    assert events[3][1]["score"] == final["score"] and events[3][1]["history_id"] == final["history_id"]
    after = events[2][1]["seq"]
    replay = parse(client.get(f"{BASE}/stream/?session_id={session['id']}", headers={
        **askme.headers, "Last-Event-ID": str(after)}).get_data(as_text=True))
    assert [name for name, _ in replay] == ["start", "finalized", "done"]


def test_a_quiet_open_session_ends_with_a_timeout_error(askme, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ASKME_STREAM_SECONDS", 0.3)
    session = askme.start(GOAL)
    events = parse(client.get(f"{BASE}/stream/?session_id={session['id']}", headers=askme.headers)
                   .get_data(as_text=True))
    assert [name for name, _ in events] == ["start", "started", "error"]
    assert events[-1][1]["code"] == "stream_timeout"


def test_events_arrive_live_while_the_stream_is_open(askme, live_server, app, monkeypatch):
    monkeypatch.setitem(app.config, "ASKME_STREAM_SECONDS", 10)
    session = askme.start(GOAL)
    received: list[str] = []
    with requests.get(f"{live_server.url}{BASE}/stream/", params={"session_id": session["id"]},
                      headers=askme.headers, stream=True, timeout=15) as response:
        lines = response.iter_lines(decode_unicode=True)

        def next_event() -> str:
            for line in lines:
                if line.startswith("event: "):
                    received.append(line[7:])
                    return line[7:]
            return ""

        assert next_event() == "start" and next_event() == "started"
        # While the stream waits, answer and finalise from another connection.
        worker = threading.Thread(target=lambda: (
            requests.post(f"{live_server.url}{BASE}/answer/", headers=askme.headers, timeout=10, json={
                "session_id": session["id"], "question_id": session["questions"][0]["id"], "answer": "Students"}),
            requests.post(f"{live_server.url}{BASE}/finalize/", headers=askme.headers, timeout=10,
                          json={"session_id": session["id"]})))
        worker.start()
        while next_event() not in ("done", "error", ""):
            pass
        worker.join()
    assert received == ["start", "started", "answered", "finalized", "done"]
