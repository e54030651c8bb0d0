"""A fake Tavily Search API on 127.0.0.1 speaking its real wire format.

POST /search with `Authorization: Bearer <key>` and a JSON body (query, search_depth, topic,
max_results, include_* flags) answers `{"query", "follow_up_questions", "answer", "images",
"results": [{"title", "url", "content", "score", "raw_content"}], "response_time", "request_id"}`.
Errors are Tavily's `{"detail": {"error": "..."}}`. Tests script pages with `results(...)`, an
error with `error(status)`, or a slow answer with `delay`.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

API_KEY = "tvly-test-key"
DEFAULT_RESULTS = [
    {"title": "Prompt engineering guide", "url": "https://example.org/prompt-engineering",
     "content": "Few-shot prompts give the model worked examples of the task. Clear instructions and an explicit "
                "output format make answers easier to check."},
    {"title": "Evaluating prompts", "url": "https://example.org/evaluating-prompts",
     "content": "Evaluate prompts against a fixed set of test inputs. Track the score of each prompt version."},
]


@dataclass
class FakeTavily:
    requests: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=lambda: list(DEFAULT_RESULTS))
    status: int = 200
    delay: float = 0.0

    def __post_init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeTavily:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def reset(self) -> None:
        self.requests.clear()
        self.pages = list(DEFAULT_RESULTS)
        self.status, self.delay = 200, 0.0

    def results(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages

    def error(self, status: int) -> None:
        self.status = status

    def wsgi(self, environ, start_response):
        request = Request(environ)
        if request.method != "POST" or request.path != "/search":
            return self._error(404, "Not Found")(environ, start_response)
        body = request.get_json(silent=True)
        self.requests.append({"body": body, "headers": dict(request.headers)})
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return self._error(401, "Unauthorized: missing or invalid API key.")(environ, start_response)
        if not isinstance(body, dict) or not isinstance(body.get("query"), str) or not body["query"].strip():
            return self._error(400, "Query is missing.")(environ, start_response)
        if body.get("search_depth", "basic") not in ("basic", "advanced"):
            return self._error(400, "Invalid search depth.")(environ, start_response)
        if self.delay:
            time.sleep(self.delay)
        if self.status != 200:
            return self._error(self.status, "Internal Server Error")(environ, start_response)
        started = time.perf_counter()
        limit = int(body.get("max_results", 5))
        results = [{**page, "score": round(0.9 - 0.1 * n, 2), "raw_content": None}
                   for n, page in enumerate(self.pages[:limit])]
        payload = {"query": body["query"], "follow_up_questions": None, "answer": None, "images": [],
                   "results": results, "response_time": round(time.perf_counter() - started, 2),
                   "request_id": str(uuid.uuid4())}
        return Response(json.dumps(payload), content_type="application/json")(environ, start_response)

    @staticmethod
    def _error(status: int, message: str) -> Response:
        return Response(json.dumps({"detail": {"error": message}}), status=status, content_type="application/json")
