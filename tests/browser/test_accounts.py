"""Account flows in a real browser: sign-up with live checks, sign-in, profile, password, keys."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

STRONG = "quiet-harbour-lantern-42"


def test_register_with_live_availability_checks(page, user):
    page.goto("/register")
    page.fill("#username", "ada")
    expect(page.locator("#username-status")).to_contain_text("already taken")
    page.fill("#username", "newcomer")
    expect(page.locator("#username-status")).to_contain_text("available")
    page.fill("#email", "ada@example.test")
    expect(page.locator("#email-status")).to_contain_text("already taken")
    page.fill("#email", "newcomer@example.test")
    expect(page.locator("#email-status")).to_contain_text("available")
    page.fill("#password", "short")
    page.fill("#password_confirm", "short")
    page.click("#register-form button[type=submit]")
    expect(page.locator("#field-password .error")).to_contain_text("at least 10 characters")
    page.fill("#password", STRONG)
    page.fill("#password_confirm", STRONG)
    page.click("#register-form button[type=submit]")
    page.wait_for_url("**/")
    expect(page.locator("h1")).to_contain_text("Welcome back, newcomer")
    expect(page.locator(".flash")).to_contain_text("100 credits")


def test_login_failure_then_success_and_logout(page, user):
    page.goto("/profile")
    page.wait_for_url("**/login?next=/profile")
    page.fill("#username_or_email", "ada")
    page.fill("#password", "definitely-wrong")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-form .flash.error")).to_contain_text("Wrong username")
    # The form was just swapped in; a person retypes after htmx has settled it, so does the test.
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
    page.fill("#password", "a-long-test-passphrase")
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"//[^/]+/profile$"))  # not /login?next=/profile
    expect(page.locator("h1")).to_contain_text("Ada Writer")
    page.click("text=Sign out")
    page.wait_for_url("**/login")
    expect(page.locator(".flash")).to_contain_text("signed out")
    page.goto("/profile")
    page.wait_for_url("**/login?next=/profile")


def test_profile_edit_shows_errors_in_place_and_saves(signed_in, make_user):
    page = signed_in
    make_user(username="taken", email="taken@example.test")
    page.goto("/profile")
    page.fill("#username", "taken")
    page.click("#profile-form button[type=submit]")
    expect(page.locator("#field-username .error")).to_contain_text("already registered")
    page.fill("#username", "ada")
    page.fill("#first_name", "Augusta")
    page.fill("#timezone", "Europe/London")
    page.click("#profile-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("Profile saved")
    expect(page.locator("h1")).to_contain_text("Augusta Writer")
    expect(page.locator("#timezone")).to_have_value("Europe/London")


def test_change_password(signed_in):
    page = signed_in
    page.goto("/profile/password")
    page.fill("#old_password", "a-long-test-passphrase")
    page.fill("#new_password", "password")
    page.click("#password-form button[type=submit]")
    expect(page.locator("#field-new_password .error").first).to_be_visible()
    page.fill("#old_password", "a-long-test-passphrase")
    page.fill("#new_password", STRONG)
    page.click("#password-form button[type=submit]")
    page.wait_for_url("**/profile")
    expect(page.locator(".flash")).to_contain_text("Password changed")


def test_api_keys_create_copy_and_delete(signed_in):
    page = signed_in
    page.goto("/profile/api-keys")
    page.fill("#name", "laptop script")
    page.click("#key-form button[type=submit]")
    secret = page.locator("#new-key-value")
    expect(secret).to_contain_text("pc_")
    expect(page.locator("tr[data-key='laptop script']")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("tr[data-key='laptop script'] button")
    expect(page.locator("tr[data-key='laptop script']")).to_have_count(0)
    expect(page.locator("#keys")).to_contain_text("No keys yet")


def test_performance_page_for_staff(page, staff):
    sign_in(page, staff)
    page.click("text=Performance")
    expect(page.locator("#endpoint-stats")).to_contain_text("/login")
    expect(page.locator("#recent-requests tbody tr").first).to_be_visible()


def test_api_docs_load_from_vendored_files(page):
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("PromptCraft API")
