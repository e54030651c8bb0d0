"""One search service for the library: full-text ranking today, more rankers fused later.

Callers build a `TermQuery` from user text (`parse`, or `keywords` for "more like this") and ask
`search_service().search(...)` for ranked ids, and `highlighted(...)` for those templates with
marked-up titles and snippets.
"""
from promptcraft.prompt_templates.search.query import TermQuery, keywords, parse
from promptcraft.prompt_templates.search.service import Hit, SearchService, search_service

__all__ = ["Hit", "SearchService", "TermQuery", "keywords", "parse", "search_service"]
