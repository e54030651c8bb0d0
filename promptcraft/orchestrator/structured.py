"""Structured steps with a model: ask for JSON, validate it, or let the caller fall back.

Every intelligence feature has a local algorithm that works offline. When the provider chain
starts with a real model, a step may ask it for JSON matching a schema; an answer that is not
valid JSON, or does not validate, is discarded and the local result stands.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any

import marshmallow as ma

from promptcraft.ai.gateway import gateway
from promptcraft.ai.types import ChatRequest
from promptcraft.auth.models import User
from promptcraft.errors import AppError

log = logging.getLogger("promptcraft.orchestrator")
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.S)


def model_available() -> bool:
    """Whether the first configured provider is a language model (not the offline engine)."""
    chain = [p for p in (gateway().providers[n] for n in gateway().chain_names) if p.configured]
    return bool(chain) and chain[0].name != "local"


def ask_json(user: User, system: str, prompt: str, schema: ma.Schema, *, kind: str) -> dict[str, Any] | None:
    """The model's answer loaded through `schema`, or None (no model, a failure, invalid JSON)."""
    if not model_available():
        return None
    request = ChatRequest([{"role": "system", "content": system + "\nAnswer with one JSON object only."},
                           {"role": "user", "content": prompt}], temperature=0.2,
                          response_format={"type": "json_object"}, thinking=False)
    try:
        result = gateway().complete(user, request, kind=kind)
    except AppError as error:
        if error.status in (402, 429):
            raise  # the user is out of allowance: say so rather than quietly degrade
        log.info("structured step %s fell back to the local algorithm: %s", kind, error.code)
        return None
    if result.provider == "local":
        return None
    try:
        return schema.load(json.loads(FENCE.sub("", result.content.strip())))
    except (ValueError, ma.ValidationError) as error:
        log.info("structured step %s: the model's JSON did not validate (%s)", kind, type(error).__name__)
        return None
