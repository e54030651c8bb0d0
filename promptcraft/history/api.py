"""JSON endpoints under /api/v2/history/: history entries, saved prompts, iterations, threads.

PUT replaces what a client may set (absent optional fields return to their defaults); PATCH
changes only the fields sent. DELETE moves a row to the trash (`?permanent=true` removes it).
"""
from __future__ import annotations

from promptcraft.auth.identity import login_required, require_user
from promptcraft.history import schemas, service
from promptcraft.http import ApiBlueprint, document_errors
from promptcraft.pagination import page_schema

blp = ApiBlueprint("history", __name__, url_prefix="/api/v2/history",
                   description="Prompt history, saved prompts, iterations and threads")


# --- history entries -------------------------------------------------------------------------

@blp.route("/history/", methods=["GET"])
@blp.arguments(schemas.PromptHistoryQuerySchema, location="query")
@blp.response(200, page_schema(schemas.PromptHistorySchema))
@login_required
def list_entries(args):
    """The caller's prompt history, searched, filtered and sorted (or the trash)."""
    return service.list_entries(require_user().id, **args)


@blp.route("/history/", methods=["POST"], endpoint="create_entry")
@blp.arguments(schemas.PromptHistoryCreateSchema)
@blp.response(201, schemas.PromptHistorySchema)
@login_required
def create_entry(data):
    """Record a prompt run in the caller's history."""
    return service.create_entry(require_user().id, data)


@blp.route("/history/<int:entry_id>/", methods=["GET"])
@blp.response(200, schemas.PromptHistorySchema)
@login_required
def get_entry(entry_id: int):
    """One history entry."""
    return service.get_entry(require_user().id, entry_id)


@blp.route("/history/<int:entry_id>/", methods=["PUT"], endpoint="replace_entry")
@blp.arguments(schemas.PromptHistoryCreateSchema)
@blp.response(200, schemas.PromptHistorySchema)
@login_required
def replace_entry(data, entry_id: int):
    """Replace a history entry."""
    return service.update_entry(require_user().id, entry_id, data)


@blp.route("/history/<int:entry_id>/", methods=["PATCH"], endpoint="update_entry")
@blp.arguments(schemas.PromptHistoryUpdateSchema)
@blp.response(200, schemas.PromptHistorySchema)
@login_required
def update_entry(data, entry_id: int):
    """Change some fields of a history entry."""
    return service.update_entry(require_user().id, entry_id, data)


@blp.route("/history/<int:entry_id>/", methods=["DELETE"], endpoint="delete_entry")
@blp.arguments(schemas.DeleteQuerySchema, location="query")
@blp.response(204)
@login_required
def delete_entry(args, entry_id: int):
    """Move a history entry to the trash, or delete it for good."""
    service.delete_entry(require_user().id, entry_id, **args)


@blp.route("/history/<int:entry_id>/favorite/", methods=["POST"])
@blp.response(200, schemas.PromptHistorySchema)
@login_required
def toggle_entry_favorite(entry_id: int):
    """Mark a history entry as a favourite, or unmark it."""
    return service.toggle_entry_favorite(require_user().id, entry_id)


@blp.route("/history/<int:entry_id>/restore/", methods=["POST"])
@blp.response(200, schemas.PromptHistorySchema)
@login_required
def restore_entry(entry_id: int):
    """Take a history entry out of the trash."""
    return service.restore_entry(require_user().id, entry_id)


# --- saved prompts ---------------------------------------------------------------------------

@blp.route("/saved-prompts/", methods=["GET"])
@blp.arguments(schemas.SavedPromptQuerySchema, location="query")
@blp.response(200, page_schema(schemas.SavedPromptSchema))
@login_required
def list_saved(args):
    """The caller's saved prompts (or the trash)."""
    return service.list_saved(require_user().id, **args)


@blp.route("/saved-prompts/", methods=["POST"], endpoint="create_saved")
@blp.arguments(schemas.SavedPromptCreateSchema)
@blp.response(201, schemas.SavedPromptSchema)
@login_required
def create_saved(data):
    """Save a prompt in the caller's library."""
    return service.create_saved(require_user().id, data)


@blp.route("/saved-prompts/public/", methods=["GET"])
@blp.arguments(schemas.PublicSavedPromptQuerySchema, location="query")
@blp.response(200, page_schema(schemas.PublicSavedPromptSchema))
@login_required
def list_public(args):
    """Everyone's public saved prompts (read-only; duplicate one to use it)."""
    return service.list_public(**args)


