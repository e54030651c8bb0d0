"""The optimizer and the assistants in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def seeded(app):
    from promptcraft.extensions import db
    from promptcraft.prompt_templates import service
    from promptcraft.prompt_templates.seed import seed_categories

    with app.app_context():
        seed_categories()
        service.build({"title": "Blog post writer", "content": "Act as a professional blogger. Write a blog post "
                       "about {{topic}} for {{audience}}.", "category": "writing", "tags": ["writing"]}, None)
        db.session.commit()


def test_assess_then_optimize(signed_in, seeded):
    page = signed_in
    page.goto("/optimizer")
    page.fill("#prompt", "write a blog post about remote work")
    page.click("#assess-button")
    expect(page.locator("#overall-score")).to_contain_text("/10")
    expect(page.locator(".criterion")).to_have_count(7)
    expect(page.locator("#suggestions li").first).to_be_visible()
    before = float(page.locator("#overall-score").inner_text().split("/")[0])
    page.fill("#goal", "our engineering blog")
    page.click("#optimize-button")
    expect(page.locator("#optimized-text")).to_contain_text("Task: write a blog post about remote work")
    after = float(page.locator("#score-after").inner_text())
    assert after > before
    expect(page.locator("#diff .add").first).to_be_visible()
    expect(page.locator("#sources")).to_contain_text("Blog post writer")


def test_assistant_thread(signed_in, seeded):
    page = signed_in
    page.goto("/assistants")
    page.check("input[value=critic]")
    page.fill("#assistant-message", "write a blog post")
    page.click("#assistant-form button[type=submit]")
    page.wait_for_url(re.compile(r"/assistants/[0-9a-f-]{36}$"))
    expect(page.locator("[data-tool=assess_prompt]")).to_be_visible()
    expect(page.locator("article.assistant")).to_contain_text("Overall")
    page.fill("#assistant-message", "write a short blog post for developers")
    page.click("#assistant-form button[type=submit]")
    expect(page.locator("article.assistant")).to_have_count(2)
