"""A minimal OAuth 2 / OpenID-style provider on 127.0.0.1 for the social sign-in tests.

/authorize consents at once and redirects back with a code (after checking the client, the
redirect URI and the PKCE challenge); /token exchanges the code; /userinfo returns the profile
that the test configured for the next sign-in.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from urllib.parse import urlencode

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class FakeOAuthProvider:
    client_id = "promptcraft-test"
    client_secret = "provider-secret"

    def __init__(self) -> None:
        self.profile: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def settings(self) -> dict:
        return {
            "client_id": self.client_id, "client_secret": self.client_secret,
            "authorize_url": f"{self.url}/authorize", "token_url": f"{self.url}/token",
            "userinfo_url": f"{self.url}/userinfo", "scope": "openid email profile", "label": "Acme ID",
        }

    def wsgi(self, environ, start_response):
        request = Request(environ)
        handler = {"/authorize": self.authorize, "/token": self.token, "/userinfo": self.userinfo}.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return Response("bad client", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"redirect_uri": args["redirect_uri"], "challenge": args.get("code_challenge"),
                            "profile": dict(self.profile)}
        query = urlencode({"code": code, "state": args["state"]})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def token(self, request: Request) -> Response:
        form = request.form
        grant = self.codes.pop(form.get("code", ""), None)
        basic = request.authorization
        auth_ok = self.client_secret in (form.get("client_secret"), basic.password if basic else None)
        if grant is None or not auth_ok or form.get("redirect_uri") != grant["redirect_uri"]:
            return Response('{"error": "invalid_grant"}', status=400, content_type="application/json")
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["challenge"] and digest != grant["challenge"]:
            return Response('{"error": "invalid_grant", "error_description": "PKCE"}', status=400,
                            content_type="application/json")
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["profile"]
        body = json.dumps({"access_token": access, "token_type": "Bearer", "expires_in": 3600})
        return Response(body, content_type="application/json")

    def userinfo(self, request: Request) -> Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        profile = self.tokens.get(token)
        if profile is None:
            return Response('{"error": "invalid_token"}', status=401, content_type="application/json")
        return Response(json.dumps(profile), content_type="application/json")

    def start(self) -> FakeOAuthProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
