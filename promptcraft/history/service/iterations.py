"""Iterations: numbered versions of a prompt, one of them active.

An iteration's parent is its thread when it has one, else its saved prompt. Versions are
numbered 1, 2, 3… within the parent (numbers of trashed versions are not reused), and among
the parent's live versions exactly one is active: the one the user currently stands by.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.history.models import PromptIteration, PromptThread, SavedPrompt
from promptcraft.history.service._common import apply_changes, in_trash, ordered, owned, referenced
from promptcraft.pagination import Page, paginate

WHAT = "Iteration"
EDITABLE = {"prompt", "response", "notes", "score"}
ORDERING = {
    "created": PromptIteration.created_at,
    "version": PromptIteration.version,
    "score": PromptIteration.score,
}


def _family(thread_id: int | None, saved_prompt_id: int | None) -> sa.ColumnElement[bool]:
    """The iterations that share a parent."""
    if thread_id is not None:
        return PromptIteration.thread_id == thread_id
    return sa.and_(PromptIteration.saved_prompt_id == saved_prompt_id, PromptIteration.thread_id.is_(None))


def _family_of(iteration: PromptIteration) -> sa.ColumnElement[bool]:
    return _family(iteration.thread_id, iteration.saved_prompt_id)


def _activate(iteration: PromptIteration) -> None:
    db.session.execute(sa.update(PromptIteration).where(
        _family_of(iteration), PromptIteration.id != iteration.id, PromptIteration.is_active
    ).values(is_active=False))
    iteration.is_active = True


def _keep_one_active(family: sa.ColumnElement[bool]) -> None:
    """When no live version of a parent is active, the latest live one becomes active."""
    db.session.flush()
    live = sa.select(PromptIteration).where(family, PromptIteration.deleted_at.is_(None))
    if db.session.scalar(live.where(PromptIteration.is_active).limit(1)) is None:
        latest = db.session.scalar(live.order_by(PromptIteration.version.desc()).limit(1))
        if latest is not None:
            latest.is_active = True


def new_iteration(user_id: uuid.UUID, *, thread_id: int | None, saved_prompt_id: int | None,
                  data: dict[str, Any]) -> PromptIteration:
    """Add the next version to a parent already checked to be the user's (flushes, does not commit).

    The parent row is locked first, so two concurrent additions cannot take the same number.
    """
    parent = PromptThread if thread_id is not None else SavedPrompt
    db.session.execute(sa.select(parent.id).where(parent.id == (thread_id or saved_prompt_id)).with_for_update())
    family = _family(thread_id, saved_prompt_id)
    version = (db.session.scalar(sa.select(sa.func.max(PromptIteration.version)).where(family)) or 0) + 1
    iteration = PromptIteration(user_id=user_id, thread_id=thread_id, saved_prompt_id=saved_prompt_id,
                                version=version, is_active=False, is_bookmarked=False)
    apply_changes(iteration, {"notes": "", **data}, EDITABLE)
    db.session.add(iteration)
    db.session.flush()
    if data.get("is_active", True):
        _activate(iteration)
    _keep_one_active(family)
    return iteration


def create_iteration(user_id: uuid.UUID, data: dict[str, Any]) -> PromptIteration:
    """Add a version to one of the user's threads and/or saved prompts (400 for unknown ones).

    In a thread, the saved prompt is the thread's unless given; a different one is a 400.
    """
    thread_id, saved_prompt_id = data.get("thread_id"), data.get("saved_prompt_id")
    if thread_id is not None:
        thread = referenced(PromptThread, user_id, thread_id, "thread_id", "Thread")
        if saved_prompt_id is None:
            saved_prompt_id = thread.saved_prompt_id
        elif thread.saved_prompt_id not in (None, saved_prompt_id):
            raise AppError.invalid("The thread belongs to another saved prompt.",
                                   {"saved_prompt_id": [f"The thread's prompt is {thread.saved_prompt_id}."]})
    if saved_prompt_id is not None:
        referenced(SavedPrompt, user_id, saved_prompt_id, "saved_prompt_id", "Saved prompt")
    if thread_id is None and saved_prompt_id is None:
        raise AppError.invalid("Give a saved_prompt_id, a thread_id or both.",
                               {"saved_prompt_id": ["Give a saved_prompt_id, a thread_id or both."]})
    iteration = new_iteration(user_id, thread_id=thread_id, saved_prompt_id=saved_prompt_id, data=data)
    db.session.commit()
    return iteration


def list_iterations(
    user_id: uuid.UUID, *, saved_prompt_id: int | None = None, thread_id: int | None = None,
    bookmarked: bool | None = None, active: bool | None = None, deleted: bool = False,
    ordering: str = "-created", page: int = 1, page_size: int = 20,
) -> Page:
    """The user's iterations (or their trash), optionally of one saved prompt or thread."""
    stmt = sa.select(PromptIteration).where(PromptIteration.user_id == user_id, in_trash(PromptIteration, deleted))
    if saved_prompt_id is not None:
        stmt = stmt.where(PromptIteration.saved_prompt_id == saved_prompt_id)
    if thread_id is not None:
        stmt = stmt.where(PromptIteration.thread_id == thread_id)
    if bookmarked is not None:
        stmt = stmt.where(PromptIteration.is_bookmarked.is_(bookmarked))
    if active is not None:
        stmt = stmt.where(PromptIteration.is_active.is_(active))
    return paginate(ordered(stmt, PromptIteration, ordering, ORDERING), page, page_size)


