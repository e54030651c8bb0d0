"""What the history domain does when other domains signal: a finished chat turn becomes a history
entry; the user's prompt count for the profile statistics."""
from __future__ import annotations

import uuid

from promptcraft import signals
from promptcraft.history import service


@signals.guarded(users_only=True)
def chat_turn_finished(user_id: uuid.UUID, *, status: str = "", prompt: str | None = None, response: str = "",
                       provider: str = "", model: str = "", tokens: int = 0, **kwargs: object) -> None:
    """A completed chat turn: its question and the answer go to the user's history (source "chat")."""
    if status == "complete" and prompt:
        service.record_prompt(user_id, prompt, response=response, provider=provider, model=model, tokens_used=tokens,
                              source="chat")


def prompt_stats(user_id: uuid.UUID, **kwargs: object) -> dict[str, int]:
    """The number of the user's history entries outside the trash, for the profile statistics."""
    return {"prompts": service.count_entries(user_id)}


def connect() -> None:
    signals.chat_message_finished.connect(chat_turn_finished)
    signals.user_stats_requested.connect(prompt_stats)
