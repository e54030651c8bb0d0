"""A session's events: written with each change, replayed and followed by stream/.

The stream is plain domain chunks (name, payload); the API frames them as Server-Sent Events.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from promptcraft.askme.models import AskMeEvent, AskMeSession
from promptcraft.extensions import db

POLL_SECONDS = 0.25
KEEPALIVE = ("keep-alive", {})


def add_event(session: AskMeSession, kind: str, payload: dict[str, Any]) -> None:
    """Record an event in the caller's transaction (it commits with the change it describes)."""
    db.session.add(AskMeEvent(session_id=session.id, kind=kind, payload=payload))


def events_after(session_id: uuid.UUID, after: int = 0) -> list[AskMeEvent]:
    return list(db.session.scalars(sa.select(AskMeEvent).where(
        AskMeEvent.session_id == session_id, AskMeEvent.id > after).order_by(AskMeEvent.id)))


def stream(session_id: uuid.UUID, after: int, *, max_seconds: float, keepalive_seconds: float
           ) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every event after `after`, then new ones as they are written, until the session is finished
    (`done`), deleted or quiet for `max_seconds` (`error`). Each poll uses a short database session."""
    quiet_since = last_beat = time.monotonic()
    while True:
        events = events_after(session_id, after)
        status = db.session.scalar(sa.select(AskMeSession.status).where(AskMeSession.id == session_id))
        db.session.remove()
        for item in events:
            after = item.id
            quiet_since = time.monotonic()
            yield item.kind, {**item.payload, "seq": item.id}
        if status is None:
            yield "error", {"code": "not_found", "message": "The session was deleted."}
            return
        if status == "finished":
            yield "done", {"session_id": str(session_id), "status": status, "seq": after}
            return
        now = time.monotonic()
        if now - quiet_since >= max_seconds:
            yield "error", {"code": "stream_timeout", "message": "Nothing happened for a while; reconnect to follow "
                            "the session again.", "seq": after}
            return
        if now - last_beat >= keepalive_seconds:
            last_beat = now
            yield KEEPALIVE
        time.sleep(POLL_SECONDS)
