"""Scoring a model's output against the prompt that asked for it, criterion by criterion.

Offline, each criterion is measured from the texts: relevance (words the prompt asked about that
the output covers), format (the shape the prompt named: list, table, JSON, word limit…),
completeness (the number of items asked for), clarity (sentence length, structure). With a
model, a judge's scores are averaged in.
"""
from __future__ import annotations

import json
import re
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.auth.models import User
from promptcraft.orchestrator.structured import ask_json
from promptcraft.prompt_templates.search.query import STOPWORDS, words

DEFAULT_CRITERIA = ["relevance", "format", "completeness", "clarity"]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10}
COUNT = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(bullet|item|point|idea|question|"
                   r"tip|step|example|sentence|paragraph|name|subject line|option)s?\b", re.I)
WORD_LIMIT = re.compile(r"\b(?:under|at most|no more than|max(?:imum)?|less than)\s+(\d+)\s+words\b", re.I)


# Words that say how to answer, not what about: they cannot show relevance.
INSTRUCTIONS = {"list", "tips", "words", "bullet", "bullets", "three", "five", "under", "write", "give", "short",
                "brief", "format", "table", "json", "sentences", "paragraph", "paragraphs", "points", "steps"}


def _terms(text: str) -> set[str]:
    """Content words, cut to five letters so "sleeping" meets "sleep"."""
    return {w[:5] for w in words(text) if w not in STOPWORDS and w not in INSTRUCTIONS and len(w) > 3}


def _items(output: str) -> int:
    return len(re.findall(r"^\s*(?:[-*•]|\d+[.)])\s+", output, re.M))


def relevance(prompt: str, output: str) -> tuple[float, str]:
    asked, said = _terms(prompt), _terms(output)
    if not asked:
        return 5.0, "The prompt names no subject to check against."
    covered = len(asked & said) / len(asked)
    return round(min(10.0, 2 + 10 * covered), 1), f"The output mentions {covered:.0%} of the prompt's key words."


def format_fit(prompt: str, output: str) -> tuple[float, str]:
    lowered = prompt.lower()
    checks = []
    if "json" in lowered:
        try:
            json.loads(output.strip().strip("`").removeprefix("json"))
            checks.append((True, "valid JSON"))
        except ValueError:
            checks.append((False, "JSON was asked for but the output does not parse"))
    if "table" in lowered:
        checks.append(("|" in output and "---" in output, "a Markdown table"))
    if re.search(r"bullet|list", lowered):
        checks.append((_items(output) > 0, "a list"))
    if limit := WORD_LIMIT.search(prompt):
        allowed, actual = int(limit.group(1)), len(output.split())
        checks.append((actual <= allowed, f"{actual} words against a limit of {allowed}"))
    if not checks:
        return 7.0, "The prompt asks for no particular format."
    met = [label for ok, label in checks if ok]
    missed = [label for ok, label in checks if not ok]
    score = 10 * len(met) / len(checks)
    reason = ("Meets: " + ", ".join(met) + ". " if met else "") + ("Misses: " + ", ".join(missed) + "." if missed
                                                                  else "")
    return round(score, 1), reason.strip()


def completeness(prompt: str, output: str) -> tuple[float, str]:
    match = COUNT.search(prompt)
    if not match:
        length = len(output.split())
        return (8.0 if length >= 20 else 4.0), f"No count was asked for; the output has {length} words."
    wanted = int(match.group(1)) if match.group(1).isdigit() else NUMBER_WORDS[match.group(1).lower()]
    found = _items(output) or len([s for s in re.split(r"(?<=[.!?])\s+", output) if s.strip()])
    score = 10.0 if found == wanted else max(0.0, 10 - 3 * abs(found - wanted))
    return round(score, 1), f"{wanted} {match.group(2)}s asked for, {found} found."


def clarity(prompt: str, output: str) -> tuple[float, str]:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", output) if s.strip()]
    if not sentences:
        return 0.0, "The output is empty."
    average = sum(len(s.split()) for s in sentences) / len(sentences)
    score = 10 - max(0.0, (average - 22) / 3)
    return round(max(2.0, min(10.0, score)), 1), f"Sentences average {average:.0f} words."


MEASURES = {"relevance": relevance, "format": format_fit, "completeness": completeness, "clarity": clarity}


class JudgeSchema(ma.Schema):
    scores = fields.Dict(keys=fields.String(), values=fields.Float(validate=validate.Range(min=0, max=10)),
                         required=True)
    reasons = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


def evaluate(user: User, prompt: str, output: str, criteria: list[str] | None = None) -> dict[str, Any]:
    names = criteria or DEFAULT_CRITERIA
    results = {}
    for name in names:
        measure = MEASURES.get(name)
        score, reason = measure(prompt, output) if measure else (None, "Judged by the model only.")
        results[name] = {"score": score, "reason": reason, "method": "local" if measure else None}
    judge = ask_json(user, "You grade a model's output against the prompt that produced it, 0-10 per criterion: "
                     + ", ".join(names) + ". Return {\"scores\": {...}, \"reasons\": {...}}.",
                     f"Prompt:\n{prompt}\n\nOutput:\n{output}", JudgeSchema(), kind="evaluate")
    for name in names:
        if judge and name in judge["scores"]:
            local, judged = results[name]["score"], judge["scores"][name]
            results[name]["score"] = round(judged if local is None else (local + judged) / 2, 1)
            results[name]["reason"] += f" Model: {judge['reasons'].get(name, '')}".rstrip()
            results[name]["method"] = "model" if local is None else "local+model"
    unscored = [n for n in names if results[n]["score"] is None]
    for name in unscored:  # a criterion we cannot measure offline and no model judged
        results[name].update(score=None, reason="No offline measure for this criterion and no model is connected.")
    known = [r["score"] for r in results.values() if r["score"] is not None]
    return {"overall": round(sum(known) / len(known), 1) if known else None, "criteria": results}
