"""One error shape for the whole API, and no 500 on bad input."""
from __future__ import annotations

import pytest
from flask import Blueprint

from promptcraft import create_app


def assert_envelope(response, status, code):
    assert response.status_code == status
    assert response.is_json
    error = response.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)


def test_unknown_route_is_404_json(client):
    assert_envelope(client.get("/api/v2/nothing/here/"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client):
    response = client.put("/api/v2/auth/login/")
    assert_envelope(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_400(client):
    response = client.post("/api/v2/auth/login/", data='{"username": ', content_type="application/json")
    assert_envelope(response, 400, "invalid_json")


def test_non_json_body_is_415(client):
    response = client.post("/api/v2/auth/login/", data="username=a", content_type="application/x-www-form-urlencoded")
    assert_envelope(response, 415, "unsupported_media_type")


def test_oversized_body_is_413(client, app):
    body = '{"username": "' + "a" * (app.config["MAX_CONTENT_LENGTH"] + 10) + '"}'
    response = client.post("/api/v2/auth/login/", data=body, content_type="application/json")
    assert_envelope(response, 413, "request_entity_too_large")


def test_wrong_types_are_400_with_fields(client):
    response = client.post("/api/v2/auth/login/", json={"username": 5, "password": ["x"]})
    assert_envelope(response, 400, "validation_error")
    assert set(response.json["error"]["details"]["fields"]) >= {"username", "password"}


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "123"])
def test_json_that_is_not_an_object_is_400(client, body):
    response = client.post("/api/v2/auth/login/", data=body, content_type="application/json")
    assert_envelope(response, 400, "validation_error")


def test_unexpected_exception_is_500_json_and_logged(app, caplog):
    boom = create_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                  "PROPAGATE_EXCEPTIONS": False})
    bp = Blueprint("boom", __name__)

    @bp.route("/api/v2/boom/")
    def explode():
        raise RuntimeError("kaboom")

    boom.register_blueprint(bp)
    response = boom.test_client().get("/api/v2/boom/")
    assert_envelope(response, 500, "internal_error")
    assert "kaboom" not in response.get_data(as_text=True)
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_pages_get_html_errors_and_htmx_gets_a_fragment_in_the_flash_region(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "404" in page.get_data(as_text=True)
    fragment = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert fragment.headers["HX-Retarget"] == "#flash"
    assert "<html" not in fragment.get_data(as_text=True)


def test_cors_allows_configured_origins_with_credentials(client):
    response = client.options("/api/v2/auth/profile/", headers={
        "Origin": "http://frontend.test", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization, X-Client-Version"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://frontend.test"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "x-client-version" in allowed and "authorization" in allowed
    simple = client.get("/api/v2/core/config/", headers={"Origin": "http://frontend.test"})
    assert simple.headers["Access-Control-Allow-Origin"] == "http://frontend.test"


def test_cors_ignores_unknown_origins(client):
    response = client.get("/api/v2/core/config/", headers={"Origin": "http://evil.test"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_trailing_slash_is_optional_without_redirects(client):
    assert client.get("/api/v2/core/config").status_code == 200
    assert client.get("/api/v2/core/config/").status_code == 200


def test_production_refuses_default_secrets(monkeypatch):
    from config import ProductionConfig

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s" * 40)
    monkeypatch.setattr(ProductionConfig, "JWT_SECRET_KEY", "j" * 40)
    assert create_app(ProductionConfig).config["JWT_COOKIE_SECURE"] is True
