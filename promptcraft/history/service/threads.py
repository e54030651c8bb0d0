"""Threads: conversations in which the user refines a prompt one iteration at a time."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from promptcraft.db_types import utcnow
from promptcraft.extensions import db
from promptcraft.history.models import PromptIteration, PromptThread, SavedPrompt
from promptcraft.history.service._common import apply_changes, in_trash, matching, ordered, owned, referenced
from promptcraft.history.service.iterations import new_iteration
from promptcraft.pagination import Page, paginate

WHAT = "Thread"
EDITABLE = {"title", "saved_prompt_id"}
ORDERING = {
    "updated": PromptThread.updated_at,
    "created": PromptThread.created_at,
    "title": sa.func.lower(PromptThread.title),
}


def _check_prompt(user_id: uuid.UUID, changes: dict[str, Any]) -> None:
    if changes.get("saved_prompt_id") is not None:
        referenced(SavedPrompt, user_id, changes["saved_prompt_id"], "saved_prompt_id", "Saved prompt")


def create_thread(user_id: uuid.UUID, data: dict[str, Any]) -> PromptThread:
    """Start a thread, optionally about one of the user's saved prompts (400 for an unknown one)."""
    _check_prompt(user_id, data)
    thread = PromptThread(user_id=user_id)
    apply_changes(thread, data, EDITABLE)
    db.session.add(thread)
    db.session.commit()
    return thread


def list_threads(
    user_id: uuid.UUID, *, q: str | None = None, saved_prompt_id: int | None = None, deleted: bool = False,
    ordering: str = "-updated", page: int = 1, page_size: int = 20,
) -> Page:
    """The user's threads (or their trash), most recently active first by default."""
    stmt = sa.select(PromptThread).where(PromptThread.user_id == user_id, in_trash(PromptThread, deleted))
    if q:
        stmt = stmt.where(matching(q, PromptThread.title))
    if saved_prompt_id is not None:
        stmt = stmt.where(PromptThread.saved_prompt_id == saved_prompt_id)
    return paginate(ordered(stmt, PromptThread, ordering, ORDERING), page, page_size)


def get_thread(user_id: uuid.UUID, thread_id: int) -> PromptThread:
    """One live thread of the user (its live iterations load with it); 404 otherwise."""
    return owned(PromptThread, user_id, thread_id, WHAT)


def update_thread(user_id: uuid.UUID, thread_id: int, changes: dict[str, Any]) -> PromptThread:
    """Rename a thread or change its saved prompt (400 for an unknown one); its iterations follow the prompt."""
    thread = owned(PromptThread, user_id, thread_id, WHAT)
    _check_prompt(user_id, changes)
    if "saved_prompt_id" in changes and changes["saved_prompt_id"] != thread.saved_prompt_id:
        db.session.execute(sa.update(PromptIteration).where(PromptIteration.thread_id == thread.id)
                           .values(saved_prompt_id=changes["saved_prompt_id"]))
    apply_changes(thread, changes, EDITABLE)
    db.session.commit()
    return thread


def add_iteration(user_id: uuid.UUID, thread_id: int, data: dict[str, Any]) -> PromptIteration:
    """Append the next-numbered iteration to a live thread (linked to the thread's saved prompt)."""
    thread = owned(PromptThread, user_id, thread_id, WHAT)
    iteration = new_iteration(user_id, thread_id=thread.id, saved_prompt_id=thread.saved_prompt_id, data=data)
    thread.updated_at = utcnow()
    db.session.commit()
    return iteration


def delete_thread(user_id: uuid.UUID, thread_id: int, *, permanent: bool = False) -> PromptThread:
    """Move a thread and its iterations to the trash together, or remove them for good."""
    thread = owned(PromptThread, user_id, thread_id, WHAT, trashed=None if permanent else False)
    if permanent:
        db.session.execute(sa.delete(PromptIteration).where(PromptIteration.thread_id == thread.id))
        db.session.delete(thread)
    else:
        thread.deleted_at = utcnow()
        db.session.execute(sa.update(PromptIteration).where(
            PromptIteration.thread_id == thread.id, PromptIteration.deleted_at.is_(None)
        ).values(deleted_at=thread.deleted_at))
    db.session.commit()
    return thread


def restore_thread(user_id: uuid.UUID, thread_id: int) -> PromptThread:
    """Take a thread out of the trash, with the iterations that went in with it."""
    thread = owned(PromptThread, user_id, thread_id, WHAT, trashed=None)
    if thread.deleted_at is not None:
        db.session.execute(sa.update(PromptIteration).where(
            PromptIteration.thread_id == thread.id, PromptIteration.deleted_at == thread.deleted_at
        ).values(deleted_at=None))
        thread.deleted_at = None
    db.session.commit()
    return thread
