"""Any OpenAI-compatible server: Ollama, vLLM, llama.cpp's server, OpenRouter, OpenAI itself."""
from __future__ import annotations

from typing import Any

from promptcraft.ai.providers import openai_format
from promptcraft.ai.providers.base import ProviderStream
from promptcraft.ai.providers.wire import WireClient
from promptcraft.ai.types import ChatRequest, Completion, ProviderError, StreamEvent


class OpenAICompatibleProvider:
    name = "openai_compatible"
    paid = True
    label = "OpenAI-compatible server"

    def __init__(self, base_url: str | None, api_key: str | None, model: str | None, *, read_timeout: float,
                 connect_timeout: float, retries: int, pool_size: int = 64) -> None:
        self.base_url = base_url
        self.model = model
        self.client = WireClient(self.name, base_url or "http://unconfigured.invalid", api_key,
                                 read_timeout=read_timeout, connect_timeout=connect_timeout, retries=retries,
                                 pool_size=pool_size)

    @classmethod
    def from_config(cls, config: dict) -> OpenAICompatibleProvider:
        return cls(config.get("OPENAI_COMPATIBLE_BASE_URL"), config.get("OPENAI_COMPATIBLE_API_KEY"),
                   config.get("OPENAI_COMPATIBLE_MODEL"), read_timeout=config["AI_TIMEOUT_SECONDS"],
                   connect_timeout=config["AI_CONNECT_TIMEOUT_SECONDS"], retries=config["AI_RETRIES"],
                   pool_size=config["AI_POOL_SIZE"])

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    @property
    def default_model(self) -> str:
        return self.model or ""

    def resolve(self, request: ChatRequest) -> tuple[str, ChatRequest]:
        return request.model or self.default_model, request

    def models(self) -> list[dict[str, Any]]:
        data = self.client.get_json("/models").get("data") or []
        return [{"id": m.get("id"), "provider": self.name, "owned_by": m.get("owned_by")} for m in data]

    def _body(self, request: ChatRequest, *, stream: bool) -> tuple[str, dict[str, Any]]:
        if not self.configured:
            raise ProviderError("provider_unauthorized", "The OpenAI-compatible provider is not configured.",
                                provider=self.name)
        model, request = self.resolve(request)
        return model, self.extend(openai_format.request_body(request, model, stream=stream), request)

    def extend(self, body: dict[str, Any], request: ChatRequest) -> dict[str, Any]:
        """Provider-specific request fields (DeepSeek adds `thinking`)."""
        return body

    def complete(self, request: ChatRequest) -> Completion:
        model, body = self._body(request, stream=False)
        return openai_format.completion_from(self.client.post_json("/chat/completions", body), self.name, model)

    def stream(self, request: ChatRequest) -> ProviderStream:
        model, body = self._body(request, stream=True)
        response, chunks = self.client.stream_json("/chat/completions", body)

        def events():
            for chunk in chunks:
                yield from self._translate(chunk)

        return ProviderStream(events(), close=response.close, model=model)

    def _translate(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        return openai_format.events_from_chunk(chunk, self.name)