@blp.route("/saved-prompts/<int:prompt_id>/", methods=["GET"])
@blp.response(200, schemas.SavedPromptSchema)
@login_required
def get_saved(prompt_id: int):
    """One saved prompt."""
    return service.get_saved(require_user().id, prompt_id)


@blp.route("/saved-prompts/<int:prompt_id>/", methods=["PUT"], endpoint="replace_saved")
@blp.arguments(schemas.SavedPromptCreateSchema)
@blp.response(200, schemas.SavedPromptSchema)
@login_required
def replace_saved(data, prompt_id: int):
    """Replace a saved prompt."""
    return service.update_saved(require_user().id, prompt_id, data)


@blp.route("/saved-prompts/<int:prompt_id>/", methods=["PATCH"], endpoint="update_saved")
@blp.arguments(schemas.SavedPromptUpdateSchema)
@blp.response(200, schemas.SavedPromptSchema)
@login_required
def update_saved(data, prompt_id: int):
    """Change some fields of a saved prompt."""
    return service.update_saved(require_user().id, prompt_id, data)


@blp.route("/saved-prompts/<int:prompt_id>/", methods=["DELETE"], endpoint="delete_saved")
@blp.arguments(schemas.DeleteQuerySchema, location="query")
@blp.response(204)
@login_required
def delete_saved(args, prompt_id: int):
    """Move a saved prompt (with its iterations) to the trash, or delete it for good."""
    service.delete_saved(require_user().id, prompt_id, **args)


@blp.route("/saved-prompts/<int:prompt_id>/favorite/", methods=["POST"])
@blp.response(200, schemas.SavedPromptSchema)
@login_required
def toggle_saved_favorite(prompt_id: int):
    """Mark a saved prompt as a favourite, or unmark it."""
    return service.toggle_saved_favorite(require_user().id, prompt_id)


@blp.route("/saved-prompts/<int:prompt_id>/duplicate/", methods=["POST"])
@blp.arguments(schemas.SavedPromptDuplicateSchema, required=False)
@blp.response(201, schemas.SavedPromptSchema)
@login_required
def duplicate_saved(data, prompt_id: int):
    """Copy one of your prompts, or anyone's public one, into your library."""
    return service.duplicate_saved(require_user().id, prompt_id, **data)


@blp.route("/saved-prompts/<int:prompt_id>/restore/", methods=["POST"])
@blp.response(200, schemas.SavedPromptSchema)
@login_required
def restore_saved(prompt_id: int):
    """Take a saved prompt (with its iterations) out of the trash."""
    return service.restore_saved(require_user().id, prompt_id)


# --- iterations ------------------------------------------------------------------------------

@blp.route("/iterations/", methods=["GET"])
@blp.arguments(schemas.PromptIterationQuerySchema, location="query")
@blp.response(200, page_schema(schemas.PromptIterationSchema))
@login_required
def list_iterations(args):
    """The caller's iterations, optionally of one saved prompt or thread (or the trash)."""
    return service.list_iterations(require_user().id, **args)


@blp.route("/iterations/", methods=["POST"], endpoint="create_iteration")
@blp.arguments(schemas.PromptIterationCreateSchema)
@blp.response(201, schemas.PromptIterationSchema)
@login_required
def create_iteration(data):
    """Add the next version to a saved prompt or thread."""
    return service.create_iteration(require_user().id, data)


@blp.route("/iterations/<int:iteration_id>/", methods=["GET"])
@blp.response(200, schemas.PromptIterationSchema)
@login_required
def get_iteration(iteration_id: int):
    """One iteration."""
    return service.get_iteration(require_user().id, iteration_id)


@blp.route("/iterations/<int:iteration_id>/", methods=["PUT"], endpoint="replace_iteration")
@blp.arguments(schemas.PromptIterationContentSchema)
@blp.response(200, schemas.PromptIterationSchema)
@login_required
def replace_iteration(data, iteration_id: int):
    """Replace an iteration's text, response, notes and score."""
    return service.update_iteration(require_user().id, iteration_id, data)


@blp.route("/iterations/<int:iteration_id>/", methods=["PATCH"], endpoint="update_iteration")
@blp.arguments(schemas.PromptIterationUpdateSchema)
@blp.response(200, schemas.PromptIterationSchema)
@login_required
def update_iteration(data, iteration_id: int):
    """Change some of an iteration's text, response, notes and score."""
    return service.update_iteration(require_user().id, iteration_id, data)


