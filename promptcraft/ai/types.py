"""What flows through the gateway: requests, streamed events, completions, usage, errors."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["content", "reasoning", "tool_calls", "finish", "usage"]


@dataclass
class ChatRequest:
    messages: list[dict[str, Any]]
    model: str | None = None  # None: the provider's default
    temperature: float | None = None
    max_tokens: int | None = None
    thinking: bool | None = None  # None: the model's default
    top_p: float | None = None
    stop: list[str] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: Any = None
    response_format: dict[str, Any] | None = None


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens served from the provider's cache (cheaper)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "cached_tokens": self.cached_tokens, "total_tokens": self.total_tokens}


@dataclass
class StreamEvent:
    kind: EventKind
    text: str = ""
    finish_reason: str | None = None
    usage: Usage | None = None
    tool_calls: list[dict[str, Any]] | None = None


@dataclass
class Completion:
    content: str
    provider: str
    model: str
    finish_reason: str = "stop"
    reasoning: str = ""
    usage: Usage = field(default_factory=Usage)
    tool_calls: list[dict[str, Any]] | None = None


# How a provider failure reaches our caller: (HTTP status, whether the next provider may try).
FAILURES: dict[str, tuple[int, bool]] = {
    "timeout": (504, True),
    "connection": (502, True),
    "upstream_error": (502, True),  # 5xx
    "overloaded": (503, True),  # 503, or finish_reason insufficient_system_resource
    "bad_response": (502, True),  # not the wire format, or the stream ended without [DONE]
    "provider_unauthorized": (502, False),  # our key: the operator must fix it
    "provider_payment_required": (402, False),  # the provider account is out of balance
    "invalid_request": (400, False),
    "invalid_parameters": (422, False),
    "rate_limited": (429, False),
}


class ProviderError(Exception):
    def __init__(self, code: str, message: str, *, provider: str = "", upstream_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.provider = provider
        self.upstream_status = upstream_status

    @property
    def status(self) -> int:
        return FAILURES.get(self.code, (502, True))[0]

    @property
    def may_fall_back(self) -> bool:
        return FAILURES.get(self.code, (502, True))[1]
