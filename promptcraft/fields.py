"""Strictly typed JSON fields and the form adapter, shared by every API schema.

JSON bodies are typed strictly (a string is not a number, 1 is not `true`), so that what the
OpenAPI document calls invalid is refused. Pages load the same schemas from form fields through
`FormInput`, which turns the typed text of a form into those JSON types first.
"""
from __future__ import annotations

import contextlib
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate


class TextLength(validate.Length):
    """Length with plain messages; also refuses what no database stores (NUL, lone surrogates)
    and, when a minimum is set, text that is only blanks."""

    def __call__(self, value: str) -> str:
        if "\x00" in value:
            raise ma.ValidationError("Text cannot contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ma.ValidationError("Text must be valid Unicode.") from None
        if self.min and len(value.strip()) < self.min:
            raise ma.ValidationError("This field cannot be blank." if self.min == 1 else
                                     f"Use at least {self.min} characters.")
        if self.max is not None and len(value) > self.max:
            raise ma.ValidationError(f"Use at most {self.max} characters.")
        return value


class JsonInteger(fields.Integer):
    """An integer, and only an integer: no strings, no booleans."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class JsonFloat(fields.Float):
    """A number, and only a number: no strings, no booleans."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class JsonBoolean(fields.Boolean):
    """`true` or `false`, nothing else."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def text(max_length: int, *, min_length: int = 0, **kwargs: Any) -> fields.String:
    return fields.String(validate=TextLength(min=min_length, max=max_length), **kwargs)


class FormInput(ma.Schema):
    """Mixin for page forms: typed text becomes the JSON types the API schema expects."""

    TRUE = {"true", "on", "1", "yes"}
    FALSE = {"false", "off", "0", "no"}

    @ma.pre_load
    def from_form_text(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        converted = dict(data)
        for name, value in data.items():
            field = self.fields.get(name)
            if not isinstance(value, str) or field is None:
                continue
            if isinstance(field, fields.Boolean) and value.lower() in self.TRUE | self.FALSE:
                converted[name] = value.lower() in self.TRUE
            elif isinstance(field, fields.Integer | fields.Float) and value.strip():
                with contextlib.suppress(ValueError):  # left as text, the field reports "Not a valid …"
                    converted[name] = int(value) if isinstance(field, fields.Integer) else float(value)
            elif isinstance(field, fields.List):
                converted[name] = [part.strip() for part in value.split(",") if part.strip()]
        return converted

    def handle_error(self, error: ma.ValidationError, data: Any, **kwargs: Any) -> None:
        """A form shows a flat list of messages under each field (not one per list item)."""
        raise ma.ValidationError({name: _flat(messages) for name, messages in error.normalized_messages().items()})


def _flat(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]
