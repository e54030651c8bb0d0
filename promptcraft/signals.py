"""Blinker signals: how domains tell others what happened without importing them.

Senders pass the acting user's id as the sender and plain values as keyword arguments.
Receivers live in the reacting domain's `listeners.py`, each wrapped in `guarded`.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from blinker import Namespace, Signal

from promptcraft.extensions import db

log = logging.getLogger(__name__)
_signals = Namespace()

Receiver = Callable[..., None]


def guarded(*, users_only: bool = False) -> Callable[[Receiver], Receiver]:
    """A receiver that never breaks what sent the signal: it runs after the sender committed, and
    its failure is rolled back and logged, not raised into the sender nor into the receivers after
    it (blinker stops at the first exception). `users_only`: anonymous sends are ignored."""
    def decorate(receiver: Receiver) -> Receiver:
        @functools.wraps(receiver)
        def wrapper(sender: Any, **kwargs: Any) -> None:
            if users_only and sender is None:
                return
            try:
                receiver(sender, **kwargs)
            except Exception:
                db.session.rollback()
                log.exception("%s.%s failed", receiver.__module__, receiver.__name__)

        return wrapper

    return decorate


user_registered = _signals.signal("user-registered")
user_logged_in = _signals.signal("user-logged-in")

template_created = _signals.signal("template-created")
template_updated = _signals.signal("template-updated")
template_deleted = _signals.signal("template-deleted")
template_rated = _signals.signal("template-rated")
template_used = _signals.signal("template-used")
template_viewed = _signals.signal("template-viewed")
templates_searched = _signals.signal("templates-searched")

ai_call_finished = _signals.signal("ai-call-finished")
chat_message_finished = _signals.signal("chat-message-finished")

# Queries, not events: receivers return a dict of figures about the user (sender = user id),
# merged into the profile statistics, so auth never imports the domains that own them.
user_stats_requested = _signals.signal("user-stats-requested")

# A prompt run was written to the user's history (sender = user id; entry_id, source,
# template_id, tokens_used, cost as keyword arguments).
prompt_recorded = _signals.signal("prompt-recorded")

# Sender = user id; a receiver returns the user's plan entitlements (billing), or None.
entitlements_requested = _signals.signal("entitlements-requested")

# An AskMe session was finalised into a prompt (sender = user id; session_id, score as keyword
# arguments: the composed prompt's assessment score, 0–10, or None).
askme_finished = _signals.signal("askme-finished")

# With a job queue (JOB_QUEUE_URL), send_later hands the sends of these signals to the job workers
# (`background.deliver`): their receivers do real work — a chat turn's XP, challenges and
# achievements, ~7 ms of CPU — which the web worker then spends on requests and streams. The other
# sends stay in the web process: handing one to RQ costs it ~0.4 ms and RQ ~5 ms of its own per
# job, more than a small receiver (an analytics event, ~0.5 ms) costs here.
QUEUED: dict[str, Signal] = {signal.name: signal for signal in (chat_message_finished,)}
