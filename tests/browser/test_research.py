"""Research in a real browser: start a job from the form, watch its progress bar move over SSE
while it runs, and read the brief with its cited sources when it is done."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fakes.tavily import API_KEY, FakeTavily


@pytest.fixture
def slow_web(app, monkeypatch):
    """Web search on, through a fake Tavily that takes a few seconds, so the job is seen running
    (1.5 s was once too short a window for a loaded machine to show the bar between two steps)."""
    server = FakeTavily(delay=4.0).start()
    monkeypatch.setitem(app.config, "TAVILY_API_KEY", API_KEY)
    monkeypatch.setitem(app.config, "TAVILY_BASE_URL", server.url)
    monkeypatch.setitem(app.config, "TAVILY_TIMEOUT_SECONDS", 10.0)
    yield server
    server.stop()


def test_a_job_s_progress_bar_reaches_the_brief(signed_in, make_template, slow_web):
    make_template(title="SQL query writer", category="coding",
                  content="Write a SQL query that answers {{question}}. Use explicit JOIN clauses and check which "
                          "indexes the query uses.")
    page = signed_in
    page.goto("/research")
    expect(page.locator("#no-research")).to_be_visible()
    page.fill("#topic", "SQL query indexes")
    page.select_option("#depth", "quick")
    page.click("#research-form button[type=submit]")
    page.wait_for_url(re.compile(r"/research/\d+$"))
    expect(page.locator("#research-job[sse-connect]")).to_have_count(1)  # still running: following it live
    # The bar moves while the job waits on the web search: a value between start and end, shown live.
    page.wait_for_function("() => { const v = document.getElementById('job-progress').value; "
                           "return v >= 55 && v < 100; }")
    expect(page.locator("#job-status")).to_have_text("running")
    expect(page.locator("#job-messages")).to_contain_text("Searching the web (Tavily)")

    expect(page.locator("#brief")).to_be_visible(timeout=15_000)
    expect(page.locator("#job-status")).to_have_text("done")
    assert page.eval_on_selector("#job-progress", "el => el.value") == 100
    expect(page.locator("#brief h1")).to_have_text("Research brief: SQL query indexes")
    sources = page.locator("#sources li")
    expect(sources.first).to_contain_text("SQL query writer")
    expect(page.locator("#sources li[data-kind=web] a").first).to_have_attribute(
        "href", "https://example.org/prompt-engineering")
    cited = page.locator("#sources li[data-cited=true]")
    assert cited.count() >= 2
    brief = page.inner_text("#brief")
    for number in page.eval_on_selector_all("#sources li[data-cited=true]", "els => els.map(e => e.value)"):
        assert f"[{number}]" in brief
    expect(page.locator("#research-job[sse-connect]")).to_have_count(0)  # the stream is closed

    page.click("text=← All research")
    expect(page.locator(".research-row[data-status=done]")).to_contain_text("SQL query indexes")
