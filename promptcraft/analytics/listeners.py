"""The product's own events: every domain's signals become rows the dashboards aggregate.

A receiver runs after the sender has committed its work; it stores one event in a short
transaction of its own. Analytics must never break the action it observes, so a failure is
logged and rolled back, not raised.
"""
from __future__ import annotations

from typing import Any

from promptcraft import signals
from promptcraft.analytics.service import events

QUERY_MAX = 200  # a search query is kept for context, not as a copy of what was typed


_safe = signals.guarded()


@_safe
def template_viewed(user_id, *, template_id: int, **kwargs: Any) -> None:
    events.record(user_id, events.TEMPLATE_VIEWED, template_id=template_id)


@_safe
def template_used(user_id, *, template_id: int, kind: str = "", **kwargs: Any) -> None:
    events.record(user_id, events.TEMPLATE_USED, template_id=template_id, kind=kind)


@_safe
def template_created(user_id, *, template_id: int, **kwargs: Any) -> None:
    events.record(user_id, events.TEMPLATE_CREATED, template_id=template_id)


@_safe
def template_rated(user_id, *, template_id: int, score: int, created: bool = True, **kwargs: Any) -> None:
    events.record(user_id, events.TEMPLATE_RATED, template_id=template_id, score=score, created=created)


@_safe
def templates_searched(user_id, *, query: str | None = None, results: int = 0, **kwargs: Any) -> None:
    events.record(user_id, events.SEARCH, query=(query or "")[:QUERY_MAX], results=int(results))


@_safe
def chat_message_finished(user_id, *, session_id=None, message_id=None, status: str = "", tokens: int = 0,
                          **kwargs: Any) -> None:
    # Tokens and cost are counted from ai.call; the turn carries its tokens only as context.
    events.record(user_id, events.CHAT_TURN, session_id=str(session_id), message_id=str(message_id),
                  status=status, message_tokens=int(tokens or 0))


@_safe
def ai_call_finished(user_id, *, provider: str = "", model: str = "", kind: str = "", status: str = "",
                     tokens: int = 0, cost: float = 0.0, **kwargs: Any) -> None:
    events.record(user_id, events.AI_CALL, tokens=tokens, cost=cost, provider=provider, model=model, kind=kind,
                  status=status)


@_safe
def prompt_recorded(user_id, *, entry_id: int, source: str = "", template_id: int | None = None,
                    tokens_used: int = 0, cost: float = 0.0, **kwargs: Any) -> None:
    events.record(user_id, events.PROMPT_RECORDED, template_id=template_id, entry_id=entry_id, source=source)


@_safe
def askme_finished(user_id, *, session_id=None, score: float | None = None, **kwargs: Any) -> None:
    events.record(user_id, events.ASKME_FINISHED, session_id=str(session_id),
                  score=None if score is None else float(score))


RECEIVERS = [
    (signals.template_viewed, template_viewed),
    (signals.template_used, template_used),
    (signals.template_created, template_created),
    (signals.template_rated, template_rated),
    (signals.templates_searched, templates_searched),
    (signals.chat_message_finished, chat_message_finished),
    (signals.ai_call_finished, ai_call_finished),
    (signals.prompt_recorded, prompt_recorded),
    (signals.askme_finished, askme_finished),
]


def connect() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver)
