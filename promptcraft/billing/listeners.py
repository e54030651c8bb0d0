"""Billing answers `entitlements_requested`: the gateway's quotas and every other limit follow the plan."""
from __future__ import annotations

import uuid
from typing import Any

from promptcraft import signals
from promptcraft.billing.service import entitlements_for


def entitlements_requested(user_id: uuid.UUID, **kwargs: Any) -> dict[str, Any] | None:
    return entitlements_for(user_id)


def connect() -> None:
    signals.entitlements_requested.connect(entitlements_requested)
