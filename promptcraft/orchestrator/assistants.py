"""Assistants: a registry of roles, each with a system prompt and the tools it may use, and a
bounded tool-use loop that records every step in a thread.

With a model that supports tools the loop is OpenAI-style: the model asks for tool calls, we run
them and send back the results, at most MAX_ROUNDS times. Offline each assistant follows a
planned sequence of the same tools and composes its reply from their results.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from promptcraft.ai.gateway import gateway
from promptcraft.ai.types import ChatRequest
from promptcraft.auth.models import User
from promptcraft.db_types import utcnow
from promptcraft.errors import AppError
from promptcraft.extensions import db
from promptcraft.orchestrator import composer
from promptcraft.orchestrator.assessment import assess
from promptcraft.orchestrator.models import AssistantStep, AssistantThread
from promptcraft.orchestrator.retrieval import library, own_prompts
from promptcraft.orchestrator.structured import model_available

MAX_ROUNDS = 4


# --- tools -------------------------------------------------------------------------------------

def _search_library(user: User, query: str, k: int = 5) -> list[dict[str, Any]]:
    return [{"template_id": p.meta["template_id"], "title": p.title, "category": p.meta.get("category"),
             "url": p.url, "excerpt": p.text[:300]} for p in library(user, query, min(int(k), 10))]


def _read_saved_prompts(user: User, query: str = "", k: int = 5) -> list[dict[str, Any]]:
    return [{"id": p.id, "title": p.title, "excerpt": p.text[:300]} for p in own_prompts(user, query or " ", k)
            if p.kind == "saved_prompt"]


def _read_history(user: User, limit: int = 5) -> list[dict[str, Any]]:
    from promptcraft.history.models import PromptHistory

    rows = db.session.scalars(sa.select(PromptHistory).where(
        PromptHistory.user_id == user.id, PromptHistory.deleted_at.is_(None))
        .order_by(PromptHistory.created_at.desc()).limit(min(int(limit), 20)))
    return [{"id": r.id, "prompt": r.original_prompt[:300], "score": r.quality_score, "source": r.source}
            for r in rows]


def _assess_prompt(user: User, prompt: str) -> dict[str, Any]:
    return assess(prompt).as_dict()


def _render_template(user: User, template_id: int, variables: dict[str, str] | None = None) -> dict[str, Any]:
    from promptcraft.prompt_templates import service as templates

    try:
        template, text = templates.render_template(int(template_id), user, variables or {}, record=False)
    except AppError as error:
        return {"error": error.message, "details": error.details}
    return {"template_id": template.id, "title": template.title, "prompt": text}


@dataclass
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]
    run: Callable[..., Any]

    def spec(self) -> dict[str, Any]:
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": self.parameters}}


def _params(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


TOOLS = {tool.name: tool for tool in [
    Tool("search_library", "Search the prompt-template library.",
         _params({"query": {"type": "string"}, "k": {"type": "integer", "minimum": 1, "maximum": 10}}, ["query"]),
         _search_library),
    Tool("read_saved_prompts", "Read the user's saved prompts that match a query.",
         _params({"query": {"type": "string"}, "k": {"type": "integer", "minimum": 1, "maximum": 10}}, []),
         _read_saved_prompts),
    Tool("read_history", "Read the user's most recent prompt history.",
         _params({"limit": {"type": "integer", "minimum": 1, "maximum": 20}}, []), _read_history),
    Tool("assess_prompt", "Score a prompt against the rubric (clarity, specificity, context, structure, "
         "constraints, output format, length) with suggestions.", _params({"prompt": {"type": "string"}}, ["prompt"]),
         _assess_prompt),
    Tool("render_template", "Fill a library template's variables.",
         _params({"template_id": {"type": "integer"}, "variables": {"type": "object"}}, ["template_id"]),
         _render_template),
]}


# --- assistants --------------------------------------------------------------------------------

@dataclass
class Assistant:
    id: str
    name: str
    purpose: str
    system_prompt: str
    tools: list[str]
    plan: Callable[[User, str, Callable[[str, dict], Any]], str]


def _plan_coach(user: User, message: str, call: Callable[[str, dict], Any]) -> str:
    report = call("assess_prompt", {"prompt": message})
    matches = call("search_library", {"query": message, "k": 3})
    call("read_history", {"limit": 3})
    improved, reasons = composer.improve(message, category=matches[0]["category"] if matches else None)
    tips = "\n".join(f"- {tip}" for tip in report["suggestions"][:4]) or "- It already covers the essentials."
    related = "\n".join(f"- [{m['title']}]({m['url']})" for m in matches)
    return (f"Your prompt scores **{report['overall']}/10**. What would lift it most:\n{tips}\n\n"
            f"Here is a version with those slots made explicit:\n\n```text\n{improved}\n```\n\n"
            + (f"Library templates worth a look:\n{related}" if related else ""))


def _plan_finder(user: User, message: str, call: Callable[[str, dict], Any]) -> str:
    matches = call("search_library", {"query": message, "k": 5})
    saved = call("read_saved_prompts", {"query": message, "k": 3})
    if not matches and not saved:
        return "I found no template or saved prompt for that. Try other words, or describe the task you have."
    lines = [f"{i}. [{m['title']}]({m['url']}) — {m['category'] or 'uncategorised'}" for i, m in enumerate(matches, 1)]
    if saved:
        lines += ["", "From your saved prompts:"] + [f"- {s['title']}" for s in saved]
    return "The best matches for what you describe:\n" + "\n".join(lines)


def _plan_critic(user: User, message: str, call: Callable[[str, dict], Any]) -> str:
    report = call("assess_prompt", {"prompt": message})
    weakest = sorted(report["scores"].items(), key=lambda item: item[1])[:3]
    points = "\n".join(f"- **{name.replace('_', ' ')}** ({score}/10)" for name, score in weakest)
    tips = "\n".join(f"{i}. {tip}" for i, tip in enumerate(report["suggestions"], 1))
    return f"Overall {report['overall']}/10. The weakest points:\n{points}\n\nFix them in this order:\n{tips}"


def _plan_rewriter(user: User, message: str, call: Callable[[str, dict], Any]) -> str:
    before = call("assess_prompt", {"prompt": message})
    matches = call("search_library", {"query": message, "k": 1})
    improved, reasons = composer.improve(message, category=matches[0]["category"] if matches else None)
    after = call("assess_prompt", {"prompt": improved})
    why = "\n".join(f"- {reason}" for reason in reasons)
    return (f"```text\n{improved}\n```\n\nScore {before['overall']} → {after['overall']} (once the "
            f"{{{{variables}}}} are filled in). Changes:\n{why}")


ASSISTANTS = {a.id: a for a in [
    Assistant("prompt-coach", "Prompt coach", "Explains what a prompt lacks and how to fix it, with examples.",
              "You are a patient prompt-writing coach. Assess the user's prompt with the tools, explain the two or "
              "three changes that matter most, show an improved version, and point to library templates.",
              ["assess_prompt", "search_library", "read_history"], _plan_coach),
    Assistant("template-finder", "Template finder", "Finds library templates and saved prompts for a task.",
              "You find the best prompt templates for the user's task. Search the library and the user's saved "
              "prompts, and recommend at most five with one line on why each fits.",
              ["search_library", "read_saved_prompts", "render_template"], _plan_finder),
    Assistant("critic", "Critic", "Scores a prompt strictly and lists its weaknesses in order of impact.",
              "You are a demanding reviewer of prompts. Assess the prompt, name its weakest points and the fixes "
              "in order of impact. Be concise and concrete.", ["assess_prompt", "search_library"], _plan_critic),
    Assistant("rewriter", "Rewriter", "Rewrites a prompt into a structured, reusable version.",
              "You rewrite prompts into a clear structure: role, context, task, constraints, output format. Keep "
              "the user's intent; use {{variables}} for what they must fill in. Check your result with the tools.",
              ["assess_prompt", "search_library", "read_saved_prompts"], _plan_rewriter),
]}


def registry() -> list[dict[str, Any]]:
    return [{"id": a.id, "name": a.name, "purpose": a.purpose, "system_prompt": a.system_prompt,
             "tools": [TOOLS[t].spec()["function"] for t in a.tools]} for a in ASSISTANTS.values()]


# --- running -----------------------------------------------------------------------------------

class Recorder:
    """Adds steps to a thread in order."""

    def __init__(self, thread: AssistantThread) -> None:
        self.thread = thread
        self.position = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AssistantStep.position), 0))
                                          .where(AssistantStep.thread_id == thread.id)) or 0

    def add(self, **fields: Any) -> AssistantStep:
        self.position += 1
        step = AssistantStep(position=self.position, **fields)
        self.thread.steps.append(step)
        return step


def get_thread(user: User, thread_id: uuid.UUID) -> AssistantThread:
    thread = db.session.get(AssistantThread, thread_id)
    if thread is None or thread.user_id != user.id:
        raise AppError.not_found("Assistant thread")
    return thread


def run(user: User, assistant_id: str, message: str, thread_id: uuid.UUID | None = None) -> AssistantThread:
    assistant = ASSISTANTS.get(assistant_id)
    if assistant is None:
        raise AppError.invalid("Unknown assistant.", {"assistant_id": [f"Use one of: {', '.join(ASSISTANTS)}."]})
    if thread_id:
        thread = get_thread(user, thread_id)
        if thread.assistant_id != assistant_id:
            raise AppError.conflict("This thread belongs to another assistant.")
    else:
        thread = AssistantThread(user_id=user.id, assistant_id=assistant_id, title=message.strip()[:200])
        db.session.add(thread)
        db.session.flush()
    recorder = Recorder(thread)
    history = [{"role": "user" if s.kind == "user" else "assistant", "content": s.content}
               for s in thread.steps if s.kind in ("user", "assistant")]
    recorder.add(kind="user", content=message)

    def call(name: str, arguments: dict[str, Any], tool_call_id: str | None = None) -> Any:
        if name not in assistant.tools:
            result: Any = {"error": f"The tool {name} is not available to this assistant."}
        else:
            try:
                result = TOOLS[name].run(user, **arguments)
            except TypeError as error:  # the model sent arguments the tool does not take
                result = {"error": f"Bad arguments for {name}: {error}"}
        recorder.add(kind="tool", tool=name, arguments=arguments, result=result)
        return result

    if model_available():
        reply, provider = _model_loop(user, assistant, history, message, call)
    else:
        reply, provider = assistant.plan(user, message, call), "local"
    recorder.add(kind="assistant", content=reply, provider=provider)
    thread.updated_at = utcnow()
    db.session.commit()
    return thread


def _model_loop(user: User, assistant: Assistant, history: list[dict], message: str,
                call: Callable[..., Any]) -> tuple[str, str]:
    messages = [{"role": "system", "content": assistant.system_prompt}, *history, {"role": "user", "content": message}]
    tools = [TOOLS[name].spec() for name in assistant.tools]
    for round_number in range(MAX_ROUNDS + 1):
        last = round_number == MAX_ROUNDS
        result = gateway().complete(user, ChatRequest(messages, tools=tools, tool_choice="none" if last else "auto"),
                                    kind="assistant")
        if result.provider == "local":  # the chain fell back to the offline engine: follow the plan instead
            return assistant.plan(user, message, call), "local"
        if not result.tool_calls or last:
            return result.content, result.provider
        messages.append({"role": "assistant", "content": result.content or "", "tool_calls": result.tool_calls})
        for tool_call in result.tool_calls:
            function = tool_call.get("function") or {}
            try:
                arguments = json.loads(function.get("arguments") or "{}")
            except ValueError:
                arguments = {}
            output = call(function.get("name", ""), arguments if isinstance(arguments, dict) else {})
            messages.append({"role": "tool", "tool_call_id": tool_call.get("id", ""),
                             "content": json.dumps(output, default=str)[:8000]})
    return "", "local"  # unreachable: the last round forbids tool calls


def threads(user: User, page: int, page_size: int):
    from promptcraft.pagination import paginate

    stmt = (sa.select(AssistantThread).where(AssistantThread.user_id == user.id)
            .order_by(AssistantThread.updated_at.desc()))
    return paginate(stmt, page, page_size)
