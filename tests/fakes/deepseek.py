"""A fake DeepSeek API on 127.0.0.1 that speaks its exact wire format.

POST /chat/completions (streaming and not), GET /models, GET /user/balance. By default a chat
request is answered with "Echo: <last user message>". Tests script the next answers with
`reply(...)` (content, reasoning, usage, and every streaming edge case: events split across
writes, several events in one write, a UTF-8 character split across writes, comment lines, a
usage-only last chunk, no [DONE], a stall, DeepSeek's insufficient_system_resource) or
`error(status)` (DeepSeek's error body for 400, 401, 402, 422, 429, 500, 503).
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

API_KEY = "test-deepseek-key"
MODELS = ["deepseek-v4-flash", "deepseek-v4-pro"]
ERRORS = {
    400: ("Invalid request body format.", "invalid_request_error"),
    401: ("Authentication Fails, Your api key: ****abcd is invalid", "authentication_error"),
    402: ("Insufficient Balance", "unknown_error"),
    422: ("Invalid Parameters: temperature must be between 0 and 2", "invalid_request_error"),
    429: ("Rate limit reached for requests", "rate_limit_error"),
    500: ("Server Error", "server_error"),
    503: ("Server Overloaded", "server_error"),
}


@dataclass
class Reply:
    content: str = "Hello from the fake DeepSeek."
    reasoning: str = ""
    finish_reason: str = "stop"
    prompt_tokens: int = 12
    completion_tokens: int | None = None
    cache_hit_tokens: int = 0
    pieces: int = 4  # content is streamed in about this many deltas
    events_per_write: int = 1  # several events in one TCP write
    split_writes: bool = False  # every event cut in two writes, mid-character where possible
    comments: bool = False  # ": keep-alive" comment lines between events
    usage_only_last_chunk: bool = False  # OpenAI style: a final chunk with "choices": [] and the usage
    done: bool = True  # send "data: [DONE]"
    delay: float = 0.0  # between writes
    first_byte_delay: float = 0.0
    stall_after: int | None = None  # stop writing (and hold the connection) after this many events
    stall_seconds: float = 5.0
    keepalive_lines: int = 0  # non-streaming: blank lines before the JSON body
    tool_calls: list | None = None  # non-streaming: the model asks for these tool calls


@dataclass
class Error:
    status: int
    message: str | None = None


@dataclass
class FakeDeepSeek:
    replies: deque = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    closed_early: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        WSGIRequestHandler.protocol_version = "HTTP/1.1"  # chunked responses, written as produced
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeDeepSeek:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def reset(self) -> None:
        self.replies.clear()
        self.requests.clear()
        self.closed_early.clear()

    def reply(self, **kwargs) -> Reply:
        scripted = Reply(**kwargs)
        self.replies.append(scripted)
        return scripted

    def error(self, status: int, message: str | None = None) -> None:
        self.replies.append(Error(status, message))

    # --- HTTP -------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return self._error(401)(environ, start_response)
        if request.method == "GET" and request.path == "/models":
            body = {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "deepseek"} for m in MODELS]}
            return Response(json.dumps(body), content_type="application/json")(environ, start_response)
        if request.method == "GET" and request.path == "/user/balance":
            balance = {"currency": "USD", "total_balance": "110.00", "granted_balance": "10.00",
                       "topped_up_balance": "100.00"}
            body = {"is_available": True, "balance_infos": [balance]}
            return Response(json.dumps(body), content_type="application/json")(environ, start_response)
        if request.method == "POST" and request.path == "/chat/completions":
            return self._chat(request)(environ, start_response)
        return Response("Not Found", status=404)(environ, start_response)

    def _error(self, status: int, message: str | None = None) -> Response:
        text, kind = ERRORS.get(status, ("Error", "server_error"))
        body = {"error": {"message": message or text, "type": kind, "param": None, "code": kind}}
        return Response(json.dumps(body), status=status, content_type="application/json")

    def _chat(self, request: Request) -> Response:
        body = request.get_json()
        self.requests.append({"body": body, "headers": dict(request.headers)})
        scripted = self.replies.popleft() if self.replies else Reply(content=self._echo(body))
        if isinstance(scripted, Error):
            return self._error(scripted.status, scripted.message)
        if body.get("model") not in MODELS:
            return self._error(400, f"Model Not Exist: {body.get('model')}")
        if body.get("stream"):
            return Response(self._stream(body, scripted), content_type="text/event-stream; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})
        return Response(self._whole(body, scripted), content_type="application/json")

    @staticmethod
    def _echo(body: dict) -> str:
        last = next((m.get("content", "") for m in reversed(body["messages"]) if m.get("role") == "user"), "")
        return f"Echo: {last}"

    @staticmethod
    def _usage(body: dict, reply: Reply) -> dict[str, Any]:
        completion = reply.completion_tokens if reply.completion_tokens is not None else \
            max(1, len(reply.content + reply.reasoning) // 4)
        return {"prompt_tokens": reply.prompt_tokens, "completion_tokens": completion,
                "total_tokens": reply.prompt_tokens + completion,
                "prompt_tokens_details": {"cached_tokens": reply.cache_hit_tokens},
                "prompt_cache_hit_tokens": reply.cache_hit_tokens,
                "prompt_cache_miss_tokens": reply.prompt_tokens - reply.cache_hit_tokens}

    def _whole(self, body: dict, reply: Reply):
        if reply.first_byte_delay:
            time.sleep(reply.first_byte_delay)
        for _ in range(reply.keepalive_lines):
            yield b"\n"
            time.sleep(reply.delay)
        message = {"role": "assistant", "content": reply.content}
        if reply.reasoning:
            message["reasoning_content"] = reply.reasoning
        if reply.tool_calls:
            message.update(content=None, tool_calls=reply.tool_calls)
        payload = {"id": "fake-1", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
                   "choices": [{"index": 0, "message": message, "logprobs": None,
                                "finish_reason": "tool_calls" if reply.tool_calls else reply.finish_reason}],
                   "usage": self._usage(body, reply), "system_fingerprint": "fp_fake"}
        yield json.dumps(payload).encode()

    def _chunks(self, body: dict, reply: Reply) -> list[bytes]:
        base = {"id": "fake-stream", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body["model"], "system_fingerprint": "fp_fake"}

        def chunk(delta: dict, finish: str | None = None, usage: dict | None = None, choices: bool = True) -> bytes:
            data = {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
                    if choices else []}
            if usage is not None:
                data["usage"] = usage
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()

        events = [chunk({"role": "assistant", "content": ""})]
        size = max(1, -(-len(reply.reasoning) // reply.pieces)) if reply.reasoning else 1
        events += [chunk({"reasoning_content": reply.reasoning[i:i + size]})
                   for i in range(0, len(reply.reasoning), size)]
        size = max(1, -(-len(reply.content) // reply.pieces))
        events += [chunk({"content": reply.content[i:i + size]}) for i in range(0, len(reply.content), size)]
        usage = self._usage(body, reply)
        if reply.usage_only_last_chunk:
            events.append(chunk({"content": ""}, reply.finish_reason))
            events.append(chunk({}, usage=usage, choices=False))
        else:
            events.append(chunk({"content": ""}, reply.finish_reason, usage))
        if reply.done:
            events.append(b"data: [DONE]\n\n")
        return events

    def _stream(self, body: dict, reply: Reply):
        if reply.first_byte_delay:
            time.sleep(reply.first_byte_delay)
        events = self._chunks(body, reply)
        writes: list[bytes] = []
        for index in range(0, len(events), reply.events_per_write):
            group = b"".join(events[index:index + reply.events_per_write])
            if reply.comments:
                group = b": keep-alive\n\n" + group
            if reply.split_writes:
                # Cut inside a multi-byte UTF-8 character when there is one, else in the middle.
                cut = next((i + 1 for i, byte in enumerate(group) if byte >= 0xC0), len(group) // 2)
                writes += [group[:cut], group[cut:]]
            else:
                writes.append(group)
        try:
            for number, data in enumerate(writes):
                if reply.stall_after is not None and number >= reply.stall_after:
                    time.sleep(reply.stall_seconds)
                    return
                yield data
                if reply.delay:
                    time.sleep(reply.delay)
        except GeneratorExit:
            self.closed_early.set()
            raise
