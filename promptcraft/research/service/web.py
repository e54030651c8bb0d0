"""Web search through Tavily's Search API (POST {TAVILY_BASE_URL}/search), when a key is set."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from flask import current_app

log = logging.getLogger("promptcraft.research")


class WebSearchError(Exception):
    """Tavily could not answer (not configured, unreachable, slow, refused, or nonsense)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class WebResult:
    title: str
    url: str
    content: str
    score: float


def configured() -> bool:
    return bool(current_app.config.get("TAVILY_API_KEY"))


def search(query: str, *, max_results: int, depth: str = "basic") -> list[WebResult]:
    """Tavily's results for `query`, best first. Raises WebSearchError on any failure."""
    config = current_app.config
    if not config.get("TAVILY_API_KEY"):
        raise WebSearchError("not_configured", "Web search is not configured.")
    url = config["TAVILY_BASE_URL"].rstrip("/") + "/search"
    body = {"query": query[:400], "search_depth": depth, "topic": "general", "max_results": max_results,
            "include_answer": False, "include_raw_content": False, "include_images": False}
    try:
        response = requests.post(url, json=body, timeout=(config["TAVILY_CONNECT_TIMEOUT_SECONDS"],
                                                          config["TAVILY_TIMEOUT_SECONDS"]),
                                 headers={"Authorization": f"Bearer {config['TAVILY_API_KEY']}"})
    except requests.Timeout:
        raise WebSearchError("timeout", "Tavily did not answer in time.") from None
    except requests.RequestException as error:
        raise WebSearchError("unreachable", f"Tavily could not be reached ({type(error).__name__}).") from None
    if response.status_code != 200:
        raise WebSearchError(f"http_{response.status_code}", _error_text(response))
    try:
        results = response.json()["results"]
        return [WebResult(str(r.get("title") or r["url"]), str(r["url"]), str(r.get("content") or ""),
                          float(r.get("score") or 0.0)) for r in results[:max_results]]
    except (ValueError, KeyError, TypeError):
        raise WebSearchError("bad_response", "Tavily's answer was not in the expected format.") from None


def _error_text(response: requests.Response) -> str:
    """Tavily's errors are `{"detail": {"error": "..."}}`; say what it said, briefly."""
    try:
        detail: Any = response.json().get("detail")
        text = detail.get("error") if isinstance(detail, dict) else detail
    except (ValueError, AttributeError):
        text = None
    return f"Tavily answered {response.status_code}" + (f": {str(text)[:200]}" if text else ".")
