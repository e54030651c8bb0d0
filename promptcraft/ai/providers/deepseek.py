"""DeepSeek: POST /chat/completions (streaming or not), GET /models, GET /user/balance.

Models today are deepseek-v4-flash and deepseek-v4-pro; thinking is switched per request with
`thinking: {"type": "enabled" | "disabled"}` (on by default upstream). The names retired in July
2026 are still accepted from our clients: deepseek-chat is flash without thinking,
deepseek-reasoner is flash with it.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from promptcraft.ai.providers.openai_compatible import OpenAICompatibleProvider
from promptcraft.ai.types import ChatRequest

LEGACY = {"deepseek-chat": ("deepseek-v4-flash", False), "deepseek-reasoner": ("deepseek-v4-flash", True)}


class DeepSeekProvider(OpenAICompatibleProvider):
    name = "deepseek"
    paid = True
    label = "DeepSeek"

    def __init__(self, base_url: str, api_key: str | None, model: str, known_models: list[str], **kwargs) -> None:
        super().__init__(base_url, api_key, model, **kwargs)
        self.api_key = api_key
        self.known_models = known_models

    @classmethod
    def from_config(cls, config: dict) -> DeepSeekProvider:
        return cls(config["DEEPSEEK_BASE_URL"], config.get("DEEPSEEK_API_KEY"), config["DEEPSEEK_MODEL"],
                   config["DEEPSEEK_MODELS"], read_timeout=config["AI_TIMEOUT_SECONDS"],
                   connect_timeout=config["AI_CONNECT_TIMEOUT_SECONDS"], retries=config["AI_RETRIES"],
                   pool_size=config["AI_POOL_SIZE"])

    @property
    def configured(self) -> bool:
        return bool(self.api_key)

    def resolve(self, request: ChatRequest) -> tuple[str, ChatRequest]:
        model = request.model or self.default_model
        if model in LEGACY:
            model, thinking = LEGACY[model]
            request = replace(request, thinking=thinking if request.thinking is None else request.thinking)
        return model, request

    def extend(self, body: dict[str, Any], request: ChatRequest) -> dict[str, Any]:
        if request.thinking is not None:
            body["thinking"] = {"type": "enabled" if request.thinking else "disabled"}
        return body

    def balance(self) -> dict[str, Any]:
        return self.client.get_json("/user/balance")
