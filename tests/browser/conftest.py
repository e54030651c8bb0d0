"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright against the live app."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test; any JavaScript error fails the test."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" and "Failed to load resource" not in message.text else None)
    yield page
    context.close()
    assert problems == []


def sign_in(page, user, password: str = PASSWORD):
    """Sign in through the login form, as a person would."""
    page.goto("/login")
    page.fill("#username_or_email", user.username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/")
    return page


@pytest.fixture
def signed_in(page, user):
    """The page, signed in as `user`."""
    return sign_in(page, user)
