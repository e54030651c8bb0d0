"""Reading a provider's stream in the background, so the response can wait with a timeout.

The upstream read blocks; the response loop must not (it sends keep-alive comments while the
provider is silent, and stops the upstream request as soon as the client leaves). A reader
thread — a greenlet under gunicorn's gevent worker — moves events onto a small queue.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from promptcraft.ai.types import ProviderError

log = logging.getLogger("promptcraft.ai")

END = object()
WAITING = object()


class BackgroundStream:
    def __init__(self, events: Iterator[Any], close: Callable[[], None], provider: str) -> None:
        self._events = events
        self._close = close
        self._provider = provider
        self._queue: queue.Queue = queue.Queue(maxsize=512)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"ai-stream-{provider}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for item in self._events:
                if self._closed.is_set():
                    return
                self._queue.put(item)
        except ProviderError as error:
            if not self._closed.is_set():
                self._queue.put(error)
        except Exception:  # a bug in a provider must end the stream with an error, not hang it
            log.exception("provider %s stream failed", self._provider)
            self._queue.put(ProviderError("bad_response", f"{self._provider} stream failed.", provider=self._provider))
        finally:
            self._queue.put(END)

    def next(self, timeout: float) -> Any:
        """The next event, a ProviderError, END, or WAITING when nothing came within `timeout`."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return WAITING

    def close(self) -> None:
        """Stop reading and close the upstream connection (safe to call twice)."""
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            self._close()
        except Exception:  # closing a socket that is already gone is not an error here
            log.debug("closing %s stream", self._provider, exc_info=True)
