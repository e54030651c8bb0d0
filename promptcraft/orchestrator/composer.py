"""Composing prompts: role, context, task, constraints, output format, example.

Used by the offline engine's rewrites, the optimizer and AskMe's final prompt. Missing pieces
become `{{variables}}` the writer fills in, so the result is a reusable template, not a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from promptcraft.orchestrator.assessment import Signals, signals

ROLES = {
    "image-generation": "an expert prompt artist for image generators", "music": "a seasoned songwriter and producer",
    "security": "a senior security engineer", "devops": "a senior DevOps and cloud engineer",
    "data-analysis": "an experienced data analyst", "coding": "a senior software engineer",
    "design": "an experienced product designer", "ai-prompting": "an expert prompt engineer",
    "science-math": "a patient science and maths tutor", "research": "a meticulous research assistant",
    "education": "an experienced teacher", "writing": "a professional editor",
    "creative-writing": "an award-winning fiction writer", "marketing": "a senior marketing strategist",
    "business": "a pragmatic business consultant", "finance": "a careful financial analyst",
    "legal": "a legal analyst (not a substitute for a lawyer)", "health": "a health educator (not a doctor)",
    "career": "an experienced career coach", "productivity": "a productivity coach",
    "personal-development": "a thoughtful personal coach", "lifestyle": "a knowledgeable lifestyle guide",
    "language": "a professional translator and language teacher", "communication": "a skilled business writer",
    "documentation": "a senior technical writer", "product-management": "an experienced product manager",
    "summarization": "an expert at concise, faithful summaries", "analysis": "a rigorous critical thinker",
    "games": "a creative game master", "roleplay": "an immersive role-play partner",
    "general": "a knowledgeable, careful assistant",
}
# How sure the library's nearest-template vote must be (see detect_intent) before a template lends
# its role, or its category a role: a weak match would mislead.
CONFIDENT = 0.45
PLAUSIBLE = 0.3
ROLE_IN_TEXT = re.compile(r"\b(?:act as|you are|imagine you are|pretend to be)\s+(an?\s+[^.,;:\n]{3,70})", re.I)


@dataclass
class Draft:
    task: str
    role: str | None = None
    context: str | None = None
    audience: str | None = None
    tone: str | None = None
    constraints: list[str] = field(default_factory=list)
    output_format: str | None = None
    example: str | None = None


def role_from(text: str | None) -> str | None:
    match = ROLE_IN_TEXT.search(text or "")
    return match.group(1).strip().rstrip(".") if match else None


def render(draft: Draft) -> str:
    parts = []
    if draft.role:
        parts.append(f"You are {draft.role}.")
    if draft.context or draft.audience:
        lines = [draft.context] if draft.context else []
        if draft.audience:
            lines.append(f"The audience is {draft.audience}.")
        parts.append("Context: " + " ".join(lines))
    parts.append(f"Task: {draft.task.strip()}")
    rules = list(draft.constraints)
    if draft.tone:
        rules.append(f"Use a {draft.tone} tone.")
    if rules:
        parts.append("Constraints:\n" + "\n".join(f"- {rule}" for rule in rules))
    if draft.output_format:
        parts.append(f"Output format: {draft.output_format}")
    if draft.example:
        parts.append(f"Example of what I want:\n{draft.example}")
    return "\n\n".join(parts)


def improve(prompt: str, *, category: str | None = None, template_text: str | None = None,
            template_title: str | None = None) -> tuple[str, list[str]]:
    """A stronger version of `prompt` and the reasons for each change.

    The writer's own words stay the task; what the rubric found missing is added, from the
    best-matching library template where it has it (its role), else as a variable to fill in.
    """
    found: Signals = signals(prompt)
    reasons: list[str] = []
    draft = Draft(task=prompt.strip())
    if not found.role:
        draft.role = role_from(template_text) or ROLES.get(category or "", ROLES["general"])
        source = f"the library template “{template_title}”" if role_from(template_text) else "the request's category"
        reasons.append(f"Added a role (“{draft.role}”) from {source}: a role sets expertise and vocabulary.")
    if found.context == 0:
        draft.context = "{{background}}"
        reasons.append("Added a place for background ({{background}}): why you need this changes the answer.")
    if not found.audience:
        draft.audience = "{{audience}}"
        reasons.append("Added the audience ({{audience}}): the same content is written differently for each reader.")
    if found.constraints == 0:
        draft.constraints = ["Keep it under {{length}}.", "Say so when you are unsure instead of guessing."]
        reasons.append("Added limits (length, honesty about uncertainty) so the answer stays focused.")
    if not found.tone:
        draft.tone = "{{tone}}"
        reasons.append("Added a tone ({{tone}}) so the style matches where it will be used.")
    if found.format == 0:
        draft.output_format = "{{output_format}} (for example: a bulleted list, a table, or three short paragraphs)"
        reasons.append("Named the output format: without one, models pick a shape you then have to fix.")
    if found.vague:
        words = ", ".join(f"“{w}”" for w in found.vague[:4])
        reasons.append(f"Kept your wording, but {words} are vague: replace them with specifics.")
    return render(draft), reasons
