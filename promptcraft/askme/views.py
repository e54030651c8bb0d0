"""The AskMe wizard: one question at a time, a progress bar, going back to edit, the final prompt."""
from __future__ import annotations

import uuid

from flask import Blueprint, request, url_for

from promptcraft.askme import schemas, service
from promptcraft.auth.identity import login_required, require_user
from promptcraft.errors import AppError
from promptcraft.forms import empty_form, load_form
from promptcraft.htmx import hx_redirect, render_page

bp = Blueprint("askme_pages", __name__)

WIZARD = "askme/wizard.html"
SESSION = "askme/session.html"


@bp.route("/askme", endpoint="wizard")
@login_required
def wizard():
    """Start a session from a goal, or resume an unfinished one."""
    return _wizard_page(empty_form())


def _wizard_page(form):
    user = require_user()
    return render_page(WIZARD, "start", form=form, unfinished=service.list_sessions(user, "open", 1, 10).results,
                       finished=service.list_sessions(user, "finished", 1, 5).results)


@bp.route("/askme", methods=["POST"])
@login_required
def start():
    """Plan the questions for the goal and open the session's page."""
    form = load_form(schemas.AskMeStartSchema())
    if not form.ok:
        return _wizard_page(form)
    session = service.start(require_user(), form.data["goal"], form.data["context"], form.data.get("task_type"))
    return hx_redirect(url_for("askme_pages.session", session_id=session.id))


def _session_page(session, edit: str | None = None, error: str | None = None):
    asking = next((q for q in session.questions if q["id"] == edit), None) or session.current_question
    position = [q["id"] for q in session.questions].index(asking["id"]) if asking else len(session.questions)
    previous = session.questions[position - 1] if position > 0 else None
    return render_page(SESSION, "wizard", session=session, asking=asking, position=position, previous=previous,
                       error=error)


@bp.route("/askme/<uuid:session_id>")
@login_required
def session(session_id: uuid.UUID):
    """The session: the question being asked (or `?edit=` an earlier one), the answers so far, the result."""
    return _session_page(service.get_session(require_user(), session_id), request.args.get("edit"))


@bp.route("/askme/<uuid:session_id>/answer", methods=["POST"])
@login_required
def answer(session_id: uuid.UUID):
    """Record an answer (a typed one wins over a picked option), then show the next question."""
    user = require_user()
    text = (request.form.get("answer") or "").strip() or (request.form.get("choice") or "").strip()
    form = load_form(schemas.AskMeAnswerSchema(), prepare=lambda values: {**values, "answer": text,
                                                                       "session_id": str(session_id)})
    if not form.ok:
        return _session_page(service.get_session(user, session_id), request.form.get("question_id"),
                             "; ".join(m for messages in form.errors.values() for m in messages))
    try:
        current, _ = service.answer(user, session_id, form.data["question_id"], form.data["answer"])
    except AppError as error:
        return _session_page(service.get_session(user, session_id), None, error.message)
    return _session_page(current)


@bp.route("/askme/<uuid:session_id>/finalize", methods=["POST"])
@login_required
def finalize(session_id: uuid.UUID):
    """Compose, score and save the prompt; the page shows it with its score."""
    return _session_page(service.finalize(require_user(), session_id))


@bp.route("/askme/<uuid:session_id>/save", methods=["POST"])
@login_required
def save(session_id: uuid.UUID):
    """Keep the final prompt in your saved prompts."""
    user = require_user()
    saved = service.save_to_library(user, session_id)
    return render_page(SESSION, "saved", saved=saved, session=service.get_session(user, session_id))


@bp.route("/askme/<uuid:session_id>/delete", methods=["POST"])
@login_required
def delete(session_id: uuid.UUID):
    """Delete a session and go back to the start."""
    service.delete_session(require_user(), session_id)
    return hx_redirect(url_for("askme_pages.wizard"))
