"""Top-level commands: `flask seed` and `flask openapi write`; domains add their own groups."""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"

# Idempotent seeders, in order: "module:function", each returning {label: rows added}.
SEEDERS: list[str] = [
    "promptcraft.prompt_templates.seed:run",
    "promptcraft.gamification.seed:run",
    "promptcraft.billing.seed:run",
]

openapi_cli = AppGroup("openapi", help="The OpenAPI document.")


def openapi_document() -> str:
    """The OpenAPI document exactly as committed (stable key order, trailing newline)."""
    from promptcraft.extensions import api

    return json.dumps(api.spec.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@openapi_cli.command("write")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=OPENAPI_PATH,
              show_default=True)
def openapi_write(output: Path) -> None:
    """Regenerate the committed OpenAPI document."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(openapi_document(), encoding="utf-8")
    paths = len(json.loads(output.read_text())["paths"])
    click.echo(f"Wrote {output.name}: {paths} paths.")


@click.command("seed")
def seed() -> None:
    """Load reference data (idempotent: running it twice adds nothing)."""
    total = 0
    for target in current_app.config.get("SEEDERS", SEEDERS):
        module_name, _, function_name = target.partition(":")
        added = getattr(importlib.import_module(module_name), function_name)()
        for label, count in added.items():
            click.echo(f"{label}: {count} added")
            total += count
    click.echo(f"Seeding done: {total} rows added.")


def register_commands(app: Flask) -> None:
    from promptcraft.api_coverage import api_coverage
    from promptcraft.auth.cli import users_cli
    from promptcraft.billing.cli import billing_cli
    from promptcraft.jobs import jobs_cli
    from promptcraft.prompt_templates.cli import templates_cli

    app.cli.add_command(seed)
    app.cli.add_command(openapi_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(templates_cli)
    app.cli.add_command(billing_cli)
    app.cli.add_command(api_coverage)
    app.cli.add_command(jobs_cli)
