"""Reference data for the library: the categories and the bundled prompt collection."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from promptcraft.extensions import db
from promptcraft.prompt_templates import transfer
from promptcraft.prompt_templates.models import Category, Template

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "library"
FEATURED_PER_CATEGORY = 2


def seed_categories() -> dict[str, int]:
    items = json.loads((DATA_DIR / "categories.json").read_text(encoding="utf-8"))
    existing = set(db.session.scalars(sa.select(Category.slug)))
    added = [Category(slug=i["slug"], name=i["name"], description=i["description"]) for i in items
             if i["slug"] not in existing]
    db.session.add_all(added)
    db.session.commit()
    return {"template categories": len(added)}


def seed_library() -> dict[str, int]:
    """Import the bundled collection (unchanged rows are skipped) and pick the featured ones."""
    text = (DATA_DIR / "prompts.jsonl").read_text(encoding="utf-8")
    report = transfer.import_rows(transfer.read_rows(text, "jsonl"))
    if report.invalid:
        raise RuntimeError(f"The bundled library has invalid rows: {report.invalid[:3]}")
    return {"library templates": report.created, "library templates updated": report.updated,
            "featured templates": _feature_defaults()}


def _feature_defaults() -> int:
    """In each category without a featured template, feature the first ones with variables to fill."""
    featured = 0
    for category in db.session.scalars(sa.select(Category)):
        has_featured = db.session.scalar(sa.select(sa.func.count()).where(
            Template.category_id == category.id, Template.is_featured.is_(True)))
        if has_featured:
            continue
        candidates = db.session.scalars(
            sa.select(Template).where(Template.category_id == category.id, Template.owner_id.is_(None))
            .order_by(sa.func.length(sa.cast(Template.variables, sa.Text)).desc(), Template.id)
            .limit(FEATURED_PER_CATEGORY))
        for template in candidates:
            template.is_featured = True
            featured += 1
    db.session.commit()
    return featured


def run() -> dict[str, int]:
    return {**seed_categories(), **seed_library()}
