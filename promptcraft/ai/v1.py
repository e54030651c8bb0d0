"""The OpenAI-compatible front door: POST /v1/chat/completions and GET /v1/models.

Teams point the official OpenAI SDKs (or any tool that speaks that API) at PromptCraft with a
PromptCraft API key, and get per-user keys, quotas, usage rows and provider fallback. An extra
field, `template_id` (+ `variables`), renders a library template as the system prompt.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

from promptcraft import sse
from promptcraft.ai import v1_schemas as schemas
from promptcraft.ai.gateway import KEEPALIVE, GatewayStream, gateway
from promptcraft.ai.types import ChatRequest, Completion
from promptcraft.auth.identity import login_required, require_user
from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.http import ApiBlueprint, document_errors, openai_errors

blp = ApiBlueprint("openai", __name__, url_prefix="/v1", description="OpenAI-compatible API (use a PromptCraft API "
                   "key as the bearer token)")
STREAM_DOC = {"description": "stream=true: chat.completion.chunk events, then `data: [DONE]`",
              "content_type": "text/event-stream"}


def _request(user: User, data: dict[str, Any]) -> ChatRequest:
    messages = [{k: v for k, v in m.items() if v not in (None, [])} for m in data["messages"]]
    for message in messages:
        if message["role"] == "developer":  # OpenAI's newer name for the system role
            message["role"] = "system"
    if data.get("template_id"):
        from promptcraft.prompt_templates import service as templates

        template, text = templates.render_template(data["template_id"], user, data.get("variables") or {},
                                                   record=False)
        templates.record_usage(template, user, "chat")
        messages.insert(0, {"role": "system", "content": text})
    stop = data.get("stop")
    thinking = (data.get("thinking") or {}).get("type")
    model = data["model"]
    return ChatRequest(messages, model=None if model in ("default", "promptcraft") else model,
                       temperature=data.get("temperature"), top_p=data.get("top_p"),
                       max_tokens=data.get("max_completion_tokens") or data.get("max_tokens"),
                       stop=[stop] if isinstance(stop, str) else stop, tools=data.get("tools"),
                       tool_choice=data.get("tool_choice"), response_format=data.get("response_format"),
                       thinking=None if thinking is None else thinking == "enabled")


def _usage(usage) -> dict[str, Any]:
    return {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens, "prompt_tokens_details": {"cached_tokens": usage.cached_tokens}}


def completion_body(result: Completion) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": result.content}
    if result.reasoning:
        message["reasoning_content"] = result.reasoning
    if result.tool_calls:
        message["tool_calls"] = result.tool_calls
    return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
            "model": result.model, "choices": [{"index": 0, "message": message, "logprobs": None,
                                                "finish_reason": result.finish_reason}],
            "usage": _usage(result.usage), "system_fingerprint": None}


def chunks(stream: GatewayStream, include_usage: bool) -> Iterator[str]:
    """Our gateway stream, re-framed as OpenAI's chat.completion.chunk events."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": stream.model, "system_fingerprint": None}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        return sse.data({**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]})

    finished = False
    try:
        yield chunk({"role": "assistant", "content": ""})
        for item in stream:
            if item is KEEPALIVE:
                yield sse.KEEP_ALIVE
            elif item.kind == "content":
                yield chunk({"content": item.text})
            elif item.kind == "reasoning":
                yield chunk({"reasoning_content": item.text})
            elif item.kind == "tool_calls":
                yield chunk({"tool_calls": item.tool_calls})
        stream.finish()
        finished = True
        if stream.error:
            yield sse.data({"error": {"message": stream.error.message, "type": "api_error", "param": None,
                                      "code": stream.error.code}})
        else:
            yield chunk({}, stream.finish_reason or "stop")
            if include_usage and stream.usage:
                yield sse.data({**base, "choices": [], "usage": _usage(stream.usage)})
        yield sse.data("[DONE]")
    except GeneratorExit:
        if not finished:
            stream.finish("interrupted")
        raise


@blp.route("/chat/completions", methods=["POST"])
@blp.arguments(schemas.V1ChatRequestSchema)
@blp.response(200, schemas.V1ChatCompletionSchema)
@blp.alt_response(200, success=True, **STREAM_DOC)
@document_errors(402, 502, 503, 504)
@openai_errors
@login_required
def chat_completions(data):
    """Create a chat completion (OpenAI format, streaming or not)."""
    user = require_user()
    request = _request(user, data)
    if data["stream"]:
        stream = gateway().open_stream(user, request, kind="v1")
        db.session.remove()
        return sse.response(chunks(stream, bool((data.get("stream_options") or {}).get("include_usage"))))
    return completion_body(gateway().complete(user, request, kind="v1"))


@blp.route("/models", methods=["GET"])
@blp.response(200, schemas.V1ModelListSchema)
@openai_errors
@login_required
def list_models():
    """The models the provider chain offers (OpenAI format)."""
    from promptcraft.ai.service import models

    found = models()["results"]
    return {"object": "list", "data": [{"id": m["id"], "object": "model", "created": 0,
                                        "owned_by": m.get("owned_by") or m["provider"]} for m in found]}

