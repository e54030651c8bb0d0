"""Import and export of templates as JSONL, JSON or CSV: one code path for the CLI and the API.

A row is validated completely before anything is written, and written inside a savepoint, so an
invalid row is reported with its line number and never half-imported. Rows are matched to
existing templates by their `id` (kept as `source_ref`): unchanged rows are skipped, changed
ones updated (a new version when the text changed).
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields, validate

from promptcraft.auth.models import User
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.prompt_templates import service
from promptcraft.prompt_templates import variables as template_variables
from promptcraft.prompt_templates.models import Template

FORMATS = ("jsonl", "json", "csv")
EXPORT_FIELDS = ["id", "title", "description", "content", "variables", "category", "tags", "source", "license",
                 "contributors", "is_public"]
LIST_FIELDS = ("variables", "tags", "contributors")
BATCH = 500
LOCAL_ID = re.compile(r"^template-(\d+)$")


class VariableRowSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    name = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"))
    description = fields.String(load_default="", validate=validate.Length(max=500))
    hint = fields.String(load_default=None, allow_none=True)
    default = fields.Raw(load_default=None, allow_none=True)
    required = fields.Boolean(load_default=None, allow_none=True)

    @ma.post_load
    def shape(self, data: dict, **kwargs) -> dict:
        default = data["default"]
        return {"name": data["name"], "description": data["description"] or data.get("hint") or "",
                "default": None if default is None else str(default),
                "required": data["required"] if data["required"] is not None else default is None}


class ImportRowSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=150))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", allow_none=True, validate=validate.Length(max=2000))
    content = fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    variables = fields.List(fields.Nested(VariableRowSchema), load_default=list)
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    tags = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list)
    source = fields.String(load_default="import", validate=validate.Length(max=64))
    license = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    contributors = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list)
    is_public = fields.Boolean(load_default=None, allow_none=True)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    invalid: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "skipped": self.skipped,
                "invalid": self.invalid, "invalid_count": len(self.invalid)}


def detect_format(filename: str, explicit: str | None = None) -> str:
    fmt = (explicit or filename.rsplit(".", 1)[-1]).lower()
    if fmt not in FORMATS:
        raise AppError.invalid(f"Use one of {', '.join(FORMATS)}.", {"format": [f"Unknown format '{fmt}'."]})
    return fmt


def read_rows(text: str, fmt: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) pairs; a row that cannot even be parsed comes back as an error message."""
    if fmt == "jsonl":
        # split("\n"), not splitlines(): JSON strings may hold U+2028 and other line separators.
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield number, _parse_json(line)
    elif fmt == "json":
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            yield error.lineno, f"Not valid JSON: {error.msg}."
            return
        if not isinstance(items, list):
            yield 1, "A JSON import is an array of templates."
            return
        for number, item in enumerate(items, start=1):
            yield number, item if isinstance(item, dict) else "Each item must be an object."
    else:
        reader = csv.DictReader(io.StringIO(text))
        for row in reader:
            yield reader.line_num, _csv_row(row)


def _parse_json(line: str) -> dict[str, Any] | str:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return f"Not valid JSON: {error.msg}."
    return value if isinstance(value, dict) else "Each line must be a JSON object."


def _csv_row(row: dict[str, Any]) -> dict[str, Any] | str:
    parsed: dict[str, Any] = {k: v for k, v in row.items() if k and v not in (None, "")}
    for name in LIST_FIELDS:
        raw = parsed.get(name)
        if raw is None:
            continue
        if raw.lstrip().startswith("["):
            try:
                parsed[name] = json.loads(raw)
            except json.JSONDecodeError:
                return f"Column '{name}' is not a valid JSON list."
        elif name == "variables":
            return "Column 'variables' must be a JSON list."
        else:
            parsed[name] = [part.strip() for part in raw.split(",") if part.strip()]
    if "is_public" in parsed:
        parsed["is_public"] = str(parsed["is_public"]).lower() in {"1", "true", "yes"}
    return parsed


