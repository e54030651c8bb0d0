"""The history domain's use cases, one module each; import them from here.

Every function takes the acting user's id, sees only that user's rows (others are a 404),
commits once, and raises AppError for what the caller can fix.
"""
from promptcraft.history.service.entries import (
    count_entries,
    create_entry,
    delete_entry,
    get_entry,
    list_entries,
    record_prompt,
    restore_entry,
    toggle_entry_favorite,
    update_entry,
)
from promptcraft.history.service.iterations import (
    create_iteration,
    delete_iteration,
    get_iteration,
    list_iterations,
    restore_iteration,
    set_active,
    toggle_bookmark,
    update_iteration,
)
from promptcraft.history.service.saved_prompts import (
    create_saved,
    delete_saved,
    duplicate_saved,
    get_saved,
    list_public,
    list_saved,
    restore_saved,
    toggle_saved_favorite,
    update_saved,
)
from promptcraft.history.service.threads import (
    add_iteration,
    create_thread,
    delete_thread,
    get_thread,
    list_threads,
    restore_thread,
    update_thread,
)

__all__ = [
    "count_entries", "create_entry", "delete_entry", "get_entry", "list_entries", "record_prompt", "restore_entry",
    "toggle_entry_favorite", "update_entry",
    "create_iteration", "delete_iteration", "get_iteration", "list_iterations", "restore_iteration", "set_active",
    "toggle_bookmark", "update_iteration",
    "create_saved", "delete_saved", "duplicate_saved", "get_saved", "list_public", "list_saved", "restore_saved",
    "toggle_saved_favorite", "update_saved",
    "add_iteration", "create_thread", "delete_thread", "get_thread", "list_threads", "restore_thread",
    "update_thread",
]
