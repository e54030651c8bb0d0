"""`flask templates import FILE` and `flask templates export FILE`."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from promptcraft.auth.models import User
from promptcraft.extensions import db
from promptcraft.prompt_templates import transfer

templates_cli = AppGroup("templates", help="Import and export prompt templates.")


def _owner(username: str | None) -> User | None:
    if not username:
        return None
    user = db.session.scalar(sa.select(User).where(User.username_key == username.lower()))
    if user is None:
        raise click.ClickException(f"No user '{username}'.")
    return user


@templates_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(transfer.FORMATS), help="Default: from the file name.")
@click.option("--owner", help="Import into this user's library instead of the shared one.")
def import_command(file: Path, fmt: str | None, owner: str | None) -> None:
    """Import templates from JSONL, JSON or CSV (rows matched by their id)."""
    rows = list(transfer.read_rows(file.read_text(encoding="utf-8"), transfer.detect_format(file.name, fmt)))
    with click.progressbar(length=len(rows), label=f"Importing {file.name}") as bar:
        report = transfer.import_rows(rows, _owner(owner), progress=bar.update)
    for problem in report.invalid:
        details = "; ".join(f"{k}: {v}" for k, v in problem["errors"].items())
        click.echo(f"line {problem['line']}: invalid — {details}", err=True)
    click.echo(f"created {report.created}, updated {report.updated}, skipped {report.skipped}, "
               f"invalid {len(report.invalid)}")


@templates_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(transfer.FORMATS), help="Default: from the file name.")
@click.option("--owner", help="Export this user's templates (default: the shared library).")
def export_command(file: Path, fmt: str | None, owner: str | None) -> None:
    """Export templates to JSONL, JSON or CSV, in the shape `import` reads."""
    user = _owner(owner)
    rows = transfer.export_rows(transfer.templates_for_export(user, library=user is None))
    file.write_text(transfer.dump(rows, transfer.detect_format(file.name, fmt)), encoding="utf-8")
    click.echo(f"Exported {len(rows)} templates to {file}.")
