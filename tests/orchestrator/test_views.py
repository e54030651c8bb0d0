"""Optimizer and assistants pages."""
from __future__ import annotations

HX = {"HX-Request": "true"}


def test_assessor_fragment_shows_bars_and_suggestions(client):
    assert client.get("/optimizer").status_code == 200
    html = client.post("/optimizer/assess", data={"prompt": "write something good about dogs"}, headers=HX).get_data(
        as_text=True)
    assert 'id="overall-score"' in html and html.count('class="criterion"') == 7 and "<li>" in html
    assert client.post("/optimizer/assess", data={"prompt": ""}, headers=HX).status_code == 400


def test_optimizer_needs_a_user_and_shows_the_diff(client, auth, user, library):
    assert client.post("/optimizer/optimize", data={"prompt": "write a poem"}).status_code == 303
    csrf = auth.cookie_login(user)
    html = client.post("/optimizer/optimize", data={"prompt": "write a poem", "goal": "a birthday card"},
                       headers={**HX, "X-CSRF-TOKEN": csrf}).get_data(as_text=True)
    assert 'id="score-after"' in html and 'class="add"' in html and "a birthday card" in html


def test_assistant_page_runs_and_shows_tool_steps(client, auth, user, library):
    csrf = auth.cookie_login(user)
    assert "prompt-coach" in client.get("/assistants").get_data(as_text=True)
    started = client.post("/assistants/run", data={"assistant_id": "critic", "message": "write a poem"},
                          headers={**HX, "X-CSRF-TOKEN": csrf})
    page = client.get(started.headers["HX-Redirect"]).get_data(as_text=True)
    assert 'data-tool="assess_prompt"' in page and "Overall" in page
    thread_id = started.headers["HX-Redirect"].rsplit("/", 1)[1]
    more = client.post("/assistants/run", data={"assistant_id": "critic", "message": "write a sonnet",
                                                 "thread_id": thread_id}, headers={**HX, "X-CSRF-TOKEN": csrf})
    assert more.status_code == 200 and more.get_data(as_text=True).count('data-tool="assess_prompt"') == 2
