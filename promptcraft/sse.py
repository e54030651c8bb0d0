"""Server-Sent Events: the only module that knows the event-stream wire format.

Outgoing: `event()` / `data()` / `comment()` frame what we send. Incoming: `SSEParser` turns an
upstream byte stream into messages, whatever the read boundaries: an event split across reads,
several events in one read, a UTF-8 character split across reads, `\\r\\n` line ends, comments.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Response, request, stream_with_context

KEEP_ALIVE = ": keep-alive\n\n"


def resume_after(query_value: int | None) -> int:
    """Where a reconnecting client left off: the Last-Event-ID header its EventSource sends,
    else the query parameter; a header that is not a sane event id is ignored."""
    header = request.headers.get("Last-Event-ID", "").strip()
    if header.isdigit() and len(header) < 19:
        return int(header)
    return query_value or 0


def stream_doc(description: str, events: str = "`start`, `delta`, `done` or `error`") -> dict[str, Any]:
    """The OpenAPI response of an endpoint that answers with an event stream."""
    return {"description": description, "content_type": "text/event-stream",
            "schema": {"type": "object", "description": f"One event: {events}, with JSON data",
                       "properties": {"event": {"type": "string"}, "data": {"type": "string"}}}}


def event(name: str, payload: dict[str, Any], id: int | str | None = None) -> str:
    """A named event; with `id`, a client that reconnects sends it back as Last-Event-ID."""
    head = f"id: {id}\n" if id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(payload, ensure_ascii=False, separators=(',', ':'))}\n\n"


def data(payload: dict[str, Any] | str) -> str:
    """A nameless event, as OpenAI-style streams send them (`data: {...}` / `data: [DONE]`)."""
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"data: {text}\n\n"


def comment(text: str = "keep-alive") -> str:
    return f": {text}\n\n"


def response(body: Iterator[str], status: int = 200) -> Response:
    """An event-stream response that proxies and browsers pass through unbuffered.

    The body keeps the request context (to save the result at the end); callers release their
    database session first, so none is held while the stream is open.
    """
    return Response(stream_with_context(body), status=status, mimetype="text/event-stream", headers={
        "Cache-Control": "no-cache, no-transform",
        "X-Accel-Buffering": "no",
    })  # no Connection header: hop-by-hop headers are the server's business (PEP 3333)


@dataclass
class Message:
    """One parsed upstream message: an event (`data` set) or a comment (`comment` set)."""

    event: str | None = None
    data: str | None = None
    comment: str | None = None
    id: str | None = None


class SSEParser:
    """Incremental event-stream parser: feed bytes, get complete messages."""

    def __init__(self) -> None:
        self._pending = b""
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None

    def feed(self, chunk: bytes) -> Iterator[Message]:
        self._pending += chunk
        while True:
            newline = self._pending.find(b"\n")
            if newline < 0:
                # A lone "\r" may also end a line; only trust it once more bytes follow it.
                cr = self._pending.find(b"\r")
                if cr < 0 or cr == len(self._pending) - 1:
                    return
                newline = cr
            raw, self._pending = self._pending[:newline], self._pending[newline + 1:]
            # Lines are decoded whole, so a multi-byte character split across reads is intact.
            line = raw.rstrip(b"\r").decode("utf-8", errors="replace")
            message = self._line(line)
            if message is not None:
                yield message

    def _line(self, line: str) -> Message | None:
        if line == "":
            if not self._data:
                self._event = None
                return None
            message = Message(event=self._event, data="\n".join(self._data), id=self._id)
            self._data, self._event = [], None
            return message
        if line.startswith(":"):
            return Message(comment=line[1:].strip())
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id":
            self._id = value
        return None

    @property
    def has_partial(self) -> bool:
        """Whether the stream stopped in the middle of a message."""
        return bool(self._pending.strip() or self._data)
