"""Saved prompts: the user's own library, with a public shelf everyone can browse and copy from."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.history.models import PromptIteration, SavedPrompt
from promptcraft.history.schemas import TITLE_MAX
from promptcraft.history.service._common import (
    apply_changes,
    check_id,
    check_template,
    clean_tags,
    in_trash,
    matching,
    ordered,
    owned,
)
from promptcraft.pagination import Page, paginate

WHAT = "Saved prompt"
EDITABLE = {"title", "content", "description", "tags", "category", "is_public", "is_favorite", "template_id"}
ORDERING = {
    "created": SavedPrompt.created_at,
    "updated": SavedPrompt.updated_at,
    "title": sa.func.lower(SavedPrompt.title),
    "use_count": SavedPrompt.use_count,
}


def _own_iterations(prompt: SavedPrompt) -> sa.ColumnElement[bool]:
    """The iterations whose parent is this prompt (those in a thread belong to the thread)."""
    return sa.and_(PromptIteration.saved_prompt_id == prompt.id, PromptIteration.thread_id.is_(None))


def create_saved(user_id: uuid.UUID, data: dict[str, Any]) -> SavedPrompt:
    """Save a prompt in the user's library; 400 for a template the user cannot see."""
    check_template(user_id, data.get("template_id"))
    prompt = SavedPrompt(user_id=user_id)
    apply_changes(prompt, data, EDITABLE)
    db.session.add(prompt)
    db.session.commit()
    return prompt


def list_saved(
    user_id: uuid.UUID, *, q: str | None = None, category: str | None = None, favorite: bool | None = None,
    is_public: bool | None = None, deleted: bool = False, ordering: str = "-created", page: int = 1,
    page_size: int = 20,
) -> Page:
    """The user's saved prompts (or their trash), searched over title, description and content."""
    stmt = sa.select(SavedPrompt).where(SavedPrompt.user_id == user_id, in_trash(SavedPrompt, deleted))
    if q:
        stmt = stmt.where(matching(q, SavedPrompt.title, SavedPrompt.description, SavedPrompt.content))
    if category is not None:
        stmt = stmt.where(SavedPrompt.category == category)
    if favorite is not None:
        stmt = stmt.where(SavedPrompt.is_favorite.is_(favorite))
    if is_public is not None:
        stmt = stmt.where(SavedPrompt.is_public.is_(is_public))
    return paginate(ordered(stmt, SavedPrompt, ordering, ORDERING), page, page_size)


def list_public(
    *, q: str | None = None, category: str | None = None, ordering: str = "-created", page: int = 1,
    page_size: int = 20,
) -> Page:
    """Everyone's public saved prompts (not in the trash, owners still active): read-only."""
    stmt = (sa.select(SavedPrompt).options(orm.joinedload(SavedPrompt.owner))
            .where(SavedPrompt.is_public, SavedPrompt.deleted_at.is_(None), SavedPrompt.owner.has(User.is_active)))
    if q:
        stmt = stmt.where(matching(q, SavedPrompt.title, SavedPrompt.description, SavedPrompt.content))
    if category is not None:
        stmt = stmt.where(SavedPrompt.category == category)
    return paginate(ordered(stmt, SavedPrompt, ordering, ORDERING), page, page_size)


def get_saved(user_id: uuid.UUID, prompt_id: int) -> SavedPrompt:
    """One live saved prompt of the user; 404 for trashed ones and everyone else's (public or not)."""
    return owned(SavedPrompt, user_id, prompt_id, WHAT)


def update_saved(user_id: uuid.UUID, prompt_id: int, changes: dict[str, Any]) -> SavedPrompt:
    """Change the given fields of a live saved prompt; 400 for a template the user cannot see."""
    prompt = owned(SavedPrompt, user_id, prompt_id, WHAT)
    if changes.get("template_id") is not None:
        check_template(user_id, changes["template_id"])
    apply_changes(prompt, changes, EDITABLE)
    db.session.commit()
    return prompt


def toggle_saved_favorite(user_id: uuid.UUID, prompt_id: int) -> SavedPrompt:
    """Star or unstar a live saved prompt."""
    prompt = owned(SavedPrompt, user_id, prompt_id, WHAT)
    prompt.is_favorite = not prompt.is_favorite
    db.session.commit()
    return prompt


def duplicate_saved(user_id: uuid.UUID, prompt_id: int, *, title: str | None = None) -> SavedPrompt:
    """Copy one of the user's prompts, or anyone's public one, into the user's library.

    The copy is private, not a favourite, and remembers its original; the original's use count
    goes up. Anything else is a 404.
    """
    check_id(prompt_id, WHAT)
    original = db.session.scalar(sa.select(SavedPrompt).where(
        SavedPrompt.id == prompt_id, SavedPrompt.deleted_at.is_(None),
        sa.or_(SavedPrompt.user_id == user_id, SavedPrompt.is_public)))
    if original is None:
        raise AppError.not_found(WHAT)
    copy = SavedPrompt(
        user_id=user_id, title=title or original.title[:TITLE_MAX], content=original.content,
        description=original.description, tags=clean_tags(original.tags), category=original.category,
        template_id=original.template_id, duplicated_from_id=original.id,
    )
    original.use_count += 1
    db.session.add(copy)
    db.session.commit()
    return copy


def delete_saved(user_id: uuid.UUID, prompt_id: int, *, permanent: bool = False) -> SavedPrompt:
    """Move a saved prompt and its own iterations to the trash together, or remove them for good.

    Threads that use the prompt stay, and keep their iterations.
    """
    prompt = owned(SavedPrompt, user_id, prompt_id, WHAT, trashed=None if permanent else False)
    if permanent:
        db.session.execute(sa.delete(PromptIteration).where(_own_iterations(prompt)))
        db.session.delete(prompt)
    else:
        prompt.deleted_at = utcnow()
        db.session.execute(sa.update(PromptIteration).where(
            _own_iterations(prompt), PromptIteration.deleted_at.is_(None)).values(deleted_at=prompt.deleted_at))
    db.session.commit()
    return prompt


def restore_saved(user_id: uuid.UUID, prompt_id: int) -> SavedPrompt:
    """Take a saved prompt out of the trash, with the iterations that went in with it."""
    prompt = owned(SavedPrompt, user_id, prompt_id, WHAT, trashed=None)
    if prompt.deleted_at is not None:
        db.session.execute(sa.update(PromptIteration).where(
            _own_iterations(prompt), PromptIteration.deleted_at == prompt.deleted_at).values(deleted_at=None))
        prompt.deleted_at = None
    db.session.commit()
    return prompt
