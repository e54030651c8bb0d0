"""The account pages: full pages, htmx fragments, errors in place, redirects."""
from __future__ import annotations

from tests.factories import PASSWORD

HX = {"HX-Request": "true"}


def test_login_page_renders_the_form(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="login-form"' in html and "Acme ID" in html  # the configured social provider


def test_login_with_htmx_redirects_and_sets_cookies(client, user):
    response = client.post("/login?next=/profile", headers=HX,
                           data={"username_or_email": "ada", "password": PASSWORD})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/profile"
    assert client.get_cookie("access_token_cookie") is not None
    assert "ada" in client.get("/profile").get_data(as_text=True)


def test_login_failure_shows_the_error_in_the_form_fragment(client, user):
    response = client.post("/login", headers=HX, data={"username_or_email": "ada", "password": "wrong-password!"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="login-form"' in html
    assert "Wrong username, email or password." in html


def test_next_cannot_leave_the_site(client, user):
    response = client.post("/login?next=//evil.example/", data={"username_or_email": "ada", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_register_page_shows_field_errors_in_place(client, user):
    response = client.post("/register", headers=HX, data={
        "username": "ada", "email": "new@example.test", "password": "short", "password_confirm": "short"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="register-form"' in html and "field invalid" in html


def test_register_page_creates_the_account_and_signs_in(client):
    response = client.post("/register", headers=HX, data={
        "username": "newbie", "email": "newbie@example.test", "password": "quiet-harbour-lantern-42",
        "password_confirm": "quiet-harbour-lantern-42"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Welcome back" in home and "newbie" in home


def test_availability_fragment(client, user):
    assert "already taken" in client.get("/register/check/username?username=ADA", headers=HX).get_data(as_text=True)
    assert "available" in client.get("/register/check/username?username=fresh", headers=HX).get_data(as_text=True)
    assert client.get("/register/check/password?password=x").status_code == 404


def test_pages_that_need_a_user_redirect_to_login(client):
    page = client.get("/profile")
    assert page.status_code == 303 and page.headers["Location"].startswith("/login?next=/profile")
    fragment = client.get("/profile", headers=HX)
    assert fragment.status_code == 204 and fragment.headers["HX-Redirect"].startswith("/login")


def test_profile_form_saves_and_reports_conflicts(client, auth, user, make_user):
    make_user(username="taken", email="taken@example.test")
    csrf = auth.cookie_login(user)
    headers = {**HX, "X-CSRF-TOKEN": csrf}
    saved = client.post("/profile", headers=headers, data={"first_name": "Augusta", "timezone": "Europe/Paris"})
    assert saved.status_code == 204
    assert "Augusta" in client.get("/profile").get_data(as_text=True)
    clash = client.post("/profile", headers=headers, data={"username": "taken"})
    assert clash.status_code == 400
    assert "already registered" in clash.get_data(as_text=True)


def test_page_posts_need_the_csrf_token(client, auth, user):
    auth.cookie_login(user)
    refused = client.post("/profile", headers=HX, data={"first_name": "Eve"})
    assert refused.status_code == 403
    assert refused.headers["HX-Retarget"] == "#flash"


def test_api_keys_page_shows_the_secret_once(client, auth, user):
    csrf = auth.cookie_login(user)
    created = client.post("/profile/api-keys", headers={**HX, "X-CSRF-TOKEN": csrf}, data={"name": "cli"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and 'id="new-key-value"' in html
    secret = html.split('id="new-key-value">')[1].split("<")[0]
    assert secret.startswith("pc_")
    assert secret not in client.get("/profile/api-keys").get_data(as_text=True)


def test_logout_clears_the_session(client, auth, user):
    csrf = auth.cookie_login(user)
    response = client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert client.get("/api/v2/auth/profile/").status_code == 401


def test_performance_page_is_for_staff(client, auth, user, staff):
    auth.cookie_login(user)
    assert client.get("/performance").status_code == 403
    auth.cookie_login(staff)
    page = client.get("/performance")
    assert page.status_code == 200 and 'id="endpoint-stats"' in page.get_data(as_text=True)


def test_user_text_is_escaped(client, make_user, auth):
    evil = make_user(username="evil", email="evil@example.test", first_name="<script>alert(1)</script>")
    auth.cookie_login(evil)
    html = client.get("/profile").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
