"""Web search through Tavily, against a fake Tavily on 127.0.0.1 speaking its wire format."""
from __future__ import annotations

from promptcraft.research.service import web
from tests.fakes.tavily import API_KEY


def test_web_pages_become_cited_sources(auth, user, material, research, use_tavily):
    job = research(auth.headers(user), "SQL query indexes")
    pages = [s for s in job["sources"] if s["kind"] == "web"]
    assert [p["url"] for p in pages] == ["https://example.org/prompt-engineering",
                                         "https://example.org/evaluating-prompts"]
    assert pages[0]["title"] == "Prompt engineering guide" and pages[0]["id"] == "web:1"
    assert "From the web" in job["brief"]
    assert any(f"[{p['n']}]" in job["brief"] for p in pages)
    assert "https://example.org/prompt-engineering" in job["brief"]  # the source list links it
    assert any(m["message"] == "Found 2 web page(s)." for m in job["messages"])
    sent = use_tavily.requests[0]
    assert sent["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert sent["body"]["query"] == "SQL query indexes"
    assert sent["body"]["max_results"] == 5 and sent["body"]["search_depth"] == "basic"


def test_deep_research_asks_tavily_for_an_advanced_search(auth, user, research, use_tavily):
    research(auth.headers(user), "prompt evaluation", "deep")
    assert use_tavily.requests[0]["body"]["search_depth"] == "advanced"
    assert use_tavily.requests[0]["body"]["max_results"] == 8


def test_web_only_material_still_makes_a_brief(auth, user, research, use_tavily):
    job = research(auth.headers(user), "few-shot prompts explicit output format")
    assert job["status"] == "done" and {s["kind"] for s in job["sources"]} == {"web"}
    assert "Few-shot prompts give the model worked examples of the task. [1]" in job["brief"]


def test_tavily_error_is_reported_and_the_job_continues(auth, user, material, research, use_tavily):
    use_tavily.error(500)
    job = research(auth.headers(user), "SQL query indexes")
    assert job["status"] == "done" and all(s["kind"] != "web" for s in job["sources"])
    failed = [m["message"] for m in job["messages"] if m["stage"] == "web" and "failed" in m["message"]]
    assert failed == ["Web search failed (Tavily answered 500: Internal Server Error); continuing with the "
                      "library and your prompts."]


def test_tavily_timeout_is_reported_and_the_job_continues(auth, user, material, research, use_tavily):
    use_tavily.delay = 2.0
    job = research(auth.headers(user), "SQL query indexes")
    assert job["status"] == "done"
    assert any("Tavily did not answer in time" in m["message"] for m in job["messages"])


def test_a_rejected_key_is_reported(app, monkeypatch, auth, user, material, research, use_tavily):
    monkeypatch.setitem(app.config, "TAVILY_API_KEY", "tvly-wrong")
    job = research(auth.headers(user), "SQL query indexes")
    assert any("Tavily answered 401: Unauthorized" in m["message"] for m in job["messages"])


def test_search_parses_tavily_results(app, use_tavily):
    use_tavily.results([{"title": "", "url": "https://example.org/x", "content": "Text."}])
    with app.app_context():
        results = web.search("anything", max_results=3)
    assert [(r.title, r.url, r.content, r.score) for r in results] == [
        ("https://example.org/x", "https://example.org/x", "Text.", 0.9)]


def test_unreachable_tavily_is_a_web_search_error(app, monkeypatch, use_tavily):
    monkeypatch.setitem(app.config, "TAVILY_BASE_URL", "http://127.0.0.1:9")
    with app.app_context():
        try:
            web.search("anything", max_results=3)
        except web.WebSearchError as error:
            assert error.code == "unreachable"
        else:
            raise AssertionError("expected a WebSearchError")
