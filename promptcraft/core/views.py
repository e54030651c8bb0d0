"""Dashboard and the staff performance page."""
from __future__ import annotations

from flask import Blueprint, current_app

from promptcraft.auth import service as accounts
from promptcraft.auth.identity import current_user, staff_required
from promptcraft.core import service
from promptcraft.htmx import render_page

bp = Blueprint("core_pages", __name__)


@bp.route("/")
def dashboard():
    """Home: the caller's figures when signed in, and the system's health."""
    user = current_user()
    stats = accounts.user_stats(user) if user else None
    return render_page("core/dashboard.html", stats=stats, health=service.health())


@bp.route("/performance")
@staff_required
def performance():
    """Staff: the last requests and p95 per endpoint; the table refreshes itself."""
    window = current_app.extensions["perf_window"]
    return render_page("core/performance.html", "tables", recent=window.recent(50), endpoints=window.endpoints())
