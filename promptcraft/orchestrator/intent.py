"""Intent: the category and the kind of task a request is, learned from the library itself.

The category is a nearest-neighbour vote over the search index (see detect_intent). The task
type comes from the request's own leading verbs, and where they say nothing, from the same
neighbours: each library template's task type is read from its wording the same way.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.auth.models import User
from promptcraft.orchestrator.structured import ask_json
from promptcraft.prompt_templates.discovery import detect_intent

TASK_VERBS = {
    "write": ["write", "draft", "compose", "create", "generate", "produce", "craft"],
    "summarize": ["summarize", "summarise", "condense", "tldr", "recap", "digest"],
    "analyze": ["analyze", "analyse", "evaluate", "assess", "audit", "critique", "review", "compare", "diagnose"],
    "explain": ["explain", "teach", "describe", "clarify", "define", "tutor", "why"],
    "translate": ["translate", "localize", "localise"],
    "code": ["code", "debug", "refactor", "implement", "program", "function", "script", "sql", "test"],
    "brainstorm": ["brainstorm", "ideas", "suggest", "list", "ideate", "names", "recommend"],
    "extract": ["extract", "classify", "categorize", "tag", "parse", "label", "identify"],
    "plan": ["plan", "schedule", "outline", "roadmap", "itinerary", "organize", "organise"],
    "roleplay": ["act", "pretend", "roleplay", "role-play", "simulate", "game"],
    "rewrite": ["rewrite", "improve", "edit", "proofread", "polish", "paraphrase", "shorten"],
    "image": ["image", "photo", "illustration", "render", "midjourney", "dall-e", "portrait"],
}
VERB_TO_TASK = {verb: task for task, verbs in TASK_VERBS.items() for verb in verbs}
WORD = re.compile(r"[a-z][a-z'-]+")


def task_from_words(text: str, window: int = 24) -> str | None:
    """The task the first words of a text ask for (the earliest verb we know wins)."""
    for word in WORD.findall(text.lower())[:window]:
        if word in VERB_TO_TASK:
            return VERB_TO_TASK[word]
    return None


class IntentAnswerSchema(ma.Schema):
    category = fields.String(required=True)
    task_type = fields.String(required=True, validate=validate.OneOf(list(TASK_VERBS)))
    confidence = fields.Float(required=True, validate=validate.Range(min=0, max=1))


def classify(text: str, user: User | None, *, use_model: bool = True) -> dict[str, Any]:
    found = detect_intent(text, user)
    own_task = task_from_words(text)
    neighbour_tasks = Counter(t for t in (task_from_words(f"{tpl.title} {tpl.content}", 40)
                                          for tpl in found["templates"]) if t)
    task = own_task or (neighbour_tasks.most_common(1)[0][0] if neighbour_tasks else "write")
    task_confidence = 0.9 if own_task else round(neighbour_tasks[task] / max(sum(neighbour_tasks.values()), 1), 3)
    result = {"category": found["category"], "category_name": found.get("category_name"),
              "confidence": found["confidence"], "task_type": task, "task_confidence": task_confidence,
              "candidates": found["candidates"], "templates": found["templates"], "method": "library"}
    if use_model and user is not None:
        allowed = {c["category"] for c in found["candidates"]} | ({found["category"]} if found["category"] else set())
        answer = ask_json(user, "Classify a request for a prompt library. Categories to choose from: "
                          + ", ".join(sorted(allowed) or ["general"]) + ". Task types: " + ", ".join(TASK_VERBS)
                          + ". Return {\"category\", \"task_type\", \"confidence\"}.", text, IntentAnswerSchema(),
                          kind="intent")
        if answer and (answer["category"] in allowed or not allowed):
            # The model decides between the library's own candidates; the vote remains as evidence.
            result.update(category=answer["category"], task_type=answer["task_type"],
                          confidence=round((answer["confidence"] + found["confidence"]) / 2, 3), method="model")
    return result
