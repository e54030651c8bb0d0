"""Chat over the API: persisted turns streamed as SPEC's events, history, extraction."""
from __future__ import annotations

import json

import sqlalchemy as sa

from promptcraft.chat.models import ChatMessage, ChatSession, ExtractedTemplate
from tests.ai.test_gateway import parse_events

REUSABLE = ("You are a senior editor. Rewrite the following [paragraph] for a general audience in under 120 words, "
            "keeping a friendly tone. Output one paragraph.")


def events_of(response):
    return [(name, json.loads(data)) for name, data in parse_events(response.get_data(as_text=True))]


def test_first_message_starts_a_session_and_streams_start_delta_done(client, auth, user, db):
    response = client.post("/api/v2/chat/completions/", headers=auth.headers(user),
                           json={"message": "Improve this prompt: write a blog post about remote work"})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    events = events_of(response)
    assert events[0][0] == "start"
    start = events[0][1]
    names = [name for name, _ in events]
    assert names.count("done") == 1 and "error" not in names and names[-1] == "done"
    text = "".join(data.get("content", "") for name, data in events if name == "delta")
    assert "Offline engine" in text and "### A stronger version" in text
    done = events[-1][1]
    assert done["message_id"] == start["message_id"] and done["usage"]["completion_tokens"] > 0
    session = db.session.get(ChatSession, __import__("uuid").UUID(start["session_id"]))
    assert session.title.startswith("Improve this prompt")
    roles = [(m.role, m.status) for m in session.messages]
    assert roles == [("user", "complete"), ("assistant", "complete")]
    assert session.messages[1].content == text


def test_continuing_a_session_sends_the_history_upstream(client, auth, user, use_deepseek):
    fake = use_deepseek()
    headers = auth.headers(user)
    first = events_of(client.post("/api/v2/chat/completions/", headers=headers, json={"message": "My name is Ada."}))
    session_id = first[0][1]["session_id"]
    client.post("/api/v2/chat/completions/", headers=headers, json={"session_id": session_id, "message": "Who am I?"})
    sent = fake.requests[-1]["body"]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert sent[0]["content"] == "My name is Ada." and sent[1]["content"] == "Echo: My name is Ada."


def test_history_is_trimmed_to_the_token_budget(client, auth, user, app, monkeypatch, use_deepseek):
    fake = use_deepseek()
    headers = auth.headers(user)
    session_id = None
    for n in range(6):
        body = {"message": f"Message {n}: " + "word " * 100}
        if session_id:
            body["session_id"] = session_id
        session_id = events_of(client.post("/api/v2/chat/completions/", headers=headers, json=body))[0][1]["session_id"]
    monkeypatch.setitem(app.config, "CHAT_HISTORY_TOKEN_BUDGET", 300)
    client.post("/api/v2/chat/completions/", headers=headers, json={"session_id": session_id, "message": "Last"})
    sent = fake.requests[-1]["body"]["messages"]
    assert sent[-1]["content"] == "Last" and len(sent) < 13
    assert sum(len(m["content"]) for m in sent) // 4 <= 300 + 4 * len(sent)


def test_a_failure_before_the_first_byte_is_json_and_keeps_the_users_message(client, auth, user, db, use_deepseek):
    fake = use_deepseek(chain=("deepseek",))
    fake.error(402)
    response = client.post("/api/v2/chat/completions/", headers=auth.headers(user), json={"message": "Keep me"})
    assert response.status_code == 402 and response.is_json
    messages = db.session.scalars(sa.select(ChatMessage).order_by(ChatMessage.created_at)).all()
    assert [(m.role, m.content, m.status) for m in messages][0] == ("user", "Keep me", "complete")
    assert messages[1].status == "error" and messages[1].error_code == "provider_payment_required"


def test_a_reply_cut_off_mid_stream_keeps_its_partial_text(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="The first half of an answer", pieces=4, done=False)
    events = events_of(client.post("/api/v2/chat/completions/", headers=auth.headers(user), json={"message": "Hi"}))
    assert events[-1][0] == "error"
    reply = db.session.scalars(sa.select(ChatMessage).where(ChatMessage.role == "assistant")).one()
    assert reply.status == "error" and reply.content == "The first half of an answer"


def test_client_leaving_saves_the_reply_as_interrupted(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="word " * 300, pieces=150, delay=0.02)
    response = client.post("/api/v2/chat/completions/", headers=auth.headers(user), json={"message": "Long one"},
                           buffered=False)
    body = iter(response.response)
    for _ in range(5):
        next(body)
    response.close()
    assert fake.closed_early.wait(3)
    reply = db.session.scalars(sa.select(ChatMessage).where(ChatMessage.role == "assistant")).one()
    assert reply.status == "interrupted" and reply.content.startswith("word") and len(reply.content) < 1500


