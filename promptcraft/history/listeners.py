"""What the history domain contributes when other domains ask: the user's prompt count."""
from __future__ import annotations

import uuid

from promptcraft import signals
from promptcraft.history import service


def prompt_stats(user_id: uuid.UUID, **kwargs: object) -> dict[str, int]:
    """The number of the user's history entries outside the trash, for the profile statistics."""
    return {"prompts": service.count_entries(user_id)}


def connect() -> None:
    signals.user_stats_requested.connect(prompt_stats)
