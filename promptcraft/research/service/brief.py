"""The brief: written by a model when one is connected (and it cites only real sources), else
composed offline from the sources' own sentences, every statement cited as `[n]`."""
from __future__ import annotations

import logging
import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.auth.models import User
from promptcraft.errors import AppError
from promptcraft.orchestrator.retrieval import SENTENCE, _overlap, _terms
from promptcraft.orchestrator.structured import ask_json

log = logging.getLogger("promptcraft.research")
CITATION = re.compile(r"\[(\d{1,3})\]")
SECTIONS = (("template", "From the library"), ("saved_prompt", "From your saved prompts"),
            ("history", "From your history"), ("web", "From the web"))
PER_SOURCE = 2  # summary sentences taken from any one source, so one long source does not fill it


class BriefSchema(ma.Schema):
    brief = fields.String(required=True, validate=validate.Length(min=20, max=20_000))
    citations = fields.List(fields.Integer(), required=True)


def cited(text: str) -> set[int]:
    return {int(n) for n in CITATION.findall(text)}


def write(user: User, topic: str, sources: list[dict[str, Any]], points: int) -> tuple[str, str, str | None]:
    """(brief in Markdown, "model" or "local", a note when the model was wanted but not used)."""
    if not sources:
        return nothing_found(topic), "local", None
    note = None
    try:
        answer = _ask_model(user, topic, sources)
    except AppError as error:  # out of allowance: the offline brief still serves the user
        answer, note = None, f"The model was not used ({error.message}); the brief is composed offline."
    numbers = {s["n"] for s in sources}
    if answer and cited(answer["brief"]) and cited(answer["brief"]) <= numbers:
        return answer["brief"].strip() + "\n\n" + _source_list(sources), "model", note
    return local(topic, sources, points), "local", note


def _ask_model(user: User, topic: str, sources: list[dict[str, Any]]) -> dict[str, Any] | None:
    listing = "\n\n".join(f"[{s['n']}] {s['title']} ({s['kind']}{', ' + s['url'] if s['url'] else ''})\n"
                          f"{s['text'][:1500]}" for s in sources)
    return ask_json(user, "You write research briefs for people who write prompts for language models. "
                    "Use only the numbered sources. Write Markdown: a short summary, key findings as bullet "
                    "points, and open questions. Cite every statement inline as [n] with the source numbers; "
                    "list the numbers you cited in `citations`. Put the brief in `brief`.",
                    f"Topic: {topic}\n\nSources:\n{listing}", BriefSchema(), kind="research")


def local(topic: str, sources: list[dict[str, Any]], points: int) -> str:
    """Offline brief: the sentences closest to the topic, each cited, then what each kind of
    source offers, the topic's words no source mentions, and the source list."""
    terms = _terms(topic)
    candidates = []
    for source in sources:
        for sentence in SENTENCE.split(source["text"]):
            sentence = sentence.strip(" -*#\t")
            if 5 <= len(sentence.split()) <= 60:
                candidates.append((_overlap(terms, sentence) + 0.2 * source["score"], sentence, source["n"]))
    candidates.sort(key=lambda item: -item[0])
    summary, taken, seen = [], {}, set()
    for score, sentence, n in candidates:
        if score <= 0 or sentence.lower() in seen or taken.get(n, 0) >= PER_SOURCE:
            continue
        summary.append(f"- {sentence} [{n}]")
        seen.add(sentence.lower())
        taken[n] = taken.get(n, 0) + 1
        if len(summary) == points:
            break
    best = {}
    for _score, sentence, n in candidates:
        best.setdefault(n, sentence)
    lines = [f"# Research brief: {topic}", "", "## Summary"]
    lines += summary or [f"- The closest material is “{s['title']}” [{s['n']}]." for s in sources[:points]]
    for kind, heading in SECTIONS:
        group = [s for s in sources if s["kind"] == kind]
        if group:
            lines += ["", f"## {heading}"]
            lines += [f"- **{s['title']}** [{s['n']}]: {_excerpt(best.get(s['n']) or s['snippet'])}" for s in group]
    found = set().union(*(_terms(f"{s['title']} {s['text']}") for s in sources))
    missing = sorted(terms - found)
    lines += ["", "## Gaps"]
    lines.append(f"No source mentions: {', '.join(missing)}." if missing else
                 "Every keyword of the topic appears in at least one source.")
    if not any(s["kind"] == "web" for s in sources):
        lines.append("No web sources were used: this brief draws on the library and your own prompts only.")
    return "\n".join(lines) + "\n\n" + _source_list(sources)


def _excerpt(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _source_list(sources: list[dict[str, Any]]) -> str:
    lines = ["## Sources"]
    for s in sources:
        title = f"[{s['title']}]({s['url']})" if s["url"] else s["title"]
        lines.append(f"{s['n']}. {title} — {s['kind'].replace('_', ' ')}")
    return "\n".join(lines)


def nothing_found(topic: str) -> str:
    return (f"# Research brief: {topic}\n\nNothing in the library, your saved prompts or your history matches "
            "this topic, and no web results were available. Try broader words, or save prompts on the topic "
            "first.")
