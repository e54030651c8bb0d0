"""The history and saved-prompt pages: full pages, htmx fragments, errors in place, undo, escaping."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from promptcraft.history import service
from promptcraft.history.models import PromptHistory, SavedPrompt

HX = {"HX-Request": "true"}


@pytest.fixture
def hx(auth, user):
    """Signed in with cookies; the headers htmx sends (with the CSRF token)."""
    return {**HX, "X-CSRF-TOKEN": auth.cookie_login(user)}


@pytest.fixture
def entries(app, user):
    with app.app_context():
        return [service.record_prompt(user.id, text, response=response, source=source).id for text, response, source
                in [("Summarise this article", "A summary", "chat"), ("Translate to French", None, "manual"),
                    ("Explain <b>recursion</b>", "See recursion", "askme")]]


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_pages_need_a_signed_in_user(client):
    for path in ("/history", "/saved-prompts", "/saved-prompts/public", "/saved-prompts/new"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/login?next=")


def test_history_full_page_and_fragment(client, hx, entries):
    page = _html(client.get("/history"))
    assert "<html" in page and 'id="history-filters"' in page and 'id="history-results"' in page
    assert page.count('class="card entry') == 3
    fragment = _html(client.get("/history?q=FRENCH", headers=HX))
    assert "<html" not in fragment and 'id="history-filters"' not in fragment
    assert 'id="history-results"' in fragment
    assert "Translate to French" in fragment and "Summarise" not in fragment
    assert "1 entry matching “FRENCH”" in fragment


def test_history_restore_from_the_browser_history_gets_the_whole_page(client, hx, entries):
    page = _html(client.get("/history?q=french", headers={**HX, "HX-History-Restore-Request": "true"}))
    assert "<html" in page and 'value="french"' in page


def test_user_text_is_escaped(client, hx, entries):
    page = _html(client.get("/history"))
    assert "Explain &lt;b&gt;recursion&lt;/b&gt;" in page and "<b>recursion</b>" not in page


def test_history_shows_only_the_users_own_entries(client, hx, make_user, app):
    other = make_user(username="bob", email="bob@example.test")
    with app.app_context():
        secret_id = service.record_prompt(other.id, "Bob's secret prompt").id
    assert "secret" not in _html(client.get("/history"))
    assert client.post(f"/history/{secret_id}/favorite", headers=hx).status_code == 404
    assert client.delete(f"/history/{secret_id}", headers=hx).status_code == 404


def test_filters_and_pager_links_keep_the_search(client, hx, app, user):
    with app.app_context():
        for n in range(25):
            service.record_prompt(user.id, f"draft {n}", source="chat")
        service.record_prompt(user.id, "other", source="manual")
    fragment = _html(client.get("/history?q=draft&source=chat", headers=HX))
    assert "25 entries" in fragment and "Page 1 of 2" in fragment
    assert 'href="/history?page=2&amp;q=draft&amp;source=chat"' in fragment
    assert "draft 4" in _html(client.get("/history?q=draft&source=chat&page=2", headers=HX))
    assert 'value="chat" selected' in _html(client.get("/history?source=chat"))


def test_delete_offers_undo_and_restore_brings_the_row_back(client, hx, entries, db):
    deleted = client.delete(f"/history/{entries[0]}", headers=hx)
    assert deleted.status_code == 200
    assert "Moved to the trash" in _html(deleted) and f"/history/{entries[0]}/restore" in _html(deleted)
    assert db.session.get(PromptHistory, entries[0]).deleted_at is not None
    restored = client.post(f"/history/{entries[0]}/restore", headers=hx)
    assert "Summarise this article" in _html(restored) and "Moved to the trash" not in _html(restored)
    db.session.expire_all()
    assert db.session.get(PromptHistory, entries[0]).deleted_at is None


def test_trash_view_restores_and_deletes_for_good(client, hx, entries, db):
    client.delete(f"/history/{entries[1]}", headers=hx)
    trash = _html(client.get("/history?deleted=true"))
    assert "Translate to French" in trash and "Delete forever" in trash and "Summarise" not in trash
    gone = client.delete(f"/history/{entries[1]}?permanent=true", headers=hx)
    assert gone.status_code == 200 and _html(gone) == ""
    assert db.session.get(PromptHistory, entries[1]) is None


def test_favourite_toggle_renders_the_row(client, hx, entries):
    starred = _html(client.post(f"/history/{entries[2]}/favorite", headers=hx))
    assert 'aria-pressed="true"' in starred and "<html" not in starred
    assert "Explain" in _html(client.get("/history?favorite=true", headers=HX))
    assert "Translate" not in _html(client.get("/history?favorite=true", headers=HX))


def test_unsafe_requests_need_the_csrf_token(client, auth, user, entries):
    auth.cookie_login(user)
    assert client.post(f"/history/{entries[0]}/favorite", headers=HX).status_code == 403


def test_new_prompt_shows_errors_in_place_then_saves(client, hx, db):
    assert 'id="prompt-form"' in _html(client.get("/saved-prompts/new"))
    invalid = client.post("/saved-prompts/new", headers=hx,
                          data={"title": "Greeting", "content": "   ", "tags": "hello, " + "x" * 51})
    assert invalid.status_code == 400
    html = _html(invalid)
    assert "<html" not in html and 'id="prompt-form"' in html
    assert "This field cannot be blank." in html and "Use at most 50 characters." in html
    assert 'value="Greeting"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedPrompt)) == 0
    saved = client.post("/saved-prompts/new", headers=hx, data={
        "title": "Greeting", "content": "Say hello to {{name}}", "tags": "hello, greeting", "is_public": "true"})
    assert saved.status_code == 204 and saved.headers["HX-Redirect"] == "/saved-prompts"
    prompt = db.session.scalars(sa.select(SavedPrompt)).one()
    assert (prompt.tags, prompt.is_public, prompt.is_favorite) == (["hello", "greeting"], True, False)
    assert "Saved “Greeting”." in _html(client.get("/saved-prompts"))


def test_edit_prompt_replaces_the_text_but_keeps_the_star(client, hx, app, user, db):
    with app.app_context():
        prompt = service.create_saved(user.id, {"title": "Old", "content": "c", "description": "d",
                                                "is_public": True, "is_favorite": True})
        prompt_id = prompt.id
    form = _html(client.get(f"/saved-prompts/{prompt_id}/edit"))
    assert 'value="Old"' in form and "checked" in form
    response = client.post(f"/saved-prompts/{prompt_id}/edit", headers=hx, data={"title": "New", "content": "c2"})
    assert response.status_code == 204
    edited = db.session.get(SavedPrompt, prompt_id)
    assert (edited.title, edited.description, edited.is_public, edited.is_favorite) == ("New", "", False, True)
    assert client.get("/saved-prompts/999/edit").status_code == 404


def test_saved_prompt_rows_star_delete_undo_and_duplicate(client, hx, app, user, db):
    with app.app_context():
        prompt_id = service.create_saved(user.id, {"title": "Row", "content": "c"}).id
    assert 'aria-pressed="true"' in _html(client.post(f"/saved-prompts/{prompt_id}/favorite", headers=hx))
    deleted = _html(client.delete(f"/saved-prompts/{prompt_id}", headers=hx))
    assert "Moved “Row” to the trash." in deleted and "Undo" in deleted
    assert "Row" in _html(client.get("/saved-prompts?deleted=true", headers=HX))
    assert "Moved" not in _html(client.post(f"/saved-prompts/{prompt_id}/restore", headers=hx))
    copied = client.post(f"/saved-prompts/{prompt_id}/duplicate", headers=hx)
    copy = db.session.scalars(sa.select(SavedPrompt).where(SavedPrompt.duplicated_from_id == prompt_id)).one()
    assert copied.status_code == 204 and copied.headers["HX-Redirect"] == f"/saved-prompts/{copy.id}/edit"


def test_public_tab_lists_everyones_shared_prompts(client, hx, app, make_user):
    other = make_user(username="bob", email="bob@example.test")
    with app.app_context():
        service.create_saved(other.id, {"title": "<i>Shared</i> by Bob", "content": "c", "is_public": True})
        service.create_saved(other.id, {"title": "Bob's private", "content": "c"})
    page = _html(client.get("/saved-prompts/public"))
    assert "&lt;i&gt;Shared&lt;/i&gt; by Bob" in page and "by bob" in page and "private" not in page
    fragment = _html(client.get("/saved-prompts/public?q=nothing-like-this", headers=HX))
    assert "<html" not in fragment and "Nothing matches" in fragment


def test_nav_links_to_history(client, hx):
    assert 'href="/history"' in _html(client.get("/"))
