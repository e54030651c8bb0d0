"""The chat page: sending, the reply's one-time stream, and the stored message."""
from __future__ import annotations

import re

import sqlalchemy as sa

from promptcraft.chat.models import ChatMessage

HX = {"HX-Request": "true"}


def test_chat_needs_a_user(client):
    assert client.get("/chat").status_code == 303


def test_a_new_chat_redirects_to_its_page_where_the_reply_streams_once(client, auth, user, db):
    csrf = auth.cookie_login(user)
    sent = client.post("/chat/send", headers={**HX, "X-CSRF-TOKEN": csrf}, data={"message": "Improve this prompt: "
                                                                                  "write a cover letter"})
    assert sent.status_code == 204
    page = client.get(sent.headers["HX-Redirect"]).get_data(as_text=True)
    stream_url = re.search(r'sse-connect="([^"]+)"', page).group(1)
    first = client.get(stream_url)
    assert first.mimetype == "text/event-stream" and "event: done" in first.get_data(as_text=True)
    again = client.get(stream_url)  # what an EventSource reconnect does
    assert again.status_code == 204
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChatMessage)) == 2
    final = client.get(stream_url.removesuffix("/stream")).get_data(as_text=True)
    assert "status-complete" in final and "<h3>" in final  # rendered Markdown


def test_continuing_appends_the_turn_fragment(client, auth, user):
    csrf = auth.cookie_login(user)
    headers = {**HX, "X-CSRF-TOKEN": csrf}
    location = client.post("/chat/send", headers=headers, data={"message": "First"}).headers["HX-Redirect"]
    session_id = location.rsplit("/", 1)[1]
    fragment = client.post("/chat/send", headers=headers, data={"message": "Second", "session_id": session_id})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and html.count("<article") == 2 and "sse-connect" in html


def test_markdown_from_a_model_is_sanitised(client, auth, user, db, use_deepseek):
    fake = use_deepseek()
    fake.reply(content="**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    csrf = auth.cookie_login(user)
    location = client.post("/chat/send", headers={**HX, "X-CSRF-TOKEN": csrf}, data={"message": "Hi"}).headers[
        "HX-Redirect"]
    stream_url = re.search(r'sse-connect="([^"]+)"', client.get(location).get_data(as_text=True)).group(1)
    client.get(stream_url).get_data()
    html = client.get(stream_url.removesuffix("/stream")).get_data(as_text=True)
    assert "<strong>bold</strong>" in html and "&lt;script&gt;" in html
    assert "<script" not in html and 'href="javascript' not in html


def test_someone_elses_message_is_404(client, auth, user, make_user):
    csrf = auth.cookie_login(user)
    location = client.post("/chat/send", headers={**HX, "X-CSRF-TOKEN": csrf}, data={"message": "Mine"}).headers[
        "HX-Redirect"]
    stream_url = re.search(r'sse-connect="([^"]+)"', client.get(location).get_data(as_text=True)).group(1)
    auth.cookie_login(make_user(username="eve", email="eve@example.test"))
    assert client.get(stream_url).status_code == 404
    assert client.get(location).status_code == 404


def test_providers_page_lists_the_chain(client):
    html = client.get("/ai/providers").get_data(as_text=True)
    assert 'data-provider="local"' in html and "promptcraft-local" in html
