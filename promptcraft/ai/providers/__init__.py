"""Provider implementations; `build_providers(config)` makes the configured chain."""
from __future__ import annotations

from promptcraft.ai.providers.base import Provider, ProviderStream
from promptcraft.ai.providers.deepseek import DeepSeekProvider
from promptcraft.ai.providers.local import LocalProvider
from promptcraft.ai.providers.openai_compatible import OpenAICompatibleProvider

KINDS: dict[str, type[Provider]] = {
    "deepseek": DeepSeekProvider,
    "openai_compatible": OpenAICompatibleProvider,
    "local": LocalProvider,
}


def build_providers(config: dict) -> dict[str, Provider]:
    """Every known provider, configured or not (the chain picks from these by name)."""
    return {name: kind.from_config(config) for name, kind in KINDS.items()}


__all__ = ["KINDS", "Provider", "ProviderStream", "build_providers"]
