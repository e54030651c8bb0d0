"""Library pages: whole pages, htmx fragments, forms with errors in place, escaping."""
from __future__ import annotations

HX = {"HX-Request": "true"}


def test_library_page_and_search_fragment(client, library):
    page = client.get("/library")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="library-filters"' in html and "<html" in html
    fragment = client.get("/library?q=translate", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="results"') and "<mark>" in fragment
    assert "Vary" in client.get("/library").headers and "HX-Request" in client.get("/library").headers["Vary"]
    restore = client.get("/library?q=translate", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_bad_filters_are_a_400_page(client, categories):
    assert client.get("/library?ordering=sideways").status_code == 400


def test_detail_preview_and_use(client, make_template):
    template_id = make_template(None)
    html = client.get(f"/library/{template_id}").get_data(as_text=True)
    assert 'id="variables-form"' in html and "var_team" in html and "Still to fill in" in html
    preview = client.post(f"/library/{template_id}/preview", data={"var_team": "QA", "var_topic": "bugs"}, headers=HX)
    assert "Write a status email to QA about bugs." in preview.get_data(as_text=True)
    used = client.post(f"/library/{template_id}/use", data={"var_team": "QA", "var_topic": "bugs"}, headers=HX)
    assert "1 use" in used.get_data(as_text=True)
    incomplete = client.post(f"/library/{template_id}/use", data={"var_team": "QA"}, headers=HX)
    assert incomplete.status_code == 400 and incomplete.headers["HX-Retarget"] == "#flash"


def test_titles_and_content_are_escaped(client, make_template):
    template_id = make_template(None, title="<script>alert('t')</script>", content="<img src=x onerror=alert(1)> {{x}}")
    html = client.get(f"/library/{template_id}").get_data(as_text=True)
    assert "<script>alert('t')</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    listing = client.get("/library?q=alert").get_data(as_text=True)
    assert "<script>alert('t')</script>" not in listing


def test_create_form_shows_errors_in_place_then_creates(client, auth, user, categories):
    csrf = auth.cookie_login(user)
    headers = {**HX, "X-CSRF-TOKEN": csrf}
    bad = client.post("/library/new", headers=headers, data={"title": "", "content": "Hello {{name}}"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert 'id="template-form"' in html and "field invalid" in html and "<html" not in html
    good = client.post("/library/new", headers=headers, data={
        "title": "Greeting", "content": "Hello {{name}}", "var_name_description": "Who to greet",
        "category": "communication", "tags": "greeting, short", "is_public": "on"})
    assert good.status_code == 204
    location = good.headers["HX-Redirect"]
    detail = client.get(location).get_data(as_text=True)
    assert "Greeting" in detail and "#greeting" in detail and "Who to greet" in detail


def test_edit_is_for_the_owner_and_records_a_version(client, auth, user, make_user, make_template):
    template_id = make_template(user)
    other = make_user(username="bob", email="bob@example.test")
    auth.cookie_login(other)
    assert client.get(f"/library/{template_id}/edit").status_code == 403
    csrf = auth.cookie_login(user)
    form = client.get(f"/library/{template_id}/edit").get_data(as_text=True)
    assert "Weekly status email" in form
    saved = client.post(f"/library/{template_id}/edit", headers={**HX, "X-CSRF-TOKEN": csrf}, data={
        "title": "Weekly status email", "content": "Status for {{team}}.", "version_note": "Trimmed",
        "is_public": "on", "tags": "email"})
    assert saved.status_code == 204
    assert "Trimmed" in client.get(f"/library/{template_id}").get_data(as_text=True)


def test_rating_from_the_page_redraws_the_block(client, auth, user, make_template):
    template_id = make_template(None)
    csrf = auth.cookie_login(user)
    response = client.post(f"/library/{template_id}/rate", data={"score": "4"}, headers={**HX, "X-CSRF-TOKEN": csrf})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card" id="rating">') and "You rated it 4/5" in html


def test_categories_page_links_to_filtered_library(client, library):
    html = client.get("/categories").get_data(as_text=True)
    assert 'href="/library?category=coding"' in html
