"""Library fixtures: categories, a sample of the bundled collection, and a template factory."""
from __future__ import annotations

import itertools

import pytest

from promptcraft.extensions import db as _db
from promptcraft.prompt_templates import service, transfer
from promptcraft.prompt_templates.seed import DATA_DIR, seed_categories


@pytest.fixture
def categories(app):
    with app.app_context():
        seed_categories()


@pytest.fixture
def library(app, categories):
    """Every sixth prompt of the bundled collection (about 280, across all categories)."""
    text = (DATA_DIR / "prompts.jsonl").read_text(encoding="utf-8")
    rows = itertools.islice(transfer.read_rows(text, "jsonl"), 0, None, 6)
    with app.app_context():
        report = transfer.import_rows(rows)
        assert not report.invalid
        return report.created


@pytest.fixture
def make_template(app, categories):
    """Create a template owned by `owner` (None: the shared library); returns its id."""

    def make(owner=None, **fields) -> int:
        data = {"title": "Weekly status email", "content": "Write a status email to {{team}} about {{topic}}.",
                "description": "Tell the team what happened this week.", "category": "communication",
                "tags": ["email"], "is_public": True}
        data.update(fields)
        with app.app_context():
            user = _db.session.get(type(owner), owner.id) if owner is not None else None
            template = service.build(data, user)
            _db.session.commit()
            return template.id

    return make
