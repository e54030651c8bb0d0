"""`{{variable}}` placeholders: finding them, declaring them, filling them in."""
from __future__ import annotations

import re
from typing import Any

from promptcraft.errors import AppError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")


def placeholders(content: str) -> list[str]:
    """Variable names in order of first use."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(content):
        seen.setdefault(match.group(1), None)
    return list(seen)


def declare(content: str, declared: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The variables of `content`: the declarations given, completed for undeclared placeholders.

    A declared variable that the content never uses is an error: it could never be filled in.
    """
    by_name = {item["name"]: item for item in declared or []}
    used = placeholders(content)
    unused = [name for name in by_name if name not in used]
    if unused:
        raise AppError.invalid(
            "Some declared variables do not appear in the content.",
            {"variables": [f"{{{{{name}}}}} is not used in the content." for name in unused]},
        )
    result = []
    for name in used:
        item = by_name.get(name, {})
        default = item.get("default")
        result.append({
            "name": name,
            "description": item.get("description") or "",
            "default": default,
            "required": bool(item.get("required", default is None)),
        })
    return result


def render(content: str, variables: list[dict[str, Any]], values: dict[str, Any]) -> tuple[str, list[str]]:
    """Fill the placeholders; returns the text and the names of required variables left empty."""
    declared = {item["name"]: item for item in variables}
    missing = []
    filled: dict[str, str] = {}
    for name in placeholders(content):
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            spec = declared.get(name, {"required": True, "default": None})
            if spec.get("default") is not None:
                value = spec["default"]
            elif spec.get("required", True):
                missing.append(name)
                continue
            else:
                value = ""
        filled[name] = str(value)
    text = PLACEHOLDER.sub(lambda m: filled.get(m.group(1), m.group(0)), content)
    return text, missing