def get_iteration(user_id: uuid.UUID, iteration_id: int) -> PromptIteration:
    """One live iteration of the user; 404 otherwise."""
    return owned(PromptIteration, user_id, iteration_id, WHAT)


def update_iteration(user_id: uuid.UUID, iteration_id: int, changes: dict[str, Any]) -> PromptIteration:
    """Change the text, response, notes or score of a live iteration (its number and parent stay)."""
    iteration = owned(PromptIteration, user_id, iteration_id, WHAT)
    apply_changes(iteration, changes, EDITABLE)
    db.session.commit()
    return iteration


def toggle_bookmark(user_id: uuid.UUID, iteration_id: int) -> PromptIteration:
    """Bookmark a live iteration, or remove its bookmark."""
    iteration = owned(PromptIteration, user_id, iteration_id, WHAT)
    iteration.is_bookmarked = not iteration.is_bookmarked
    db.session.commit()
    return iteration


def set_active(user_id: uuid.UUID, iteration_id: int) -> PromptIteration:
    """Make this version the active one of its parent; the others of the same parent stop being active."""
    iteration = owned(PromptIteration, user_id, iteration_id, WHAT)
    _activate(iteration)
    db.session.commit()
    return iteration


def delete_iteration(user_id: uuid.UUID, iteration_id: int, *, permanent: bool = False) -> PromptIteration:
    """Trash an iteration (or remove it for good); if it was active, the latest live one takes over."""
    iteration = owned(PromptIteration, user_id, iteration_id, WHAT, trashed=None if permanent else False)
    family = _family_of(iteration)
    if permanent:
        db.session.delete(iteration)
    else:
        iteration.deleted_at = utcnow()
        iteration.is_active = False
    _keep_one_active(family)
    db.session.commit()
    return iteration


def restore_iteration(user_id: uuid.UUID, iteration_id: int) -> PromptIteration:
    """Take an iteration out of the trash; 409 while its thread (or, outside a thread, its prompt) is trashed."""
    iteration = owned(PromptIteration, user_id, iteration_id, WHAT, trashed=None)
    if iteration.deleted_at is not None:
        parent = (db.session.get(PromptThread, iteration.thread_id) if iteration.thread_id is not None
                  else db.session.get(SavedPrompt, iteration.saved_prompt_id))
        if parent is not None and parent.deleted_at is not None:
            what = "thread" if iteration.thread_id is not None else "saved prompt"
            raise AppError.conflict(f"Its {what} is in the trash: restore the {what} first.")
        iteration.deleted_at = None
        _keep_one_active(_family_of(iteration))
    db.session.commit()
    return iteration
