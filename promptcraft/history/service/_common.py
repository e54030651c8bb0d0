"""What every history use case shares: owner-scoped lookups, the trash, ordering and text search."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

import sqlalchemy as sa

from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.history.models import PromptHistory, PromptIteration, PromptThread, SavedPrompt
from promptcraft.prompt_templates.models import Template

MAX_ID = 2**31 - 1  # ids beyond a 32-bit integer cannot exist; asking for one is a 404, not a database error

Row = TypeVar("Row", PromptHistory, SavedPrompt, PromptIteration, PromptThread)


def owned(model: type[Row], user_id: uuid.UUID, row_id: int, what: str, *, trashed: bool | None = False) -> Row:
    """The user's row, or 404: other users' rows do not exist for them.

    `trashed=False` finds live rows, `True` rows in the trash, `None` either.
    """
    check_id(row_id, what)
    stmt = sa.select(model).where(model.id == row_id, model.user_id == user_id)
    if trashed is not None:
        stmt = stmt.where(in_trash(model, trashed))
    row = db.session.scalar(stmt)
    if row is None:
        raise AppError.not_found(what)
    return row


def check_id(row_id: int, what: str) -> None:
    if not 0 < row_id <= MAX_ID:
        raise AppError.not_found(what)


def referenced(model: type[Row], user_id: uuid.UUID, row_id: int, field: str, what: str) -> Row:
    """A live row of the user named in a request body: an unknown one is a 400 on that field."""
    row = db.session.scalar(
        sa.select(model).where(model.id == row_id, model.user_id == user_id, model.deleted_at.is_(None))
    )
    if row is None:
        raise AppError.invalid(f"Unknown {what.lower()}.", {field: [f"You have no {what.lower()} with this id."]})
    return row


def in_trash(model: type[Row], trashed: bool) -> sa.ColumnElement[bool]:
    return model.deleted_at.is_not(None) if trashed else model.deleted_at.is_(None)


def ordered(stmt: sa.Select, model: type[Row], ordering: str, columns: dict[str, sa.ColumnElement]) -> sa.Select:
    """Sort by `ordering` ("-created", "title"…), empty values last, ties broken by id for stable pages."""
    descending = ordering.startswith("-")
    column = columns[ordering.lstrip("-")]
    key = column.desc() if descending else column.asc()
    return stmt.order_by(key.nulls_last(), model.id.desc() if descending else model.id.asc())


def matching(q: str, *columns: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Case-insensitive substring search; `%` and `_` in the query are matched literally."""
    return sa.or_(*(column.icontains(q.strip(), autoescape=True) for column in columns))


def check_template(user_id: uuid.UUID, template_id: int | None) -> None:
    """400 unless the template exists and the user may see it (public, or their own)."""
    if template_id is None:
        return
    visible = db.session.scalar(sa.select(Template.id).where(
        Template.id == template_id, sa.or_(Template.is_public, Template.owner_id == user_id)))
    if visible is None:
        raise AppError.invalid("Unknown template.", {"template_id": ["No template with this id."]})


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, without blanks or repeats (case-insensitively), in the order given."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            result.append(tag)
    return result


def apply_changes(row: Row, changes: dict, allowed: set[str]) -> None:
    for key, value in changes.items():
        if key in allowed:
            setattr(row, key, clean_tags(value) if key == "tags" else value)
