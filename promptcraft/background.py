"""Side effects that follow a response without delaying it.

`send_later(signal, sender, **kwargs)` sends a signal from a queue that one background thread of
the process drains (a greenlet under gunicorn's gevent worker), each send in an app context and
database session of its own. Senders on a hot path use it — the end of every AI call and chat
turn — so that the receivers (analytics events, gamification XP) neither hold the stream's last
event back nor, during a burst, take CPU from the requests still waiting for their first byte:
one send runs at a time, on what the requests leave over.

Receivers must not need the request (they get plain values) and must not raise (the listeners
catch and log their own failures; anything else is logged here). `drain()` waits until every
queued send has run: tests use it, and the process calls it at exit so a restart loses nothing
already queued. The queue is bounded (QUEUE_LIMIT): when the process falls that far behind, the
sender runs its signal itself, which slows the senders down instead of growing memory. With
BACKGROUND_INLINE (the testing configuration) the signal is sent at once.

With a job queue (JOB_QUEUE_URL) the sends of `signals.QUEUED` go to the job workers instead
(`promptcraft.jobs`; why those and only those: see there). If Redis cannot be reached, such a send
falls back to this process's queue, so nothing is lost.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from typing import Any

from blinker import Signal
from flask import Flask, current_app

from promptcraft import jobs, signals
from promptcraft.extensions import db

log = logging.getLogger("promptcraft.background")
QUEUE_LIMIT = 10_000


class Dispatcher:
    """One queue and one thread per process (re-created after a fork)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._pid: int | None = None
        self._queue: queue.Queue = queue.Queue(QUEUE_LIMIT)
        self._lock = threading.Lock()

    def submit(self, signal: Signal, sender: Any, kwargs: dict[str, Any]) -> None:
        self._ensure_thread()
        try:
            self._queue.put_nowait((signal, sender, kwargs))
        except queue.Full:
            signal.send(sender, **kwargs)

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._queue = queue.Queue(QUEUE_LIMIT)
            threading.Thread(target=self._run, name="promptcraft-background", daemon=True).start()
            self._pid = os.getpid()
            atexit.register(self.drain, 10.0)

    def _run(self) -> None:
        while True:
            signal, sender, kwargs = self._queue.get()
            try:
                with self.app.app_context():
                    try:
                        signal.send(sender, **kwargs)
                    finally:
                        db.session.remove()
            except Exception:  # a receiver that raises must not stop the ones queued after it
                log.exception("background send of %s failed", getattr(signal, "name", signal))
            finally:
                self._queue.task_done()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every queued send has run; False if `timeout` seconds were not enough."""
        if self._pid != os.getpid():
            return True
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)


def init_app(app: Flask) -> None:
    app.extensions["background"] = Dispatcher(app)


def send_later(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send `signal` after the caller's work, off its request (at once with BACKGROUND_INLINE)."""
    if current_app.config["BACKGROUND_INLINE"]:
        signal.send(sender, **kwargs)
        return
    name = getattr(signal, "name", None)
    if signals.QUEUED.get(name) is signal and jobs.enqueue("promptcraft.background.deliver", name, sender, kwargs):
        return
    current_app.extensions["background"].submit(signal, sender, kwargs)


def deliver(name: str, sender: Any, kwargs: dict[str, Any]) -> None:
    """On a job worker: send the queued signal called `name`, as send_later was asked to."""
    signals.QUEUED[name].send(sender, **kwargs)


def drain(timeout: float = 10.0) -> bool:
    return current_app.extensions["background"].drain(timeout)
