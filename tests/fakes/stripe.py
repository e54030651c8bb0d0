"""A fake Stripe API on 127.0.0.1 in Stripe's wire format, for the calls PromptCraft makes.

Requests are form-encoded the way the `stripe` package sends them (`metadata[plan]=pro`,
`line_items[0][price]=price_…`) and answered with Stripe's JSON objects and error envelope:
POST /v1/customers, /v1/checkout/sessions, /v1/billing_portal/sessions. The hosted pages the
returned URLs point at (/c/pay/<id>, /p/session/<id>) are served too, so a browser can land there.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SECRET_KEY = "sk_test_promptcraft_fake"
WEBHOOK_SECRET = "whsec_test_promptcraft_fake"
PRICES = {"pro": "price_test_pro", "team": "price_test_team"}
KEY_PART = re.compile(r"\[([^\]]*)\]")


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding back into nested objects: a[b]=1 -> {"a": {"b": "1"}}, a[0][b] -> lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head = key.split("[", 1)[0]
        parts = [head] + KEY_PART.findall(key[len(head):])
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            following = None if last else parts[index + 1]
            child: Any = value if last else ([] if following.isdigit() else {})
            if isinstance(node, list):
                position = int(part)
                while len(node) <= position:
                    node.append(None)
                if node[position] is None or last:
                    node[position] = child
                node = node[position]
            else:
                if part not in node or last:
                    node[part] = child
                node = node[part]
    return root


@dataclass
class FakeStripe:
    requests: list[dict[str, Any]] = field(default_factory=list)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def reset(self) -> None:
        self.requests.clear()
        self.customers.clear()
        self.sessions.clear()

    def settings(self) -> dict[str, Any]:
        """App config pointing at this fake."""
        return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_PRICES": dict(PRICES),
                "STRIPE_API_BASE": self.url}

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == path]

    # --- HTTP -------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        return self._route(request)(environ, start_response)

    def _route(self, request: Request) -> Response:
        if request.method == "GET" and request.path.startswith(("/c/pay/", "/p/session/")):
            title = "Fake Stripe Checkout" if request.path.startswith("/c/") else "Fake Stripe billing portal"
            return Response(f"<!doctype html><html><head><title>{title}</title><link rel='icon' href='data:,'></head>"
                            f"<body><h1>{title}</h1></body></html>", content_type="text/html; charset=utf-8")
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return self._error(401, "invalid_request_error", "Invalid API Key provided.", code=None)
        if request.mimetype != "application/x-www-form-urlencoded" and request.method == "POST":
            return self._error(400, "invalid_request_error", "Invalid request body.")
        params = decode_form(request.get_data(as_text=True))
        self.requests.append({"method": request.method, "path": request.path, "params": params,
                              "headers": dict(request.headers)})
        routes = {"/v1/customers": self._customer, "/v1/checkout/sessions": self._checkout,
                  "/v1/billing_portal/sessions": self._portal}
        handler = routes.get(request.path)
        if request.method != "POST" or handler is None:
            return self._error(404, "invalid_request_error", f"Unrecognized request URL ({request.method}: "
                               f"{request.path}).")
        return handler(params)

    @staticmethod
    def _json(body: dict[str, Any]) -> Response:
        return Response(json.dumps(body), content_type="application/json",
                        headers={"Request-Id": "req_" + secrets.token_hex(7)})

    @staticmethod
    def _error(status: int, kind: str, message: str, *, param: str | None = None, code: str | None = "") -> Response:
        error = {"type": kind, "message": message}
        if param:
            error["param"] = param
        if code:
            error["code"] = code
        return Response(json.dumps({"error": error}), status=status, content_type="application/json")

    def _customer(self, params: dict[str, Any]) -> Response:
        customer = {"id": "cus_" + secrets.token_hex(7), "object": "customer", "created": int(time.time()),
                    "email": params.get("email"), "name": params.get("name"), "metadata": params.get("metadata", {}),
                    "livemode": False}
        self.customers[customer["id"]] = customer
        return self._json(customer)

    def _checkout(self, params: dict[str, Any]) -> Response:
        for required in ("mode", "success_url", "line_items"):
            if not params.get(required):
                return self._error(400, "invalid_request_error", f"Missing required param: {required}.",
                                   param=required, code="parameter_missing")
        for index, item in enumerate(params["line_items"]):
            if item.get("price") not in PRICES.values():
                return self._error(400, "invalid_request_error", f"No such price: '{item.get('price')}'",
                                   param=f"line_items[{index}][price]", code="resource_missing")
        if params.get("customer") and params["customer"] not in self.customers:
            return self._error(400, "invalid_request_error", f"No such customer: '{params['customer']}'",
                               param="customer", code="resource_missing")
        session_id = "cs_test_" + secrets.token_hex(12)
        session = {"id": session_id, "object": "checkout.session", "mode": params["mode"], "status": "open",
                   "url": f"{self.url}/c/pay/{session_id}", "customer": params.get("customer"),
                   "client_reference_id": params.get("client_reference_id"), "metadata": params.get("metadata", {}),
                   "success_url": params["success_url"], "cancel_url": params.get("cancel_url"),
                   "created": int(time.time()), "livemode": False, "payment_status": "unpaid"}
        self.sessions[session_id] = session
        return self._json(session)

    def _portal(self, params: dict[str, Any]) -> Response:
        if params.get("customer") not in self.customers:
            return self._error(400, "invalid_request_error", f"No such customer: '{params.get('customer')}'",
                               param="customer", code="resource_missing")
        session_id = "bps_" + secrets.token_hex(12)
        return self._json({"id": session_id, "object": "billing_portal.session", "customer": params["customer"],
                           "return_url": params.get("return_url"), "url": f"{self.url}/p/session/{session_id}",
                           "created": int(time.time()), "livemode": False})
