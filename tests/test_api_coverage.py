"""`flask api-coverage`: the report, its three formats, and the shipped document held at zero gaps."""
from __future__ import annotations

import csv
import io
import json

from promptcraft.api_coverage import analyse
from promptcraft.cli import OPENAPI_PATH


def test_the_shipped_document_has_no_gaps():
    report = analyse(json.loads(OPENAPI_PATH.read_text(encoding="utf-8")))
    assert report["gaps"] == []
    assert report["summary"]["operations"] > 100 and report["summary"]["documented_percent"] == 100.0


def _spec(operation: dict, path: str = "/api/v2/things/{thing_id}/", method: str = "post") -> dict:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {path: {method: operation}},
            "components": {"schemas": {"Thing": {"type": "object"}},
                           "responses": {"NOT_FOUND": {"description": "Not found"}}}}


def test_each_kind_of_gap_is_reported():
    operation = {"security": [{"bearerAuth": []}],
                 "requestBody": {"content": {"application/json": {}}},
                 "responses": {"200": {"description": "OK"}}}
    gaps = {g["gap"] for g in analyse(_spec(operation))["gaps"]}
    assert gaps == {"no summary", "request body without a schema", "200 response without a schema",
                    "no error responses", "secured but no 401 response", "path parameters but no 404 response",
                    "undeclared path parameters: thing_id", "reads input but no 400 response"}
    broken = {"summary": "Get", "responses": {"200": {"description": "OK", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Missing"}}}}, "default": {"description": "Error"}}}
    assert [g["gap"] for g in analyse(_spec(broken, "/x/", "get"))["gaps"]] == [
        "unresolved reference #/components/schemas/Missing"]


def test_a_complete_operation_is_described_and_has_no_gap():
    operation = {"summary": "Update a thing", "security": [{"bearerAuth": []}],
                 "parameters": [{"in": "path", "name": "thing_id", "required": True, "schema": {"type": "integer"}}],
                 "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                 "responses": {"200": {"description": "OK", "content": {"application/json": {
                     "schema": {"$ref": "#/components/schemas/Thing"}}}}, "400": {"description": "Bad"},
                     "401": {"description": "No"}, "404": {"$ref": "#/components/responses/NOT_FOUND"}}}
    report = analyse(_spec(operation))
    [op] = report["operations"]
    assert report["gaps"] == [] and op["auth"] is True and op["security"] == ["bearerAuth"]
    assert (op["request_schema"], op["response_schema"]) == ("Thing", "Thing")
    assert op["status_codes"] == ["200", "400", "401", "404"]


def test_command_writes_markdown_csv_and_json(runner, tmp_path):
    markdown = runner.invoke(args=["api-coverage"])
    assert markdown.exit_code == 0 and markdown.output.startswith("# API coverage")
    assert "| POST | `/api/v2/billing/checkout/` | yes" in markdown.output
    target = tmp_path / "coverage.csv"
    written = runner.invoke(args=["api-coverage", "--format", "csv", "--output", str(target)])
    assert written.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    webhook = next(r for r in rows if r["path"] == "/api/v2/billing/webhooks/stripe/")
    assert (webhook["method"], webhook["auth"], webhook["request_schema"]) == ("POST", "False", "StripeEvent")
    report = json.loads(runner.invoke(args=["api-coverage", "--format", "json"]).output)
    assert report["summary"]["gaps"] == 0 and len(report["operations"]) == len(rows)


def test_fail_on_gaps_exits_non_zero_for_a_document_with_gaps(runner, tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(_spec({"responses": {"200": {"description": "OK"}}}, "/x/", "get")))
    result = runner.invoke(args=["api-coverage", "--spec", str(spec), "--fail-on-gaps"])
    assert result.exit_code == 1 and "no summary" in result.output
