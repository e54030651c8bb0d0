"""Finding reusable prompts in a conversation and proposing them as templates.

A user message is proposed when it reads like a prompt worth keeping: long enough, with a task
and some structure (role, constraints, output format, examples), scored by the assessment
rubric. Placeholders it already has — `{{x}}`, `[x]`, `<x>`, `{x}` — become `{{variables}}`.
Duplicates are skipped: the same text already proposed to this user, or a library template the
user can see that says nearly the same thing.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.chat.models import ChatMessage, ExtractedTemplate
from promptcraft.extensions import db
from promptcraft.orchestrator.assessment import assess
from promptcraft.prompt_templates import discovery
from promptcraft.prompt_templates.variables import placeholders

MIN_WORDS = 12
MIN_SCORE = 4.5  # overall rubric score (0-10) a prompt needs to be worth keeping
NEAR_DUPLICATE = 0.88  # text similarity above which a library template already covers it
ROLE_SENTENCE = re.compile(r"^(you are|act as|imagine you are|as an?)\b", re.I)
PLACEHOLDER_FORMS = [
    re.compile(r"\[([A-Za-z][A-Za-z0-9 _-]{1,40})\]"),
    re.compile(r"<([A-Za-z][A-Za-z0-9 _-]{1,40})>"),
    re.compile(r"(?<!\{)\{([A-Za-z][A-Za-z0-9 _-]{1,40})\}(?!\})"),
]


@dataclass
class Candidate:
    title: str
    content: str
    variables: list[dict[str, Any]]
    category: str | None
    score: float
    fingerprint: str


def to_variables(text: str) -> str:
    """Rewrite informal placeholders as `{{snake_case}}` variables."""
    for pattern in PLACEHOLDER_FORMS:
        text = pattern.sub(lambda m: "{{" + re.sub(r"[^a-z0-9]+", "_", m.group(1).lower()).strip("_") + "}}", text)
    return text


def fingerprint(text: str) -> str:
    normal = re.sub(r"\s+", " ", re.sub(r"\{\{\w+\}\}", "{{}}", text.lower())).strip()
    return hashlib.sha256(normal.encode()).hexdigest()


def title_for(text: str) -> str:
    """A short title: the first sentence that states a task (a role statement is not one)."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text.strip()) if s.strip()]
    first = next((s for s in sentences if not ROLE_SENTENCE.match(s)), sentences[0] if sentences else "")
    first = re.sub(r"^(please|can you|could you|i want you to|i need you to)\s+", "", first, flags=re.I)
    title = re.sub(r"\{\{(\w+)\}\}", r"\1", first)[:80].rstrip(" ,;:.")
    return (title[0].upper() + title[1:]) if title else "Prompt from a chat"


def candidate(text: str) -> Candidate | None:
    result = assess(text)
    found = result.signals
    structured = sum([found.role, found.constraints > 0, found.format > 0, found.examples])
    if found.words < MIN_WORDS or not found.task or structured < 1 or result.overall < MIN_SCORE:
        return None
    content = to_variables(text.strip())
    names = placeholders(content)
    score = round(result.overall + (1.0 if names else 0.0), 1)
    intent = discovery.detect_intent(content, None, recommend=0)
    return Candidate(title_for(text), content, [{"name": n, "description": "", "default": None, "required": True}
                                                for n in names], intent["category"], score, fingerprint(content))


def _covered_by_library(user: User, content: str) -> bool:
    from promptcraft.prompt_templates.search import keywords

    query = keywords(content, limit=8)
    if query is None:
        return False
    near = discovery.top(query, discovery.Filters(), user, 5)
    return any(difflib.SequenceMatcher(None, content.lower(), t.content.lower()).ratio() >= NEAR_DUPLICATE
               for t in near)


def propose(user_id: uuid.UUID, message: ChatMessage) -> ExtractedTemplate | None:
    """Propose the message as a template if it is reusable and new (flushed, not committed); the
    user is only loaded for a message worth proposing (most turns are not)."""
    found = candidate(message.content)
    if found is None:
        return None
    user = db.session.get(User, user_id)
    exists = db.session.scalar(sa.select(ExtractedTemplate.id).where(
        ExtractedTemplate.user_id == user.id, ExtractedTemplate.fingerprint == found.fingerprint))
    if exists or _covered_by_library(user, found.content):
        return None
    proposal = ExtractedTemplate(user_id=user.id, session_id=message.session_id, message_id=message.id,
                                 title=found.title, content=found.content, variables=found.variables,
                                 category=found.category, tags=[found.category] if found.category else [],
                                 score=found.score, fingerprint=found.fingerprint,
                                 description="Found in a chat conversation.")
    db.session.add(proposal)
    db.session.flush()
    return proposal
