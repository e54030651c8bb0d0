"""The provider interface: `complete(request)` and `stream(request)`, nothing else."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

from promptcraft.ai.types import ChatRequest, Completion, StreamEvent


class ProviderStream:
    """Streamed events from a provider, closable from another greenlet or thread."""

    def __init__(self, events: Iterator[StreamEvent], close: Callable[[], None] = lambda: None,
                 model: str = "") -> None:
        self._events = events
        self._close = close
        self.model = model

    def __iter__(self) -> Iterator[StreamEvent]:
        return self._events

    def close(self) -> None:
        self._close()


class Provider(Protocol):
    name: str
    paid: bool  # whether a call spends the user's credits

    @classmethod
    def from_config(cls, config: dict) -> Provider: ...

    @property
    def configured(self) -> bool: ...

    @property
    def default_model(self) -> str: ...

    def models(self) -> list[dict[str, Any]]: ...

    def complete(self, request: ChatRequest) -> Completion: ...

    def stream(self, request: ChatRequest) -> ProviderStream: ...
