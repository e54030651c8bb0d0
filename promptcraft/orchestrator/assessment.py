"""A deterministic rubric for prompts: what a strong prompt has, scored, with suggestions.

Criteria (0-10 each): clarity, specificity, context, structure (role, task, constraints, output
format, examples), constraints, output format and length. The overall score is their weighted
mean. Every suggestion names what is missing, so a writer knows what to add.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
ROLE = re.compile(r"\b(act as|acting as|you are (?:an?|the)|imagine you are|as an? (?:expert|experienced|senior|"
                  r"professional)|your role is|take the role|pretend to be|you will be)\b", re.I)
TASK_VERBS = {
    "write", "create", "generate", "draft", "explain", "summarize", "summarise", "analyze", "analyse", "list",
    "translate", "review", "design", "compare", "plan", "build", "describe", "outline", "suggest", "evaluate",
    "rewrite", "improve", "edit", "proofread", "classify", "extract", "convert", "calculate", "recommend",
    "brainstorm", "compose", "develop", "identify", "find", "give", "provide", "help", "teach", "answer",
    "debug", "fix", "optimize", "optimise", "refactor", "test", "critique", "propose", "prepare", "make", "tell",
}
AUDIENCE = re.compile(r"\b(for (?:an?|my|our|the)?\s*\w+|audience|readers?|beginners?|experts?|students?|"
                      r"customers?|clients?|executives?|managers?|developers?|engineers?|children|kids|"
                      r"non-technical|stakeholders|investors|team)\b", re.I)
CONTEXT = re.compile(r"\b(because|background|context|i am|i'm|we are|we're|our (?:company|team|product|goal)|"
                     r"my (?:company|team|goal|project|business)|so that|in order to|the goal|purpose|currently|"
                     r"situation|given that)\b", re.I)
CONSTRAINT = re.compile(r"\b(must|should|avoid|do not|don't|never|only|no more than|at most|at least|under \d+|"
                        r"limit|exactly|maximum|minimum|within|without|keep it|make sure|ensure|required?|"
                        r"no (?!one\b)[a-z]+|\d+[- ]words?|one call to action)\b", re.I)
FORMAT = re.compile(r"\b(format|bullet(?:ed)? (?:points?|list)|bullets|numbered list|list of|table|json|markdown|"
                    r"csv|yaml|headings?|sections?|paragraphs?|step[- ]by[- ]step|steps|outline|code block|"
                    r"template|in \d+ (?:sentences|words|bullets|paragraphs)|one sentence|tl;?dr|columns?)\b", re.I)
EXAMPLE = re.compile(r"(for example|e\.g\.|such as|for instance|example:|examples?:|input:|output:|like this:|"
                     r"sample:)", re.I)
TONE = re.compile(r"\b(tone|formal|informal|casual|friendly|professional|playful|concise|persuasive|empathetic|"
                  r"humorous|neutral|enthusiastic|style)\b", re.I)
VAGUE = re.compile(r"\b(something|stuff|things?|good|nice|some|etc|whatever|anything|better|cool|interesting|"
                   r"kind of|sort of|a bit|somehow|various|whatnot)\b", re.I)
NUMBER = re.compile(r"\b\d+\b")
DELIMITER = re.compile(r"(```|\"\"\"|###|---|\n\s*[-*•]\s|\n\s*\d+[.)]\s|\{\{\w+\}\})")

WEIGHTS = {"clarity": 0.2, "specificity": 0.2, "context": 0.15, "structure": 0.15, "constraints": 0.1,
           "output_format": 0.1, "length": 0.1}


@dataclass
class Signals:
    """What the rubric found in a prompt."""

    words: int
    role: bool
    task: bool
    audience: bool
    context: int
    constraints: int
    format: int
    examples: bool
    tone: bool
    vague: list[str]
    numbers: int
    proper_nouns: int
    delimiters: int
    lines: int
    distinct: int


@dataclass
class Assessment:
    overall: float
    scores: dict[str, float]
    suggestions: list[str] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    signals: Signals | None = None

    def as_dict(self) -> dict:
        return {"overall": self.overall, "scores": self.scores, "suggestions": self.suggestions,
                "strengths": self.strengths,
                "detected": {"role": self.signals.role, "task": self.signals.task,
                             "audience": self.signals.audience, "constraints": self.signals.constraints > 0,
                             "output_format": self.signals.format > 0, "examples": self.signals.examples,
                             "tone": self.signals.tone, "words": self.signals.words} if self.signals else {}}


def _first_word(sentence: str) -> str:
    """A sentence's first word, after a label such as "Task:" or "2." that introduces it."""
    tokens = sentence.split()
    if len(tokens) > 1 and (tokens[0].endswith(":") or tokens[0].rstrip(".)").isdigit() or tokens[0] in "-*•"):
        tokens = tokens[1:]
    return tokens[0].lower().strip("\"'(*")


