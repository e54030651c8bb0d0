"""Chat in a real browser: the reply streams in, survives a reload, and can be stopped."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_send_watch_the_stream_reload_and_find_it_saved(signed_in, app, monkeypatch):
    page = signed_in
    monkeypatch.setitem(app.config, "LOCAL_ENGINE_CHUNK_DELAY", 0.01)
    from promptcraft.ai.gateway import Gateway

    monkeypatch.setitem(app.extensions, "ai_gateway", Gateway({**app.config, "LOCAL_ENGINE_CHUNK_DELAY": 0.01}))
    page.goto("/chat")
    expect(page.locator("#provider-note")).to_contain_text("offline")
    page.fill("#message", "Improve this prompt: write a product description for a coffee grinder")
    page.click("#chat-form button[type=submit]")
    page.wait_for_url(re.compile(r"/chat/[0-9a-f-]{36}$"))
    streaming = page.locator("article.assistant .streaming-text")
    expect(streaming).to_contain_text("Offline engine")  # words arrive before the reply is complete
    final = page.locator("article.assistant.status-complete")
    expect(final).to_be_visible(timeout=20_000)
    expect(final.locator("h3").first).to_contain_text("Assessment")
    page.reload()
    expect(page.locator("article.user")).to_contain_text("coffee grinder")
    expect(page.locator("article.assistant.status-complete h3").first).to_contain_text("Assessment")
    expect(page.locator("#session-list li.current")).to_contain_text("Improve this prompt")
    page.goto("/history")  # the turn is in the prompt history too
    expect(page.locator("#history-results")).to_contain_text("write a product description for a coffee grinder")


def test_stop_keeps_the_partial_reply_marked_interrupted(signed_in, app, monkeypatch):
    page = signed_in
    from promptcraft.ai.gateway import Gateway

    monkeypatch.setitem(app.extensions, "ai_gateway", Gateway({**app.config, "LOCAL_ENGINE_CHUNK_DELAY": 0.08}))
    page.goto("/chat")
    page.fill("#message", "Improve this prompt: plan a week of vegetarian dinners for a family of four")
    page.click("#chat-form button[type=submit]")
    page.wait_for_url(re.compile(r"/chat/[0-9a-f-]{36}$"))
    expect(page.locator("article.assistant .streaming-text")).to_contain_text("Offline")
    page.click(".stop-button")
    expect(page.locator("article.assistant.status-interrupted")).to_be_visible(timeout=15_000)
    page.reload()
    interrupted = page.locator("article.assistant.status-interrupted")
    expect(interrupted).to_contain_text("interrupted")
    expect(interrupted.locator(".body")).to_contain_text("Offline")
