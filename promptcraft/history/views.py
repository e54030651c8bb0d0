"""History and saved-prompt pages: search as you type, filters, trash with undo, the prompt editor."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, flash, request, url_for

from promptcraft.auth.identity import login_required, require_user
from promptcraft.errors import AppError
from promptcraft.forms import empty_form, load_form
from promptcraft.history import schemas, service
from promptcraft.history.models import SOURCES
from promptcraft.htmx import hx_redirect, is_htmx, render_page

bp = Blueprint("history_pages", __name__)

HISTORY = "history/history.html"
SAVED = "history/saved_prompts.html"
PUBLIC = "history/public.html"
EDITOR = "history/saved_prompt_form.html"
HISTORY_LIST = "history_pages.history"
SAVED_LIST = "history_pages.saved_prompts"


def _filters(schema: ma.Schema) -> tuple[dict[str, Any], dict[str, str]]:
    """List arguments from the query string (blank boxes count as absent), and the raw
    non-blank values other than the page, from which the pager builds its links."""
    raw = {k: v.strip() for k, v in request.args.items() if v.strip()}
    args = schema.load(raw, unknown=ma.EXCLUDE)
    return args, {k: v for k, v in raw.items() if k != "page" and k in schema.fields}


def _row(template: str, block: str, back: str, **context: Any):
    """Row actions answer htmx with the row; a browser without htmx goes back to the list."""
    return render_page(template, block, **context) if is_htmx() else hx_redirect(url_for(back))


def _permanent() -> bool:
    return schemas.DeleteQuerySchema().load(request.args, unknown=ma.EXCLUDE)["permanent"]


def _from_trash() -> bool:
    """Restore buttons in the trash say so, and the restored row then reads as a notice."""
    return request.args.get("view") == "trash"


def _block(name: str) -> str | None:
    """The fragment to render; none when htmx restores a page from history and wants all of it."""
    return None if request.headers.get("HX-History-Restore-Request") else name


# --- history ---------------------------------------------------------------------------------

@bp.route("/history")
@login_required
def history():
    """The user's prompt history: search as you type, filters, pages, trash."""
    args, filters = _filters(schemas.PromptHistoryQuerySchema())
    page = service.list_entries(require_user().id, **args)
    return render_page(HISTORY, _block("results"), page=page, args=args, filters=filters, sources=SOURCES,
                       orderings=schemas.HISTORY_ORDERING, trash_view=args["deleted"])


@bp.route("/history/<int:entry_id>/favorite", methods=["POST"])
@login_required
def favorite_entry(entry_id: int):
    """Toggle the star of one entry and show its row again."""
    entry = service.toggle_entry_favorite(require_user().id, entry_id)
    return _row(HISTORY, "entry", HISTORY_LIST, entry=entry, trash_view=False)


@bp.route("/history/<int:entry_id>", methods=["DELETE"])
@login_required
def delete_entry(entry_id: int):
    """Trash an entry (its row offers Undo), or delete a trashed one for good (its row goes)."""
    permanent = _permanent()
    entry = service.delete_entry(require_user().id, entry_id, permanent=permanent)
    return "" if permanent else _row(HISTORY, "entry", HISTORY_LIST, entry=entry, trash_view=False)


@bp.route("/history/<int:entry_id>/restore", methods=["POST"])
@login_required
def restore_entry(entry_id: int):
    """Take an entry out of the trash and show its row again."""
    entry = service.restore_entry(require_user().id, entry_id)
    return _row(HISTORY, "entry", HISTORY_LIST, entry=entry, trash_view=_from_trash())


# --- saved prompts ---------------------------------------------------------------------------

@bp.route("/saved-prompts")
@login_required
def saved_prompts():
    """The user's saved prompts: search, favourites, trash."""
    args, filters = _filters(schemas.SavedPromptQuerySchema())
    page = service.list_saved(require_user().id, **args)
    return render_page(SAVED, _block("results"), page=page, args=args, filters=filters,
                       orderings=schemas.SAVED_ORDERING, trash_view=args["deleted"])


@bp.route("/saved-prompts/public")
@login_required
def public_prompts():
    """Everyone's public saved prompts, to read and copy."""
    args, filters = _filters(schemas.PublicSavedPromptQuerySchema())
    return render_page(PUBLIC, _block("results"), page=service.list_public(**args), args=args, filters=filters,
                       orderings=schemas.PUBLIC_ORDERING)


@bp.route("/saved-prompts/new", methods=["GET", "POST"])
@login_required
def new_prompt():
    """Write a new saved prompt; mistakes are shown beside their fields."""
    if request.method == "GET":
        return render_page(EDITOR, form=empty_form(), prompt=None)
    form = load_form(schemas.SavedPromptFormSchema())
    if form.ok:
        try:
            prompt = service.create_saved(require_user().id, form.data)
            flash(f"Saved “{prompt.title}”.", "success")
            return hx_redirect(url_for("history_pages.saved_prompts"))
        except AppError as error:
            form.fail(error)
    return render_page(EDITOR, "form", form=form, prompt=None), 400


@bp.route("/saved-prompts/<int:prompt_id>/edit", methods=["GET", "POST"])
@login_required
def edit_prompt(prompt_id: int):
    """Edit a saved prompt; mistakes are shown beside their fields."""
    user_id = require_user().id
    if request.method == "GET":
        return render_page(EDITOR, form=empty_form(), prompt=service.get_saved(user_id, prompt_id))
    form = load_form(schemas.SavedPromptFormSchema())
    if form.ok:
        try:
            prompt = service.update_saved(user_id, prompt_id, form.data)
            flash(f"Saved “{prompt.title}”.", "success")
            return hx_redirect(url_for("history_pages.saved_prompts"))
        except AppError as error:
            form.fail(error)
    return render_page(EDITOR, "form", form=form, prompt=service.get_saved(user_id, prompt_id)), 400


@bp.route("/saved-prompts/<int:prompt_id>/favorite", methods=["POST"])
@login_required
def favorite_prompt(prompt_id: int):
    """Toggle the star of one saved prompt and show its row again."""
    prompt = service.toggle_saved_favorite(require_user().id, prompt_id)
    return _row(SAVED, "prompt_row", SAVED_LIST, prompt=prompt, trash_view=False)


@bp.route("/saved-prompts/<int:prompt_id>/duplicate", methods=["POST"])
@login_required
def duplicate_prompt(prompt_id: int):
    """Copy a prompt (yours or a public one) into your library and open the copy."""
    copy = service.duplicate_saved(require_user().id, prompt_id)
    flash(f"Copied “{copy.title}” into your library.", "success")
    return hx_redirect(url_for("history_pages.edit_prompt", prompt_id=copy.id))


@bp.route("/saved-prompts/<int:prompt_id>", methods=["DELETE"])
@login_required
def delete_prompt(prompt_id: int):
    """Trash a saved prompt (its row offers Undo), or delete a trashed one for good."""
    permanent = _permanent()
    prompt = service.delete_saved(require_user().id, prompt_id, permanent=permanent)
    return "" if permanent else _row(SAVED, "prompt_row", SAVED_LIST, prompt=prompt, trash_view=False)


@bp.route("/saved-prompts/<int:prompt_id>/restore", methods=["POST"])
@login_required
def restore_prompt(prompt_id: int):
    """Take a saved prompt out of the trash and show its row again."""
    prompt = service.restore_saved(require_user().id, prompt_id)
    return _row(SAVED, "prompt_row", SAVED_LIST, prompt=prompt, trash_view=_from_trash())