def signals(text: str) -> Signals:
    words = WORD.findall(text)
    lowered = [w.lower() for w in words]
    sentences = re.split(r"(?<=[.!?])\s+|\n+", text.strip())
    starts = {_first_word(s) for s in sentences if s.split()}
    proper = sum(1 for i, w in enumerate(words) if w[0].isupper() and i > 0 and words[i - 1][-1:] not in ".!?"
                 and w.lower() not in {"i", "i'm"})
    return Signals(
        words=len(words),
        role=bool(ROLE.search(text)),
        task=bool(TASK_VERBS & set(lowered[:12])) or bool(TASK_VERBS & starts),
        audience=bool(AUDIENCE.search(text)),
        context=len(CONTEXT.findall(text)),
        constraints=len(CONSTRAINT.findall(text)),
        format=len(FORMAT.findall(text)),
        examples=bool(EXAMPLE.search(text)),
        tone=bool(TONE.search(text)),
        vague=sorted({m.lower() for m in VAGUE.findall(text)}),
        numbers=len(NUMBER.findall(text)),
        proper_nouns=proper,
        delimiters=len(DELIMITER.findall(text)),
        lines=text.count("\n") + 1,
        distinct=len(set(lowered)),
    )


def _clamp(value: float) -> float:
    return round(max(0.0, min(10.0, value)), 1)


def _length_score(words: int) -> float:
    if words < 4:
        return 1.0
    if words < 12:
        return 2.0 + (words - 4) * 0.5
    if words <= 400:
        return min(10.0, 6.0 + (words - 12) / 12)
    return max(5.0, 10.0 - (words - 400) / 150)


def assess(text: str) -> Assessment:
    s = signals(text)
    vague_penalty = min(4.0, 1.2 * len(s.vague) * (30 / max(s.words, 30)) ** 0.5)
    scores = {
        "clarity": _clamp(3.0 + 3.0 * s.task + 1.5 * s.role + min(2.0, s.words / 15) - vague_penalty
                          + 0.5 * (s.delimiters > 0)),
        "specificity": _clamp(1.0 + min(3.0, s.distinct / 12) + min(2.0, s.numbers * 0.8)
                              + min(2.0, s.proper_nouns * 0.5) + 1.5 * s.audience + 0.5 * s.tone - vague_penalty / 2),
        "context": _clamp(1.0 + min(4.5, s.context * 1.5) + 2.5 * s.audience + 1.5 * s.role + min(1.0, s.words / 80)),
        "structure": _clamp(2.0 * s.role + 2.0 * s.task + 2.0 * (s.constraints > 0) + 2.0 * (s.format > 0)
                            + 1.5 * s.examples + min(1.0, s.delimiters * 0.5)),
        "constraints": _clamp(1.0 + min(6.0, s.constraints * 2.0) + min(2.0, s.numbers * 0.7) + 1.0 * s.tone),
        "output_format": _clamp(1.0 + min(7.0, s.format * 3.0) + 1.0 * s.examples + min(1.0, s.delimiters * 0.5)),
        "length": _clamp(_length_score(s.words)),
    }
    overall = round(sum(scores[k] * w for k, w in WEIGHTS.items()), 1)
    return Assessment(overall, scores, _suggestions(s, scores), _strengths(s), s)


def _suggestions(s: Signals, scores: dict[str, float]) -> list[str]:
    tips: list[tuple[float, str]] = []
    if not s.task:
        tips.append((scores["clarity"], "Start with the task as a verb: “Write…”, “Summarise…”, “Compare…”."))
    if s.vague:
        words = ", ".join(f"“{w}”" for w in s.vague[:4])
        tips.append((scores["clarity"] - 1, f"Replace vague words ({words}) with what you actually mean."))
    if not s.role:
        tips.append((scores["structure"], "Give the model a role, e.g. “You are an experienced copywriter.”"))
    if not s.audience:
        tips.append((scores["context"], "Say who the result is for (e.g. “for first-year students”)."))
    if s.context == 0:
        tips.append((scores["context"], "Add the background: why you need this and what it will be used for."))
    if s.constraints == 0:
        tips.append((scores["constraints"], "Set limits: length, what to avoid, what must be included."))
    if s.format == 0:
        tips.append((scores["output_format"], "Name the output format: a bulleted list, a table, JSON, 3 paragraphs…"))
    if not s.examples and s.words > 15:
        tips.append((scores["structure"] + 1, "Show one example of the output you want; models copy examples well."))
    if not s.tone and s.words > 10:
        tips.append((scores["specificity"] + 2, "Choose a tone (formal, friendly, concise) so the style is yours."))
    if s.words < 12:
        tips.append((scores["length"], "Say more: one short line leaves the model to guess everything else."))
    elif s.words > 600:
        tips.append((scores["length"], "Trim: very long prompts bury the task; move reference text under a heading."))
    return [text for _, text in sorted(tips, key=lambda t: t[0])]


def _strengths(s: Signals) -> list[str]:
    found = []
    if s.role:
        found.append("gives the model a role")
    if s.task:
        found.append("states the task")
    if s.audience:
        found.append("names the audience")
    if s.constraints:
        found.append("sets constraints")
    if s.format:
        found.append("specifies the output format")
    if s.examples:
        found.append("includes an example")
    return found
