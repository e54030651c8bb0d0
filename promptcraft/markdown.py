"""Markdown from models and users, rendered safely: no raw HTML in, an allow-list of tags out."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4",
                "h5", "h6", "hr", "a", "table", "thead", "tbody", "tr", "th", "td", "del"}


def render(text: str) -> Markup:
    html = _renderer.render(text or "")
    # nh3 drops anything outside the allow-list (scripts, event handlers, javascript: links).
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "code": {"class"}},
                            link_rel="noopener noreferrer nofollow", url_schemes={"http", "https", "mailto"}))
