"""From a gateway stream to SPEC's event stream: start, delta…, then exactly one of done or error.

Keep-alive comments go out while the provider is quiet. If the client goes away the upstream
request is closed and the outcome is recorded as interrupted; `on_end` lets the caller save
what was produced, whatever happened.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from promptcraft import sse
from promptcraft.ai.gateway import KEEPALIVE, GatewayStream

OnEnd = Callable[[GatewayStream, str], dict[str, Any] | None]


def relay(stream: GatewayStream, *, start: dict[str, Any] | None = None, on_end: OnEnd | None = None
          ) -> Iterator[str]:
    ended = False
    try:
        if start is not None:
            yield sse.event("start", start)
        for item in stream:
            if item is KEEPALIVE:
                yield sse.KEEP_ALIVE
            elif item.kind == "content":
                yield sse.event("delta", {"content": item.text})
            elif item.kind == "reasoning":
                yield sse.event("delta", {"reasoning": item.text})
        status = "error" if stream.error else "ok"
        timings = stream.finish(status)
        extra = (on_end(stream, status) if on_end else None) or {}
        ended = True
        if stream.error:
            yield sse.event("error", {"code": stream.error.code, "message": stream.error.message, **extra})
        else:
            usage = (stream.usage.as_dict() if stream.usage else None)
            yield sse.event("done", {"usage": usage, "finish_reason": stream.finish_reason or "stop",
                                     "provider": stream.provider_name, "model": stream.model, "timings": timings,
                                     **extra})
    except GeneratorExit:
        # The client went away: stop the upstream request now and keep what was produced.
        if not ended:
            stream.finish("interrupted")
            if on_end:
                on_end(stream, "interrupted")
        raise
