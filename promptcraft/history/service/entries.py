"""History entries: every prompt a user ran, written by the domains that run prompts."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from promptcraft import signals
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.history.models import SOURCES, PromptHistory
from promptcraft.history.service._common import (
    apply_changes,
    check_template,
    clean_tags,
    in_trash,
    matching,
    ordered,
    owned,
)
from promptcraft.pagination import Page, paginate

WHAT = "History entry"
EDITABLE = {"original_prompt", "optimized_prompt", "response", "provider", "model", "template_id", "category",
            "tags", "tokens_used", "cost", "quality_score", "source", "is_favorite"}
ORDERING = {
    "created": PromptHistory.created_at,
    "score": PromptHistory.quality_score,
    "tokens": PromptHistory.tokens_used,
    "cost": PromptHistory.cost,
}


def record_prompt(
    user_id: uuid.UUID, prompt: str, *, optimized_prompt: str | None = None, response: str | None = None,
    provider: str = "", model: str = "", template_id: int | None = None, category: str = "",
    tags: Iterable[str] = (), tokens_used: int = 0, cost: float = 0.0, quality_score: float | None = None,
    source: str = "manual", is_favorite: bool = False,
) -> PromptHistory:
    """Write one history entry for the user, commit, and send `prompt_recorded`.

    What chat, AskMe, the optimizer and the API call. Raises 400 for a blank prompt, an unknown
    source or a template the user cannot see.
    """
    if not prompt.strip():
        raise AppError.invalid("The prompt is empty.", {"original_prompt": ["This field cannot be blank."]})
    if source not in SOURCES:
        raise AppError.invalid("Unknown source.", {"source": [f"Use one of: {', '.join(SOURCES)}."]})
    check_template(user_id, template_id)
    entry = PromptHistory(
        user_id=user_id, original_prompt=prompt, optimized_prompt=optimized_prompt, response=response,
        provider=provider, model=model, template_id=template_id, category=category, tags=clean_tags(tags),
        tokens_used=tokens_used, cost=cost, quality_score=quality_score, source=source, is_favorite=is_favorite,
    )
    db.session.add(entry)
    db.session.commit()
    signals.prompt_recorded.send(user_id, entry_id=entry.id, source=entry.source, template_id=entry.template_id,
                                 tokens_used=entry.tokens_used, cost=entry.cost)
    return entry


def create_entry(user_id: uuid.UUID, data: dict[str, Any]) -> PromptHistory:
    """A history entry sent through the API (same rules and signal as `record_prompt`)."""
    fields = dict(data)
    return record_prompt(user_id, fields.pop("original_prompt"), **fields)


def list_entries(
    user_id: uuid.UUID, *, q: str | None = None, source: str | None = None, template_id: int | None = None,
    favorite: bool | None = None, deleted: bool = False, ordering: str = "-created", page: int = 1,
    page_size: int = 20,
) -> Page:
    """The user's entries (or their trash), searched, filtered and sorted, one page at a time."""
    stmt = sa.select(PromptHistory).where(PromptHistory.user_id == user_id, in_trash(PromptHistory, deleted))
    if q:
        stmt = stmt.where(matching(q, PromptHistory.original_prompt, PromptHistory.optimized_prompt,
                                   PromptHistory.response))
    if source is not None:
        stmt = stmt.where(PromptHistory.source == source)
    if template_id is not None:
        stmt = stmt.where(PromptHistory.template_id == template_id)
    if favorite is not None:
        stmt = stmt.where(PromptHistory.is_favorite.is_(favorite))
    return paginate(ordered(stmt, PromptHistory, ordering, ORDERING), page, page_size)


def count_entries(user_id: uuid.UUID) -> int:
    """How many entries the user has outside the trash."""
    return db.session.scalar(sa.select(sa.func.count()).where(
        PromptHistory.user_id == user_id, PromptHistory.deleted_at.is_(None))) or 0


def get_entry(user_id: uuid.UUID, entry_id: int) -> PromptHistory:
    """One live entry of the user; 404 for trashed ones and everyone else's."""
    return owned(PromptHistory, user_id, entry_id, WHAT)


def update_entry(user_id: uuid.UUID, entry_id: int, changes: dict[str, Any]) -> PromptHistory:
    """Change the given fields of a live entry; 400 for a template the user cannot see."""
    entry = owned(PromptHistory, user_id, entry_id, WHAT)
    if changes.get("template_id") is not None:
        check_template(user_id, changes["template_id"])
    apply_changes(entry, changes, EDITABLE)
    db.session.commit()
    return entry


def toggle_entry_favorite(user_id: uuid.UUID, entry_id: int) -> PromptHistory:
    """Star or unstar a live entry."""
    entry = owned(PromptHistory, user_id, entry_id, WHAT)
    entry.is_favorite = not entry.is_favorite
    db.session.commit()
    return entry


def delete_entry(user_id: uuid.UUID, entry_id: int, *, permanent: bool = False) -> PromptHistory:
    """Move a live entry to the trash, or with `permanent` remove a live or trashed one for good."""
    entry = owned(PromptHistory, user_id, entry_id, WHAT, trashed=None if permanent else False)
    if permanent:
        db.session.delete(entry)
    else:
        entry.deleted_at = utcnow()
    db.session.commit()
    return entry


def restore_entry(user_id: uuid.UUID, entry_id: int) -> PromptHistory:
    """Take an entry out of the trash (restoring a live one changes nothing)."""
    entry = owned(PromptHistory, user_id, entry_id, WHAT, trashed=None)
    entry.deleted_at = None
    db.session.commit()
    return entry
