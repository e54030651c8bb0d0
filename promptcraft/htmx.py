"""Pages and fragments: the helpers every htmx view uses."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, redirect, request, url_for
from flask import render_template as render_full
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page(template_name: str, block: str | None = None, /, **context: Any) -> str:
    """The whole page, or only `block` when htmx asks for a fragment (and not a boosted page)."""
    partial = is_htmx() and not request.headers.get("HX-Boosted") and not request.headers.get(
        "HX-History-Restore-Request")  # a history restore after a cache miss needs the whole page
    if block and partial:
        return render_block(template_name, block, **context)
    return render_full(template_name, **context)


def hx_redirect(location: str) -> Response:
    """Navigate: `HX-Redirect` for htmx requests, a 303 otherwise."""
    if is_htmx():
        response = Response(status=204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def _vary(response: Response) -> Response:
    if not request.path.startswith(("/api/", "/static/", "/v1/")):
        response.vary.add("HX-Request")
    return response


# Main navigation: an entry shows only when the domain that serves it is installed.
NAV = [
    ("Dashboard", "core_pages.dashboard"),
    ("Library", "templates_pages.library"),
    ("AskMe", "askme_pages.wizard"),
    ("Chat", "chat_pages.chat"),
    ("Providers", "chat_pages.providers"),
    ("Optimizer", "orchestrator_pages.optimizer"),
    ("Assistants", "assistant_pages.assistants"),
    ("Research", "research_pages.jobs"),
    ("History", "history_pages.history"),
    ("Achievements", "gamification_pages.achievements"),
    ("Analytics", "analytics_pages.dashboard"),
    ("Plans", "billing_pages.plans"),
]


def _nav_items() -> list[dict[str, str]]:
    views = current_app.view_functions
    return [{"label": label, "url": url_for(endpoint)} for label, endpoint in NAV if endpoint in views]


def _template_globals() -> dict[str, Any]:
    from promptcraft.auth.identity import Identity

    identity: Identity | None = g.get("identity")
    claims = identity.claims if identity else None
    return {
        "me": identity.user if identity else None,
        "csrf_token": (claims or {}).get("csrf", ""),
        "nav_items": _nav_items(),
    }


def init_app(app: Flask) -> None:
    from promptcraft.markdown import render as render_markdown

    app.after_request(_vary)
    app.context_processor(_template_globals)
    app.add_template_filter(render_markdown, "markdown")
