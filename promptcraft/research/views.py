"""Research pages: the caller's jobs with the form to start one, and a job's page where the
progress bar follows the job over SSE and the brief with its sources appears when it is done."""
from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, flash, request, url_for

from promptcraft import sse
from promptcraft.auth.identity import login_required, require_user
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.forms import FormResult, empty_form, load_form
from promptcraft.htmx import hx_redirect, render_page
from promptcraft.research import schemas, service
from promptcraft.research.api import frames
from promptcraft.research.models import DEPTHS

bp = Blueprint("research_pages", __name__)


def _jobs_page(form: FormResult, status: int = 200):
    user = require_user()
    args = schemas.ResearchJobQuerySchema().load({k: v for k, v in request.args.items() if v != ""}, unknown=ma.EXCLUDE)
    page = service.list_jobs(user, **args)
    return render_page("research/jobs.html", page=page, form=form, depths=DEPTHS,
                       allowance=service.allowance(user)), status


@bp.route("/research")
@login_required
def jobs():
    """The caller's research jobs, newest first, and the form to start one."""
    return _jobs_page(empty_form(depth="standard"))


@bp.route("/research", methods=["POST"])
@login_required
def create():
    """Start a job from the form and go to its page, where its progress shows live."""
    form = load_form(schemas.ResearchJobFormSchema())
    if form.ok:
        try:
            job = service.create_job(require_user(), form.data)
        except AppError as error:
            form.fail(error)
        else:
            flash(f"Researching “{job.topic}”.", "success")
            return hx_redirect(url_for("research_pages.job", job_id=job.id))
    return _jobs_page(form)


@bp.route("/research/<id:job_id>")
@login_required
def job(job_id: int):
    """A job: live progress while it runs; the brief and its sources when done; the reason if it failed."""
    found = service.get_job(require_user(), job_id)
    last = found.events[-1].id if found.events else 0
    return render_page("research/job.html", "job", job=found, last_event_id=last)


@bp.route("/research/<id:job_id>/stream")
@login_required
def stream(job_id: int):
    """The job page's progress stream: the API's events, ending with `done` whatever the outcome."""
    found = service.get_job(require_user(), job_id)
    after = sse.resume_after(request.args.get("last_event_id", type=int))
    db.session.remove()  # no session is held while the stream is open
    return sse.response(frames(found.id, after, final="done"))
