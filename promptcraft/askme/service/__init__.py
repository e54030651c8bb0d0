"""AskMe use cases, one module each; import them from here."""
from promptcraft.askme.service.events import events_after, stream
from promptcraft.askme.service.finalize import finalize, save_to_library
from promptcraft.askme.service.sessions import (
    answer,
    delete_session,
    get_session,
    list_sessions,
    start,
    stats,
)

__all__ = ["answer", "delete_session", "events_after", "finalize", "get_session",
           "list_sessions", "save_to_library", "start", "stats", "stream"]