@blp.route("/iterations/<int:iteration_id>/", methods=["DELETE"], endpoint="delete_iteration")
@blp.arguments(schemas.DeleteQuerySchema, location="query")
@blp.response(204)
@login_required
def delete_iteration(args, iteration_id: int):
    """Move an iteration to the trash, or delete it for good."""
    service.delete_iteration(require_user().id, iteration_id, **args)


@blp.route("/iterations/<int:iteration_id>/bookmark/", methods=["POST"])
@blp.response(200, schemas.PromptIterationSchema)
@login_required
def toggle_bookmark(iteration_id: int):
    """Bookmark an iteration, or remove the bookmark."""
    return service.toggle_bookmark(require_user().id, iteration_id)


@blp.route("/iterations/<int:iteration_id>/set-active/", methods=["POST"])
@blp.response(200, schemas.PromptIterationSchema)
@login_required
def set_active(iteration_id: int):
    """Make an iteration the active version of its prompt or thread."""
    return service.set_active(require_user().id, iteration_id)


@blp.route("/iterations/<int:iteration_id>/restore/", methods=["POST"])
@blp.response(200, schemas.PromptIterationSchema)
@document_errors(409)
@login_required
def restore_iteration(iteration_id: int):
    """Take an iteration out of the trash."""
    return service.restore_iteration(require_user().id, iteration_id)


# --- threads ---------------------------------------------------------------------------------

@blp.route("/threads/", methods=["GET"])
@blp.arguments(schemas.PromptThreadQuerySchema, location="query")
@blp.response(200, page_schema(schemas.PromptThreadSchema))
@login_required
def list_threads(args):
    """The caller's threads (or the trash)."""
    return service.list_threads(require_user().id, **args)


@blp.route("/threads/", methods=["POST"], endpoint="create_thread")
@blp.arguments(schemas.PromptThreadCreateSchema)
@blp.response(201, schemas.PromptThreadSchema)
@login_required
def create_thread(data):
    """Start a thread, optionally about one of your saved prompts."""
    return service.create_thread(require_user().id, data)


@blp.route("/threads/<int:thread_id>/", methods=["GET"])
@blp.response(200, schemas.PromptThreadDetailSchema)
@login_required
def get_thread(thread_id: int):
    """One thread with its iterations."""
    return service.get_thread(require_user().id, thread_id)


@blp.route("/threads/<int:thread_id>/", methods=["PUT"], endpoint="replace_thread")
@blp.arguments(schemas.PromptThreadCreateSchema)
@blp.response(200, schemas.PromptThreadSchema)
@login_required
def replace_thread(data, thread_id: int):
    """Replace a thread's title and saved prompt."""
    return service.update_thread(require_user().id, thread_id, data)


@blp.route("/threads/<int:thread_id>/", methods=["PATCH"], endpoint="update_thread")
@blp.arguments(schemas.PromptThreadUpdateSchema)
@blp.response(200, schemas.PromptThreadSchema)
@login_required
def update_thread(data, thread_id: int):
    """Rename a thread or change its saved prompt."""
    return service.update_thread(require_user().id, thread_id, data)


@blp.route("/threads/<int:thread_id>/", methods=["DELETE"], endpoint="delete_thread")
@blp.arguments(schemas.DeleteQuerySchema, location="query")
@blp.response(204)
@login_required
def delete_thread(args, thread_id: int):
    """Move a thread (with its iterations) to the trash, or delete it for good."""
    service.delete_thread(require_user().id, thread_id, **args)


@blp.route("/threads/<int:thread_id>/add_iteration/", methods=["POST"])
@blp.arguments(schemas.PromptIterationAddSchema)
@blp.response(201, schemas.PromptIterationSchema)
@login_required
def add_iteration(data, thread_id: int):
    """Append the next-numbered iteration to a thread."""
    return service.add_iteration(require_user().id, thread_id, data)


@blp.route("/threads/<int:thread_id>/restore/", methods=["POST"])
@blp.response(200, schemas.PromptThreadSchema)
@login_required
def restore_thread(thread_id: int):
    """Take a thread (with its iterations) out of the trash."""
    return service.restore_thread(require_user().id, thread_id)