def _source_ref(row_id: str, owner: User | None) -> str:
    # Library rows keep their own ids; a user's rows are namespaced so they never collide.
    return row_id if owner is None else f"{owner.id}:{row_id}"


def _existing(row_id: str, source_ref: str, owner: User | None) -> Template | None:
    """The template a row updates: by its id, or, for "template-<n>" ids that `export` writes
    for templates made here, the importer's own template n."""
    found = db.session.scalar(sa.select(Template).where(Template.source_ref == source_ref))
    if found is None and (match := LOCAL_ID.match(row_id)):
        candidate = db.session.get(Template, int(match.group(1)))
        if candidate is not None and candidate.owner_id == (owner.id if owner else None):
            found = candidate
    return found


def _import_one(row: dict[str, Any], owner: User | None, default_public: bool) -> str:
    data = ImportRowSchema().load(row)
    if data["is_public"] is None:
        data["is_public"] = default_public
    row_id = data.pop("id")
    data["source_ref"] = _source_ref(row_id, owner)
    data["description"] = data.get("description") or ""
    existing = _existing(row_id, data["source_ref"], owner)
    if existing is None:
        service.build(data, owner)
        return "created"
    changes = {k: data[k] for k in ("title", "description", "content", "variables", "tags", "category",
                                    "license", "contributors", "is_public")}
    current = {"title": existing.title, "description": existing.description, "content": existing.content,
               "variables": existing.variables, "tags": existing.tags, "license": existing.license,
               "category": existing.category.slug if existing.category else None,
               "contributors": existing.contributors, "is_public": existing.is_public}
    normalised = dict(changes, variables=template_variables.declare(data["content"], data["variables"]),
                      tags=service.normalise_tags(data["tags"]))
    if normalised == current:
        return "skipped"
    service.apply_changes(existing, {**changes, "version_note": "Imported"}, owner)
    return "updated"


def import_rows(rows: Iterable[tuple[int, dict[str, Any] | str]], owner: User | None = None,
                progress: Callable[[int], None] | None = None, *, default_public: bool = True) -> ImportReport:
    """Import parsed rows (see `read_rows`); a user's imports are private unless a row says otherwise."""
    report = ImportReport()
    for index, (line, row) in enumerate(rows, start=1):
        if isinstance(row, str):
            report.invalid.append({"line": line, "errors": {"_row": [row]}})
        else:
            savepoint = db.session.begin_nested()
            try:
                outcome = _import_one(row, owner, default_public)
                savepoint.commit()
                setattr(report, outcome, getattr(report, outcome) + 1)
            except ma.ValidationError as error:
                savepoint.rollback()
                report.invalid.append({"line": line, "errors": error.normalized_messages()})
            except AppError as error:
                savepoint.rollback()
                errors = error.details.get("fields") or {"_row": [error.message]}
                report.invalid.append({"line": line, "errors": errors})
        if index % BATCH == 0:
            db.session.commit()
        if progress:
            progress(1)
    db.session.commit()
    return report


def export_rows(templates: Iterable[Template]) -> list[dict[str, Any]]:
    return [{
        "id": (t.source_ref or f"template-{t.id}").split(":", 1)[-1], "title": t.title,
        "description": t.description, "content": t.content, "variables": t.variables,
        "category": t.category.slug if t.category else None, "tags": t.tags, "source": t.source,
        "license": t.license, "contributors": t.contributors, "is_public": t.is_public,
    } for t in templates]


def dump(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if k in LIST_FIELDS else v for k, v in row.items()})
    return out.getvalue()


def templates_for_export(owner: User | None, *, library: bool = False) -> list[Template]:
    stmt = sa.select(Template).order_by(Template.id)
    if library:
        stmt = stmt.where(Template.owner_id.is_(None))
    elif owner is not None:
        stmt = stmt.where(Template.owner_id == owner.id)
    return list(db.session.scalars(stmt))
