"""The OpenAI chat-completions format, as DeepSeek and OpenAI-compatible servers speak it."""
from __future__ import annotations

from typing import Any

from promptcraft.ai.types import ChatRequest, Completion, ProviderError, StreamEvent, Usage

MESSAGE_FIELDS = ("role", "content", "name", "tool_calls", "tool_call_id")
TRANSIENT_FINISH = {"insufficient_system_resource"}  # DeepSeek: overloaded, not an answer


def request_body(request: ChatRequest, model: str, *, stream: bool) -> dict[str, Any]:
    # reasoning_content is never sent back upstream: DeepSeek rejects it in the history.
    messages = [{k: v for k, v in m.items() if k in MESSAGE_FIELDS and v is not None} for m in request.messages]
    body: dict[str, Any] = {"model": model, "messages": messages, "stream": stream}
    for field in ("temperature", "max_tokens", "top_p", "stop", "tools", "tool_choice", "response_format"):
        value = getattr(request, field)
        if value is not None:
            body[field] = value
    if stream:
        body["stream_options"] = {"include_usage": True}
    return body


def usage_from(payload: dict[str, Any] | None) -> Usage | None:
    if not payload:
        return None
    cached = payload.get("prompt_cache_hit_tokens")
    if cached is None:
        cached = (payload.get("prompt_tokens_details") or {}).get("cached_tokens", 0)
    return Usage(int(payload.get("prompt_tokens") or 0), int(payload.get("completion_tokens") or 0), int(cached or 0))


def events_from_chunk(chunk: dict[str, Any], provider: str) -> list[StreamEvent]:
    """One upstream chunk → our events (a usage-only last chunk has no choices)."""
    events: list[StreamEvent] = []
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        if delta.get("reasoning_content"):
            events.append(StreamEvent("reasoning", delta["reasoning_content"]))
        if delta.get("content"):
            events.append(StreamEvent("content", delta["content"]))
        if delta.get("tool_calls"):
            events.append(StreamEvent("tool_calls", tool_calls=delta["tool_calls"]))
        reason = choice.get("finish_reason")
        if reason in TRANSIENT_FINISH:
            raise ProviderError("overloaded", f"{provider} is out of capacity (finish_reason {reason}).",
                                provider=provider)
        if reason:
            events.append(StreamEvent("finish", finish_reason=reason))
    usage = usage_from(chunk.get("usage"))
    if usage is not None:
        events.append(StreamEvent("usage", usage=usage))
    return events


def completion_from(payload: dict[str, Any], provider: str, model: str) -> Completion:
    try:
        choice = payload["choices"][0]
        message = choice.get("message") or {}
    except (KeyError, IndexError, TypeError):
        raise ProviderError("bad_response", f"{provider} answered without a choice.", provider=provider) from None
    reason = choice.get("finish_reason") or "stop"
    if reason in TRANSIENT_FINISH:
        raise ProviderError("overloaded", f"{provider} is out of capacity (finish_reason {reason}).",
                            provider=provider)
    return Completion(
        content=message.get("content") or "", provider=provider, model=payload.get("model") or model,
        finish_reason=reason, reasoning=message.get("reasoning_content") or "",
        usage=usage_from(payload.get("usage")) or Usage(), tool_calls=message.get("tool_calls"),
    )
