"""Sessions are persisted, listed, resumable, deletable, and only ever the owner's."""
from __future__ import annotations

import uuid

import pytest

from tests.askme.conftest import BASE, AskMe

GOAL = "Write a launch announcement for our new budgeting app"


@pytest.fixture
def stranger(client, auth, make_user):
    return AskMe(client, auth.headers(make_user(username="eve", email="eve@example.test")))


def test_a_session_is_resumed_with_its_answers_and_current_question(askme, client):
    session = askme.start(GOAL)
    askme.answer(session, session["questions"][0]["id"], "Young professionals")
    resumed = client.get(f"{BASE}/sessions/{session['id']}/", headers=askme.headers).json
    assert resumed["answers"] == {session["questions"][0]["id"]: "Young professionals"}
    assert resumed["current_question"]["id"] == session["questions"][1]["id"]
    assert resumed["questions"] == session["questions"] and resumed["goal"] == GOAL


def test_sessions_list_newest_first_and_filters_open_and_finished(askme, client):
    first = askme.start(GOAL)
    second = askme.start("Explain recursion to a new programmer")
    askme.finalize(first)
    listed = client.get(f"{BASE}/sessions/", headers=askme.headers).json
    assert listed["count"] == 2 and listed["page"] == 1 and listed["pages"] == 1
    assert [s["id"] for s in listed["results"]] == [first["id"], second["id"]]  # finalising touched the first
    opened = client.get(f"{BASE}/sessions/?status=open", headers=askme.headers).json["results"]
    assert [s["id"] for s in opened] == [second["id"]]
    done = client.get(f"{BASE}/sessions/?status=finished", headers=askme.headers).json["results"]
    assert [s["id"] for s in done] == [first["id"]] and done[0]["score"] is not None
    assert client.get(f"{BASE}/sessions/?status=lost", headers=askme.headers).status_code == 400


def test_another_users_session_is_404_everywhere(askme, stranger, client):
    session = askme.start(GOAL)
    sid = session["id"]
    assert client.get(f"{BASE}/sessions/{sid}/", headers=stranger.headers).status_code == 404
    assert stranger.answer(session, session["questions"][0]["id"], "Hijack", status=404)["error"]["code"] == "not_found"
    stranger.finalize(session, status=404)
    assert client.get(f"{BASE}/stream/?session_id={sid}", headers=stranger.headers).status_code == 404
    assert client.delete(f"{BASE}/sessions/{sid}/", headers=stranger.headers).status_code == 404
    assert client.get(f"{BASE}/sessions/", headers=stranger.headers).json["count"] == 0
    mine = client.get(f"{BASE}/sessions/{sid}/", headers=askme.headers).json
    assert mine["answers"] == {} and mine["status"] == "open"


def test_delete_by_both_paths(askme, client):
    one, two = askme.start(GOAL), askme.start(GOAL)
    assert client.delete(f"{BASE}/sessions/{one['id']}/", headers=askme.headers).status_code == 204
    assert client.delete(f"{BASE}/sessions/{two['id']}/delete/", headers=askme.headers).status_code == 204
    assert client.get(f"{BASE}/sessions/{one['id']}/", headers=askme.headers).status_code == 404
    assert client.get(f"{BASE}/sessions/", headers=askme.headers).json["count"] == 0
    assert client.delete(f"{BASE}/sessions/{uuid.uuid4()}/", headers=askme.headers).status_code == 404


def test_endpoints_need_a_signed_in_user(client):
    assert client.post(f"{BASE}/start/", json={"goal": GOAL}).status_code == 401
    assert client.get(f"{BASE}/sessions/").status_code == 401


def test_debug_is_for_staff_and_counts_real_sessions(askme, client, auth, staff):
    session = askme.start(GOAL)
    askme.answer(session, askme.question(session, "format")["id"], "Table")
    askme.finalize(session)
    askme.start("Explain recursion to a new programmer")
    assert client.get(f"{BASE}/debug/", headers=askme.headers).status_code == 403
    report = client.get(f"{BASE}/debug/", headers=auth.headers(staff)).json
    assert report["sessions"] == {"finished": 1, "open": 1} and report["planned_by"] == {"local": 2}
    assert report["follow_ups_opened"] == {"columns": 1} and report["slots_asked"]["format"] >= 1
    assert report["events"] == 4 and report["average_score"] is not None
