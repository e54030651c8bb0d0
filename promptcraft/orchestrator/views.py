"""Pages: the optimizer and assessor, and the assistants."""
from __future__ import annotations

import uuid

from flask import Blueprint, request, url_for

from promptcraft.auth.identity import current_user, login_required, require_user
from promptcraft.htmx import hx_redirect, render_page
from promptcraft.orchestrator import assistants, optimizer, service
from promptcraft.orchestrator.schemas import AssistantRunSchema, OptimizeSchema, PromptSchema

bp = Blueprint("orchestrator_pages", __name__)
assistant_bp = Blueprint("assistant_pages", __name__)


@bp.route("/optimizer", endpoint="optimizer")
def optimizer_page():
    """Paste a prompt: assess it, or optimise it with the library's help."""
    return render_page("orchestrator/optimizer.html", prompt=request.args.get("prompt", ""))


@bp.route("/optimizer/assess", methods=["POST"])
def assess():
    """Scores per criterion and suggestions, as a fragment."""
    data = PromptSchema().load({"prompt": request.form.get("prompt", "")})
    return render_page("orchestrator/_assessment.html", report=service.assessment(current_user(), data["prompt"]))


@bp.route("/optimizer/optimize", methods=["POST"])
@login_required
def optimize():
    """The rewrite with before/after scores, the diff and the sources, as a fragment."""
    data = OptimizeSchema().load({"prompt": request.form.get("prompt", ""), "goal": request.form.get("goal", "")})
    return render_page("orchestrator/_optimized.html", result=optimizer.optimize(require_user(), data["prompt"],
                                                                                 data["goal"]))



@assistant_bp.route("/assistants", endpoint="assistants")
@login_required
def assistants_page():
    """Pick an assistant and talk to it; earlier threads on the side."""
    user = require_user()
    return render_page("orchestrator/assistants.html", registry=assistants.registry(), thread=None,
                       threads=assistants.threads(user, 1, 30).results, selected=request.args.get("assistant"))


@assistant_bp.route("/assistants/<uuid:thread_id>")
@login_required
def thread_page(thread_id: uuid.UUID):
    """One thread with every step, tool calls included."""
    user = require_user()
    thread = assistants.get_thread(user, thread_id)
    return render_page("orchestrator/assistants.html", registry=assistants.registry(), thread=thread,
                       threads=assistants.threads(user, 1, 30).results, selected=thread.assistant_id)


@assistant_bp.route("/assistants/run", methods=["POST"])
@login_required
def run():
    """Run the assistant; a new thread opens its page, an existing one gets the new steps."""
    raw = {"assistant_id": request.form.get("assistant_id", ""), "message": request.form.get("message", "")}
    if request.form.get("thread_id"):
        raw["thread_id"] = request.form["thread_id"]
    data = AssistantRunSchema().load(raw)
    thread = assistants.run(require_user(), data["assistant_id"], data["message"], data.get("thread_id"))
    if "thread_id" not in raw:
        return hx_redirect(url_for("assistant_pages.thread_page", thread_id=thread.id))
    return render_page("orchestrator/assistants.html", "steps", thread=thread, registry=assistants.registry(),
                       threads=[], selected=thread.assistant_id)

