"""The final prompt: the goal as the task, the answers in their places (role, context, constraints,
output format, example), and the role the best-matching library template gives."""
from __future__ import annotations

from typing import Any

from promptcraft.orchestrator import composer

CONFIDENT_TEMPLATE = composer.PLAUSIBLE


def slot_values(questions: list[dict[str, Any]], answers: dict[str, str], known: dict[str, dict[str, str]]
                ) -> dict[str, str]:
    """Each slot's settled value: an answer, else what the profile or earlier sessions gave.

    Slots the goal itself answers are left out: the goal is the task, and already says them.
    """
    values = {slot: fact["value"] for slot, fact in known.items() if fact["source"] != "goal"}
    for q in questions:
        answer = (answers.get(q["id"]) or "").strip()
        if answer:
            values[q["slot"]] = answer
    return values


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def draft(goal: str, context: str, values: dict[str, str], *, category: str | None,
          template_text: str | None) -> composer.Draft:
    role = composer.role_from(template_text) or composer.ROLES.get(category or "", composer.ROLES["general"])
    background = [_sentence(t) for t in (context, values.get("context", ""), values.get("scope", "")) if t.strip()]
    if values.get("prior_knowledge"):
        background.append(_sentence(f"They already know: {values['prior_knowledge']}"))
    rules = []
    if values.get("length"):
        rules.append(_sentence(f"Length: {values['length']}"))
    if values.get("count"):
        rules.append(_sentence(f"Give exactly {values['count']} items"))
    if values.get("language"):
        version = f" ({values['version']})" if values.get("version") else ""
        rules.append(_sentence(f"Use {values['language']}{version}"))
    if values.get("criteria"):
        rules.append(_sentence(f"Judge against these criteria: {values['criteria']}"))
    if values.get("style"):
        rules.append(_sentence(f"Visual style: {values['style']}"))
    if values.get("constraints"):
        rules.append(_sentence(values["constraints"]))
    if values.get("call_to_action"):
        rules.append(_sentence(f"End with one call to action: {values['call_to_action']}"))
    rules.append("Say so when you are unsure instead of guessing.")
    output = values.get("format")
    if output:
        details = [f"columns: {values['columns']}" if values.get("columns") else "",
                   f"fields: {values['fields']}" if values.get("fields") else "",
                   f"addressed to {values['recipient']}" if values.get("recipient") else ""]
        details = [d for d in details if d]
        output = output + (f" ({'; '.join(details)})" if details else "")
    tone = (values.get("tone") or "").lower() or None
    return composer.Draft(task=_sentence(goal), role=role, context=" ".join(background) or None,
                          audience=values.get("audience"), tone=tone, constraints=rules, output_format=output,
                          example=values.get("examples"))


def compose(goal: str, context: str, values: dict[str, str], *, category: str | None,
            template_text: str | None) -> str:
    text = composer.render(draft(goal, context, values, category=category, template_text=template_text))
    if values.get("source_text"):
        text += f'\n\nText to work on:\n"""\n{values["source_text"].strip()}\n"""'
    return text
