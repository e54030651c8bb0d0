"""The built-in offline engine: no network, no model, honest about both.

For prompt-crafting requests it replies with an assessment of the user's prompt, a stronger
version built with the best-matching library templates, and why each change helps. For other
requests it says plainly that it cannot answer them offline and points to templates that fit.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from promptcraft.ai.providers.base import ProviderStream
from promptcraft.ai.types import ChatRequest, Completion, StreamEvent, Usage
from promptcraft.orchestrator import composer
from promptcraft.orchestrator.assessment import assess

MODEL = "promptcraft-local"
CRAFTING = re.compile(r"\b(prompt|rewrite|improve|optimi[sz]e|better|assess|score|critique|review this|"
                      r"make (?:it|this) (?:clearer|stronger))\b", re.I)
QUOTED = re.compile(r"```(?:\w+)?\n?(.+?)```|\"\"\"(.+?)\"\"\"|“(.+?)”|\"(.{20,}?)\"", re.S)
QUESTION = re.compile(r"^\s*(what|who|when|where|why|how|is|are|can|could|do|does|did|should|would|will)\b.*\?\s*$",
                      re.I | re.S)
HEADER = "_Offline engine — PromptCraft's built-in assistant (no language model is connected)._\n\n"


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def prompt_under_review(message: str) -> str | None:
    """The prompt the user wants help with, or None when the message is not about a prompt."""
    quoted = QUOTED.search(message)
    if quoted:
        return next(group for group in quoted.groups() if group).strip()
    if CRAFTING.search(message):
        _, colon, after = message.partition(":")
        return after.strip() if colon and len(after.split()) >= 3 else message.strip()
    found = assess(message).signals
    if QUESTION.match(message) and not found.role:
        return None
    return message.strip() if (found.task or found.role) and found.words >= 4 else None


class LocalProvider:
    name = "local"
    paid = False
    label = "PromptCraft offline engine"

    def __init__(self, chunk_delay: float = 0.0) -> None:
        self.chunk_delay = chunk_delay

    @classmethod
    def from_config(cls, config: dict) -> LocalProvider:
        return cls(config.get("LOCAL_ENGINE_CHUNK_DELAY", 0.0))

    @property
    def configured(self) -> bool:
        return True

    @property
    def default_model(self) -> str:
        return MODEL

    def models(self) -> list[dict[str, Any]]:
        return [{"id": MODEL, "provider": self.name, "owned_by": "promptcraft"}]

    def reply(self, request: ChatRequest) -> str:
        message = next((m.get("content") or "" for m in reversed(request.messages) if m.get("role") == "user"), "")
        if isinstance(message, list):  # OpenAI content parts
            message = " ".join(part.get("text", "") for part in message if isinstance(part, dict))
        target = prompt_under_review(message)
        return HEADER + (self._craft(target) if target else self._decline(message))

    def _matches(self, text: str) -> dict[str, Any]:
        from promptcraft.prompt_templates.discovery import detect_intent

        return detect_intent(text, None, recommend=3)

    def _craft(self, prompt: str) -> str:
        result = assess(prompt)
        intent = self._matches(prompt)
        # A template lends its role only when the match is clear; a weak match would mislead.
        confident = intent["confidence"] >= composer.CONFIDENT
        best = intent["templates"][0] if intent["templates"] and confident else None
        improved, reasons = composer.improve(
            prompt, category=intent["category"] if intent["confidence"] >= composer.PLAUSIBLE else None,
            template_text=best.content if best else None, template_title=best.title if best else None)
        lines = [f"### Assessment: {result.overall}/10", ""]
        lines += [f"- **{name.replace('_', ' ').capitalize()}**: {score}/10" for name, score in result.scores.items()]
        if result.strengths:
            lines += ["", "What already works: " + ", ".join(result.strengths) + "."]
        if result.suggestions:
            lines += ["", "### What is missing"] + [f"{i}. {tip}" for i, tip in enumerate(result.suggestions, 1)]
        lines += ["", "### A stronger version", "", "```text", improved, "```", "", "### Why"]
        lines += [f"- {reason}" for reason in reasons]
        if intent["templates"] and intent["confidence"] >= composer.PLAUSIBLE:
            lines += ["", f"### Library templates for this ({intent['category_name'] or 'related'})"]
            lines += [f"- [{t.title}](/library/{t.id})" for t in intent["templates"]]
        after = assess(improved).overall
        lines += ["", f"_Score of the stronger version once its variables are filled in: about {after}/10._"]
        return "\n".join(lines)

    def _decline(self, message: str) -> str:
        intent = self._matches(message) if message.strip() else {"templates": [], "confidence": 0}
        lines = ["I can't answer that offline: there is no language model behind me, and I won't make one up.",
                 "", "What I can do here:",
                 "- **Assess and improve a prompt**: paste it (in quotes, or after “Improve this prompt:”).",
                 "- **Find templates** in the library for what you want to do.",
                 "- Connect a model (DeepSeek or any OpenAI-compatible server) to get real answers."]
        if intent["templates"] and intent["confidence"] >= composer.PLAUSIBLE:
            lines += ["", "Templates that fit your message:"]
            lines += [f"- [{t.title}](/library/{t.id})" for t in intent["templates"]]
        return "\n".join(lines)

    def _usage(self, request: ChatRequest, reply: str) -> Usage:
        prompt = sum(estimate_tokens(str(m.get("content") or "")) for m in request.messages)
        return Usage(prompt, estimate_tokens(reply))

    def complete(self, request: ChatRequest) -> Completion:
        reply = self.reply(request)
        return Completion(reply, self.name, MODEL, "stop", usage=self._usage(request, reply))

    def stream(self, request: ChatRequest) -> ProviderStream:
        reply = self.reply(request)  # computed now, in the request's context; the stream only replays it
        usage = self._usage(request, reply)
        stopped = {"flag": False}

        def events() -> Iterator[StreamEvent]:
            for piece in re.findall(r"\S+\s*|\s+", reply):
                if stopped["flag"]:
                    return
                if self.chunk_delay:
                    time.sleep(self.chunk_delay)
                yield StreamEvent("content", piece)
            yield StreamEvent("finish", finish_reason="stop")
            yield StreamEvent("usage", usage=usage)

        return ProviderStream(events(), close=lambda: stopped.update(flag=True), model=MODEL)
