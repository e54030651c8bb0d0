"""The optimizer: retrieve, rewrite, score; and `iterate` until a target score.

It draws on the nearest library templates and the user's best-rated past prompts (the same
retrieval as rag/retrieve/), rewrites the prompt (structure, missing slots, an example from the
best source), and returns the scores before and after, the diff and the sources. With a model,
its rewrite is kept when it clearly beats the original and comes close to the local rewrite.
"""
from __future__ import annotations

import difflib
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.history.service import record_prompt
from promptcraft.orchestrator import composer
from promptcraft.orchestrator.assessment import assess
from promptcraft.orchestrator.models import OptimizationRun
from promptcraft.orchestrator.retrieval import Passage, retrieve
from promptcraft.orchestrator.structured import ask_json
from promptcraft.prompt_templates.discovery import detect_intent
from promptcraft.prompt_templates.variables import PLACEHOLDER


class RewriteSchema(ma.Schema):
    improved_prompt = fields.String(required=True, validate=validate.Length(min=10, max=20_000))
    changes = fields.List(fields.String(validate=validate.Length(max=500)), required=True)


def _diff(before: str, after: str) -> str:
    return "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm=""))


def _example_from(sources: list[Passage]) -> str | None:
    """A short, concrete line from the user's own best prompt, offered as a pattern."""
    own = next((p for p in sources if p.kind in ("saved_prompt", "history")), None)
    return own.text.strip().split("\n")[0][:300] if own else None


def rewrite(user: User, prompt: str, goal: str = "") -> dict[str, Any]:
    """One optimisation step (no persistence)."""
    sources = retrieve(user, f"{goal} {prompt}".strip(), 5)
    found = detect_intent(f"{goal} {prompt}", user, recommend=1)
    template = found["templates"][0] if found["templates"] and found["confidence"] >= composer.CONFIDENT else None
    improved, reasons = composer.improve(
        prompt, category=found["category"] if found["confidence"] >= composer.PLAUSIBLE else None,
        template_text=template.content if template else None, template_title=template.title if template else None)
    example = _example_from(sources)
    if example and "Example of what I want" not in improved and assess(prompt).signals.examples is False:
        improved += f"\n\nA pattern that worked for you before:\n{example}"
        reasons.append("Added a line from your own best prompt on this topic as a pattern to follow.")
    if goal:
        improved = improved.replace("Context: {{background}}", f"Context: {goal}", 1)
    method = "local"
    model = ask_json(user, "You improve prompts for large language models. Keep the user's intent; add role, "
                     "context, constraints, output format and an example where missing. Return "
                     "{\"improved_prompt\", \"changes\"}.",
                     f"Goal: {goal or 'not stated'}\n\nPrompt:\n{prompt}\n\nUseful library material:\n"
                     + "\n".join(f"- {p.title}: {p.text[:400]}" for p in sources[:3]), RewriteSchema(),
                     kind="optimize")
    # The model's rewrite wins if it clearly beats the original and is close to the local one, scored
    # without its unfilled {{variables}} (they are gaps): concrete text is worth a small margin.
    if model:
        model_score = assess(model["improved_prompt"]).overall
        local_score = assess(PLACEHOLDER.sub("", improved)).overall
        if model_score >= max(assess(prompt).overall + 0.5, 0.9 * local_score):
            improved, reasons, method = model["improved_prompt"], model["changes"], "model"
    return {"improved": improved, "changes": reasons, "sources": [p.as_dict() for p in sources], "method": method}


def optimize(user: User, prompt: str, goal: str = "") -> dict[str, Any]:
    before = assess(prompt)
    step = rewrite(user, prompt, goal)
    after = assess(step["improved"])
    run = OptimizationRun(user_id=user.id, goal=goal, original=prompt, optimized=step["improved"],
                          score_before=before.overall, score_after=after.overall, method=step["method"],
                          sources=[{"id": s["id"], "title": s["title"]} for s in step["sources"]])
    db.session.add(run)
    db.session.commit()
    record_prompt(user.id, prompt, optimized_prompt=step["improved"], quality_score=after.overall, source="optimizer")
    return {"id": run.id, "original": prompt, "optimized": step["improved"], "changes": step["changes"],
            "score_before": before.overall, "score_after": after.overall, "assessment_before": before.as_dict(),
            "assessment_after": after.as_dict(), "diff": _diff(prompt, step["improved"]), "sources": step["sources"],
            "method": step["method"]}


def iterate(user: User, prompt: str, n_iter: int, target: float, goal: str = "") -> dict[str, Any]:
    """Optimise, assess, repeat: stop at the target score, after n_iter, or when a step stops helping."""
    current, score = prompt, assess(prompt).overall
    steps = [{"iteration": 0, "prompt": prompt, "score": score, "changes": []}]
    for number in range(1, n_iter + 1):
        if score >= target:
            break
        step = rewrite(user, current, goal)
        new_score = assess(step["improved"]).overall
        if new_score <= score:
            steps.append({"iteration": number, "prompt": step["improved"], "score": new_score,
                          "changes": ["No further improvement: stopped."]})
            break
        current, score = step["improved"], new_score
        steps.append({"iteration": number, "prompt": current, "score": score, "changes": step["changes"]})
    run = OptimizationRun(user_id=user.id, kind="iterate", goal=goal, original=prompt, optimized=current,
                          score_before=steps[0]["score"], score_after=score, iterations=len(steps) - 1,
                          method="iterate", sources=[])
    db.session.add(run)
    db.session.commit()
    record_prompt(user.id, prompt, optimized_prompt=current, quality_score=score, source="optimizer")
    return {"iterations": steps, "final_prompt": current, "final_score": score, "target": target,
            "reached": score >= target}
