"""The OpenAPI document: committed, complete, and honoured by the API (schemathesis)."""
from __future__ import annotations

import json

from promptcraft.cli import OPENAPI_PATH, openapi_document

DOC_EXEMPT = {"/openapi.json", "/api/docs", "/static/<path:filename>"}


def test_committed_document_is_current(app):
    with app.app_context():
        fresh = openapi_document()
    assert OPENAPI_PATH.read_text(encoding="utf-8") == fresh, "run `flask openapi write` and commit the result"


def test_every_api_rule_is_documented(app):
    spec = json.loads(OPENAPI_PATH.read_text())
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
                  if method != "parameters"}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/v1/", "/health", "/metrics")) or rule.rule in DOC_EXEMPT:
            continue
        path = rule.rule
        for converter in ("uuid:", "string:", "int:", "id:", "path:"):
            path = path.replace(f"<{converter}", "<")
        path = path.replace("<", "{").replace(">", "}")
        missing += [(path, m) for m in rule.methods - {"HEAD", "OPTIONS"} if (path, m) not in documented]
    assert missing == []


def test_every_operation_has_a_summary_and_error_responses():
    spec = json.loads(OPENAPI_PATH.read_text())
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), (method, path)
            assert "default" in operation["responses"], (method, path)
            if operation.get("security"):
                assert "401" in operation["responses"], (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)


def test_openapi_json_and_swagger_ui_are_served_from_vendored_files(client):
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "http" not in page.split("swagger-ui-bundle.js")[0].split("src=")[-1]
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_openapi_write_command_regenerates_the_file(runner, tmp_path):
    target = tmp_path / "openapi.json"
    result = runner.invoke(args=["openapi", "write", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["paths"]
