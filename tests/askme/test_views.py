"""The AskMe pages: start, one question at a time, edit an earlier answer, finalise, save, resume."""
from __future__ import annotations

import re

from promptcraft.askme.models import AskMeSession
from promptcraft.extensions import db
from promptcraft.history.models import SavedPrompt

HX = {"HX-Request": "true"}


def start(client, csrf, goal="Write a launch announcement for our new budgeting app") -> str:
    response = client.post("/askme", data={"goal": goal}, headers={**HX, "X-CSRF-TOKEN": csrf})
    assert response.status_code == 204, response.data
    return response.headers["HX-Redirect"]


def test_start_opens_the_session_on_its_first_question(client, auth, user, library):
    csrf = auth.cookie_login(user)
    url = start(client, csrf)
    html = client.get(url).get_data(as_text=True)
    assert 'id="askme-question" data-question="q1"' in html and "Why it matters:" in html
    assert "0 of " in html and 'id="askme-back"' not in html


def test_blank_goal_shows_the_error_in_the_form(client, auth, user, library):
    csrf = auth.cookie_login(user)
    response = client.post("/askme", data={"goal": " "}, headers={**HX, "X-CSRF-TOKEN": csrf})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="askme-start"' in html and "Use at least 3 characters." in html


def test_answer_moves_on_back_edits_and_the_new_answer_replaces_the_old(client, auth, user, library):
    csrf = auth.cookie_login(user)
    url = start(client, csrf)
    headers = {**HX, "X-CSRF-TOKEN": csrf}
    html = client.post(f"{url}/answer", data={"question_id": "q1", "choice": "Customers", "answer": ""},
                       headers=headers).get_data(as_text=True)
    assert html.strip().startswith('<section id="askme-wizard"') and 'data-question="q2"' in html
    assert 'id="askme-back"' in html and "1 of " in html
    edit = client.get(f"{url}?edit=q1", headers=HX).get_data(as_text=True)
    assert 'data-question="q1"' in edit and 'value="Customers" checked' in edit
    html = client.post(f"{url}/answer", data={"question_id": "q1", "answer": "Small shop owners"},
                       headers=headers).get_data(as_text=True)
    assert 'data-question="q2"' in html and "Small shop owners" in html and ">Customers<" not in html
    error = client.post(f"{url}/answer", data={"question_id": "q2", "answer": ""}, headers=headers)
    assert 'id="askme-error"' in error.get_data(as_text=True)


def test_finalize_shows_the_prompt_and_score_and_save_keeps_it(client, auth, user, library, app):
    csrf = auth.cookie_login(user)
    url = start(client, csrf)
    headers = {**HX, "X-CSRF-TOKEN": csrf}
    html = client.post(f"{url}/finalize", headers=headers).get_data(as_text=True)
    score = re.search(r'id="askme-score">([\d.]+)/10<', html).group(1)
    assert 'id="askme-prompt"' in html and "Task: Write a launch announcement" in html
    saved = client.post(f"{url}/save", headers=headers).get_data(as_text=True)
    assert saved.strip().startswith('<p id="askme-saved"') and "Saved as" in saved
    with app.app_context():
        row = db.session.query(SavedPrompt).one()
        session = db.session.query(AskMeSession).one()
        assert row.content == session.final_prompt and str(session.score) == score


def test_the_start_page_lists_unfinished_sessions_to_resume(client, auth, user, library):
    csrf = auth.cookie_login(user)
    url = start(client, csrf)
    html = client.get("/askme").get_data(as_text=True)
    assert 'id="askme-unfinished"' in html and f'href="{url}"' in html


def test_someone_elses_session_page_is_404(client, auth, user, make_user, library):
    url = start(client, auth.cookie_login(user))
    client.post("/logout", headers={"X-CSRF-TOKEN": client.get_cookie("csrf_access_token").value})
    auth.cookie_login(make_user(username="eve", email="eve@example.test"))
    assert client.get(url).status_code == 404


def test_discard_deletes_the_session_and_goes_back_to_the_start(client, auth, user, library, app):
    csrf = auth.cookie_login(user)
    url = start(client, csrf)
    assert 'id="askme-discard"' in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/delete", headers={**HX, "X-CSRF-TOKEN": csrf})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/askme"
    assert client.get(url).status_code == 404
    with app.app_context():
        assert db.session.query(AskMeSession).count() == 0
