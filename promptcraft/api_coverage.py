"""`flask api-coverage`: what the OpenAPI document says about each operation, and its gaps.

For each path and method: whether it needs auth (and which schemes), its request and success
response schemas, the status codes it documents, and the gaps — an operation without a summary,
without a schema for a body it takes or returns, or without its error responses (none at all,
no 401 when secured, no 404 with path parameters, no 400 when it reads input). Rendered as
Markdown, CSV or JSON.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PATH_PARAM = re.compile(r"{([^}]+)}")
NO_CONTENT = {"204", "205", "301", "302", "303", "304", "307", "308"}


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    operation_id: str
    tags: list[str]
    auth: bool
    security: list[str]
    request_schema: str
    response_schema: str
    status_codes: list[str]
    gaps: list[str] = field(default_factory=list)


class Document:
    """An OpenAPI 3 document with `$ref`s resolved on demand."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return None
            target: Any = self.spec
            for part in ref[2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            node, seen = target, seen + 1
        return node

    def broken_refs(self, node: Any) -> list[str]:
        if isinstance(node, dict):
            broken = [node["$ref"]] if "$ref" in node and self.resolve({"$ref": node["$ref"]}) is None else []
            return broken + [ref for value in node.values() for ref in self.broken_refs(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in self.broken_refs(value)]
        return []


def _schema_name(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        item = _schema_name(schema.get("items"))
        return f"array of {item}" if item else "array"
    return schema.get("type") or ("object" if schema.get("properties") else "schema")


def _content_schemas(doc: Document, content: dict[str, Any] | None) -> dict[str, str]:
    """Media type -> schema name ('' where the media type has no schema)."""
    return {media: _schema_name((doc.resolve(body) or {}).get("schema")) for media, body in (content or {}).items()}


def _describe(schemas: dict[str, str]) -> str:
    return "; ".join(f"{name} ({media})" if media != "application/json" else name
                     for media, name in schemas.items() if name)


def analyse_operation(doc: Document, path: str, method: str, operation: dict[str, Any],
                      path_parameters: list[dict[str, Any]]) -> Operation:
    security = operation.get("security", doc.spec.get("security", []))
    schemes = sorted({name for requirement in security for name in requirement})
    auth = bool(security) and {} not in security
    parameters = [doc.resolve(p) or {} for p in path_parameters + operation.get("parameters", [])]
    responses = {str(status): doc.resolve(response) or {}
                 for status, response in operation.get("responses", {}).items()}
    gaps: list[str] = []

    if not str(operation.get("summary") or "").strip():
        gaps.append("no summary")
    body = doc.resolve(operation.get("requestBody"))
    request = _content_schemas(doc, body.get("content")) if isinstance(body, dict) else {}
    if body is not None and (not request or not all(request.values())):
        gaps.append("request body without a schema")
    queries = [p.get("name", "") for p in parameters if p.get("in") == "query"]
    request_text = _describe(request)
    if queries:
        request_text = "; ".join(filter(None, [request_text, "query: " + ", ".join(queries)]))

    success = [status for status in responses if status[0] in "23"]
    response_text = ""
    if not success:
        gaps.append("no success response")
    for status in success:
        schemas = _content_schemas(doc, responses[status].get("content"))
        if status not in NO_CONTENT and (not schemas or not all(schemas.values())):
            gaps.append(f"{status} response without a schema")
        response_text = response_text or _describe(schemas)

    errors = [status for status in responses if status == "default" or status[0] in "45"]
    if not errors:
        gaps.append("no error responses")
    if auth and "401" not in responses:
        gaps.append("secured but no 401 response")
    declared = {p.get("name") for p in parameters if p.get("in") == "path"}
    in_path = set(PATH_PARAM.findall(path))
    if in_path and "404" not in responses:
        gaps.append("path parameters but no 404 response")
    if in_path - declared:
        gaps.append("undeclared path parameters: " + ", ".join(sorted(in_path - declared)))
    if (body is not None or queries) and "400" not in responses and "422" not in responses:
        gaps.append("reads input but no 400 response")
    gaps += [f"unresolved reference {ref}" for ref in doc.broken_refs(operation)]
    return Operation(method.upper(), path, str(operation.get("summary") or ""), str(operation.get("operationId") or ""),
                     list(operation.get("tags", [])), auth, schemes, request_text, response_text,
                     sorted(responses, key=lambda s: (s == "default", s)), gaps)


def analyse(spec: dict[str, Any]) -> dict[str, Any]:
    """The report: a summary, every operation, and the gaps."""
    doc = Document(spec)
    operations = [analyse_operation(doc, path, method, operation, item.get("parameters", []))
                  for path, item in sorted(spec.get("paths", {}).items())
                  for method, operation in item.items() if method in METHODS]
    total = len(operations) or 1
    with_gaps = [op for op in operations if op.gaps]
    summary = {
        "title": spec.get("info", {}).get("title", ""), "version": spec.get("info", {}).get("version", ""),
        "openapi": spec.get("openapi", ""), "paths": len(spec.get("paths", {})), "operations": len(operations),
        "methods": dict(sorted(Counter(op.method for op in operations).items())),
        "authenticated": sum(op.auth for op in operations),
        "documented_percent": round(100 * sum(bool(op.summary) for op in operations) / total, 1),
        "request_schema_percent": round(100 * sum(bool(op.request_schema) for op in operations) / total, 1),
        "response_schema_percent": round(100 * sum(bool(op.response_schema) for op in operations) / total, 1),
        "operations_with_gaps": len(with_gaps), "gaps": sum(len(op.gaps) for op in operations),
    }
    return {"summary": summary, "operations": [asdict(op) for op in operations],
            "gaps": [{"method": op.method, "path": op.path, "gap": gap} for op in with_gaps for gap in op.gaps]}


def _cell(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return text.replace("|", "\\|").replace("\n", " ") or "–"


def to_markdown(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = [f"# API coverage: {s['title']} {s['version']}", "",
             f"OpenAPI {s['openapi']} · {s['paths']} paths · {s['operations']} operations · "
             f"{s['authenticated']} need auth", "",
             "| metric | value |", "|---|---|",
             f"| operations with a summary | {s['documented_percent']}% |",
             f"| operations with a request schema or parameters | {s['request_schema_percent']}% |",
             f"| operations with a response schema | {s['response_schema_percent']}% |",
             f"| operations with gaps | {s['operations_with_gaps']} |", f"| gaps | {s['gaps']} |", "",
             "## Methods", "", "| method | operations |", "|---|---|"]
    lines += [f"| {method} | {count} |" for method, count in s["methods"].items()]
    lines += ["", "## Operations", "", "| method | path | auth | request | response | statuses | gaps |",
              "|---|---|---|---|---|---|---|"]
    for op in report["operations"]:
        auth = "yes (" + ", ".join(op["security"]) + ")" if op["auth"] else "no"
        lines.append(f"| {op['method']} | `{op['path']}` | {auth} | {_cell(op['request_schema'])} | "
                     f"{_cell(op['response_schema'])} | {_cell(op['status_codes'])} | {len(op['gaps']) or ''} |")
    lines += ["", "## Gaps", ""]
    lines += [f"- {gap['method']} `{gap['path']}`: {gap['gap']}" for gap in report["gaps"]] or ["None."]
    return "\n".join(lines) + "\n"


def to_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    columns = ["method", "path", "summary", "operation_id", "tags", "auth", "security", "request_schema",
               "response_schema", "status_codes", "gaps"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for op in report["operations"]:
        writer.writerow({key: "; ".join(op[key]) if isinstance(op[key], list) else op[key] for key in columns})
    return out.getvalue()


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"md": to_markdown, "csv": to_csv, "json": to_json}


@click.command("api-coverage")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="md", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--spec", "spec_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Report on this OpenAPI JSON file instead of the one the app generates.")
@click.option("--fail-on-gaps", is_flag=True, help="Exit with status 1 when there is any gap.")
@with_appcontext
def api_coverage(fmt: str, output: Path | None, spec_path: Path | None, fail_on_gaps: bool) -> None:
    """Report on the OpenAPI document: operations, auth, schemas, documented responses and gaps."""
    from promptcraft.extensions import api

    spec = json.loads(spec_path.read_text(encoding="utf-8")) if spec_path else api.spec.to_dict()
    report = analyse(spec)
    text = RENDERERS[fmt](report)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        s = report["summary"]
        click.echo(f"Wrote {output.name}: {s['operations']} operations, {s['gaps']} gaps.", err=True)
    else:
        click.echo(text, nl=False)
    if fail_on_gaps and report["gaps"]:
        raise SystemExit(1)
