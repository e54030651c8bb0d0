"""answer/: completeness grows, follow-ups open only where an answer opens them, edits work."""
from __future__ import annotations

from promptcraft.askme.models import AskMeEvent
from promptcraft.extensions import db

GOAL = "Write a launch announcement for our new budgeting app"


def test_answering_raises_completeness_and_moves_to_the_next_question(askme):
    session = askme.start(GOAL)
    first, second = session["questions"][:2]
    result = askme.answer(session, first["id"], "Young professionals")
    assert result["completeness"] > session["completeness"]
    assert result["next_question"]["id"] == second["id"]
    assert result["session"]["answers"] == {first["id"]: "Young professionals"}


def test_completeness_reaches_one_when_every_question_is_answered(askme):
    session = askme.start(GOAL)
    for q in session["questions"]:
        result = askme.answer(session, q["id"], q["options"][1] if q["options"] else "Plain words only")
    session = result["session"]
    # Follow-ups opened on the way count too: answer them as well.
    while session["current_question"]:
        session = askme.answer(session, session["current_question"]["id"], "Name, price, rating")["session"]
    assert session["completeness"] == 1.0 and session["current_question"] is None


def test_a_table_format_opens_a_columns_follow_up_right_after_it(askme):
    session = askme.start(GOAL)
    fmt = askme.question(session, "format")
    result = askme.answer(session, fmt["id"], "Table")
    assert [q["slot"] for q in result["follow_ups"]] == ["columns"]
    columns = result["follow_ups"][0]
    assert columns["follows"] == fmt["id"] and columns["text"] == "Which columns should the table have?"
    ids = [q["id"] for q in result["session"]["questions"]]
    assert ids.index(columns["id"]) == ids.index(fmt["id"]) + 1
    assert result["completeness"] < 1


def test_answers_that_open_nothing_add_no_questions(askme):
    session = askme.start(GOAL)
    result = askme.answer(session, askme.question(session, "format")["id"], "Short paragraphs")
    assert result["follow_ups"] == []
    assert len(result["session"]["questions"]) == len(session["questions"])


def test_editing_an_earlier_answer_replaces_it_and_closes_follow_ups_it_no_longer_opens(askme):
    session = askme.start(GOAL)
    fmt = askme.question(session, "format")
    opened = askme.answer(session, fmt["id"], "Table")["follow_ups"][0]
    askme.answer(session, opened["id"], "Feature, price")
    edited = askme.answer(session, fmt["id"], "Short paragraphs")["session"]
    assert edited["answers"][fmt["id"]] == "Short paragraphs"
    assert opened["id"] not in {q["id"] for q in edited["questions"]}
    assert opened["id"] not in edited["answers"]
    again = askme.answer(session, fmt["id"], "A table please")
    assert again["follow_ups"][0]["id"] == opened["id"] and opened["id"] not in again["session"]["answers"]


def test_each_answer_is_an_event_of_the_session(askme, app):
    session = askme.start(GOAL)
    askme.answer(session, session["questions"][0]["id"], "Students")
    with app.app_context():
        kinds = [e.kind for e in db.session.query(AskMeEvent).order_by(AskMeEvent.id)]
    assert kinds == ["started", "answered"]


def test_unknown_question_is_a_400_and_changes_nothing(askme, client):
    session = askme.start(GOAL)
    error = askme.answer(session, "q99", "Whatever", status=400)["error"]
    assert error["code"] == "validation_error" and "question_id" in error["details"]["fields"]
    fresh = client.get(f"/api/v2/ai/askme/sessions/{session['id']}/", headers=askme.headers).json
    assert fresh["answers"] == {} and fresh["completeness"] == session["completeness"]


def test_bad_input_is_a_4xx_in_the_envelope(askme, client):
    session = askme.start(GOAL)
    url = "/api/v2/ai/askme/answer/"
    for body in ({"session_id": session["id"], "question_id": "q1", "answer": "   "},
                 {"session_id": "not-a-uuid", "question_id": "q1", "answer": "x"},
                 {"session_id": session["id"], "question_id": "q1", "answer": 7},
                 {"session_id": session["id"], "question_id": "q1"}):
        response = client.post(url, json=body, headers=askme.headers)
        assert response.status_code == 400 and response.json["error"]["code"] == "validation_error", body
    for body in ({}, {"goal": ""}, {"goal": "ok", "task_type": "dance"}, {"context": "only context"}):
        response = client.post("/api/v2/ai/askme/start/", json=body, headers=askme.headers)
        assert response.status_code == 400, body
    assert client.post("/api/v2/ai/askme/finalize/", json={"session_id": 5}, headers=askme.headers).status_code == 400
    assert client.post("/api/v2/ai/askme/start/", data="goal", headers=askme.headers).status_code == 415
