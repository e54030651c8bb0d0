"""Binding the gateway to the app, and what the health and config endpoints say about it."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from promptcraft.ai.gateway import Gateway

PROBE_EVERY_SECONDS = 60.0
PROBE_TIMEOUT_SECONDS = 3.0


class ProviderStatus:
    """Configured providers and whether they answered a recent probe (cached, so health is fast)."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._probes: dict[str, tuple[float, bool, datetime]] = {}
        self._lock = threading.Lock()

    def _reachable(self, provider) -> tuple[bool, datetime]:
        if provider.name == "local":
            return True, datetime.now(UTC)
        with self._lock:
            cached = self._probes.get(provider.name)
        if cached and time.monotonic() - cached[0] < PROBE_EVERY_SECONDS:
            return cached[1], cached[2]
        ok = provider.client.probe("/models", PROBE_TIMEOUT_SECONDS)
        checked = datetime.now(UTC)
        with self._lock:
            self._probes[provider.name] = (time.monotonic(), ok, checked)
        return ok, checked

    def status(self) -> list[dict[str, Any]]:
        result = []
        for name in self.gateway.chain_names:
            provider = self.gateway.providers[name]
            entry = {"name": name, "label": provider.label, "configured": provider.configured,
                     "paid": provider.paid, "default_model": provider.default_model or None,
                     "reachable": None, "checked_at": None}
            if provider.configured:
                entry["reachable"], entry["checked_at"] = self._reachable(provider)
            result.append(entry)
        return result


def init_app(app: Flask) -> None:
    gateway = Gateway(app.config)
    app.extensions["ai_gateway"] = gateway
    app.extensions["ai"] = ProviderStatus(gateway)
    app.extensions["ai_models"] = [
        model for name in gateway.chain_names if gateway.providers[name].configured
        for model in ([gateway.providers[name].default_model] if name != "deepseek" else app.config["DEEPSEEK_MODELS"])
    ]
    app.extensions.setdefault("feature_flags", {})["ai_chat"] = True
