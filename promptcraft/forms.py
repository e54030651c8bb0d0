"""Forms on pages: the API's marshmallow schemas, loaded from form data, with errors in place."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import request

from promptcraft.errors import AppError


class FormResult:
    """A submitted form: the loaded data, or the values typed and the errors per field."""

    def __init__(self, values: dict[str, Any], data: dict[str, Any] | None = None,
                 errors: dict[str, list[str]] | None = None, message: str | None = None) -> None:
        self.values = values
        self.data = data
        self.errors = errors or {}
        self.message = message

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors

    def fail(self, error: AppError) -> FormResult:
        """Record a service error against the form (field errors where the service named fields)."""
        fields = error.details.get("fields") or {}
        self.errors = {k: v if isinstance(v, list) else [str(v)] for k, v in fields.items()}
        self.message = error.message
        self.data = None
        return self


def load_form(schema: ma.Schema, *, drop: tuple[str, ...] = ("csrf_token",),
              prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> FormResult:
    """Validate `request.form` with an API schema; blank optional fields count as absent.

    `prepare` turns form values into the API's shape first (a comma-separated list, checkboxes).
    """
    values = {k: v for k, v in request.form.items() if k not in drop}
    required = {name for name, field in schema.fields.items() if field.required}
    submitted = {k: v for k, v in values.items() if v != "" or k in required}
    if prepare:
        submitted = prepare(submitted)
    try:
        return FormResult(values, schema.load(submitted, unknown=ma.EXCLUDE))
    except ma.ValidationError as error:
        messages = error.normalized_messages()
        errors = {k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
        return FormResult(values, errors=errors, message="Please correct the fields marked below.")


def empty_form(**values: Any) -> FormResult:
    return FormResult(values)