def test_a_finished_turn_goes_to_the_history_and_a_broken_one_does_not(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    headers = auth.headers(user)
    fake.reply(content="Name the audience and the length.")
    assert events_of(client.post("/api/v2/chat/completions/", headers=headers,
                                 json={"message": "How do I make my prompt sharper?"}))[-1][0] == "done"
    fake.reply(content="The first half", pieces=4, done=False)
    assert events_of(client.post("/api/v2/chat/completions/", headers=headers,
                                 json={"message": "This answer breaks"}))[-1][0] == "error"
    entries = client.get("/api/v2/history/history/", headers=headers).json["results"]
    assert [(e["source"], e["original_prompt"], e["response"], e["provider"], e["model"]) for e in entries] == [
        ("chat", "How do I make my prompt sharper?", "Name the audience and the length.", "deepseek",
         "deepseek-v4-flash")]
    assert entries[0]["tokens_used"] > 0


def test_a_history_that_cannot_be_written_breaks_neither_the_turn_nor_its_xp(client, auth, user, db, monkeypatch):
    from promptcraft.gamification.models import Action
    from promptcraft.history import service as history

    def broken(*args, **kwargs):
        raise RuntimeError("the history table is gone")

    monkeypatch.setattr(history, "record_prompt", broken)
    events = events_of(client.post("/api/v2/chat/completions/", headers=auth.headers(user),
                                   json={"message": "Improve this prompt: write a haiku about rain"}))
    assert events[-1][0] == "done"
    assert db.session.scalar(sa.select(Action).where(Action.user_id == user.id, Action.kind == "chat_turn"))


def test_reasoning_is_kept_apart_from_the_answer(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="42", reasoning="Count carefully.")
    events = events_of(client.post("/api/v2/chat/completions/", headers=auth.headers(user), json={"message": "Sum?"}))
    assert {"reasoning": "Count carefully."} in [data for name, data in events if name == "delta"] or \
        "".join(d.get("reasoning", "") for n, d in events if n == "delta") == "Count carefully."
    reply = db.session.scalars(sa.select(ChatMessage).where(ChatMessage.role == "assistant")).one()
    assert (reply.content, reply.reasoning) == ("42", "Count carefully.")


def test_basic_completions_persist_nothing(client, auth, user, db):
    response = client.post("/api/v2/chat/completions/basic/", headers=auth.headers(user),
                           json={"messages": [{"role": "user", "content": "Improve this prompt: summarize a book"}]})
    events = events_of(response)
    assert events[0][0] == "delta" and events[-1][0] == "done"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChatSession)) == 0


def test_sessions_are_listed_shown_and_deleted_for_their_owner_only(client, auth, user, make_user):
    headers = auth.headers(user)
    events = events_of(client.post("/api/v2/chat/completions/", headers=headers, json={"message": "Hello there"}))
    session_id = events[0][1]["session_id"]
    listed = client.get("/api/v2/chat/sessions/", headers=headers).json
    assert listed["count"] == 1 and listed["results"][0]["id"] == session_id
    detail = client.get(f"/api/v2/chat/sessions/{session_id}/", headers=headers).json
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]
    other = auth.headers(make_user(username="eve", email="eve@example.test"))
    assert client.get(f"/api/v2/chat/sessions/{session_id}/", headers=other).status_code == 404
    assert client.delete(f"/api/v2/chat/sessions/{session_id}/", headers=other).status_code == 404
    assert client.delete(f"/api/v2/chat/sessions/{session_id}/", headers=headers).status_code == 204
    assert client.get("/api/v2/chat/sessions/", headers=headers).json["count"] == 0


def test_reusable_prompts_are_proposed_once_and_can_be_approved(client, auth, user, db, categories):
    headers = auth.headers(user)
    done = events_of(client.post("/api/v2/chat/completions/", headers=headers, json={"message": REUSABLE}))[-1][1]
    assert len(done["extracted_templates"]) == 1
    again = events_of(client.post("/api/v2/chat/completions/", headers=headers, json={"message": REUSABLE}))[-1][1]
    assert again["extracted_templates"] == []  # the same prompt is not proposed twice
    short = events_of(client.post("/api/v2/chat/completions/", headers=headers, json={"message": "thanks!"}))[-1][1]
    assert short["extracted_templates"] == []
    (proposal,) = client.get("/api/v2/chat/templates/extracted/?status=pending", headers=headers).json["results"]
    assert "{{paragraph}}" in proposal["content"] and proposal["variables"][0]["name"] == "paragraph"
    assert proposal["title"].startswith("Rewrite the following")
    approved = client.patch(f"/api/v2/chat/templates/extracted/{proposal['id']}/", headers=headers,
                            json={"status": "approved", "title": "Friendly rewrite"})
    assert approved.status_code == 200 and approved.json["template_id"]
    template = client.get(f"/api/v2/templates/{approved.json['template_id']}/", headers=headers).json
    assert template["title"] == "Friendly rewrite" and template["is_public"] is False
    twice = client.patch(f"/api/v2/chat/templates/extracted/{proposal['id']}/", headers=headers,
                         json={"status": "rejected"})
    assert twice.status_code == 409
    status = client.get("/api/v2/chat/templates/status/", headers=headers).json
    assert (status["pending"], status["approved"]) == (0, 1)


def test_library_duplicates_are_not_proposed(client, auth, user, make_template, db):
    make_template(None, title="Editor rewrite", content=REUSABLE.replace("[paragraph]", "{{paragraph}}"))
    done = events_of(client.post("/api/v2/chat/completions/", headers=auth.headers(user),
                                 json={"message": REUSABLE}))[-1][1]
    assert done["extracted_templates"] == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExtractedTemplate)) == 0


def test_health_and_auth_test(client, auth, user):
    assert client.get("/api/v2/chat/health/").json["status"] == "ok"
    assert client.get("/api/v2/chat/auth-test/").json == {"authenticated": False, "via": None, "username": None}
    assert client.get("/api/v2/chat/auth-test/", headers=auth.headers(user)).json["via"] == "bearer"
