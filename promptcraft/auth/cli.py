"""`flask users ...`: account administration."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from promptcraft.auth import service
from promptcraft.errors import AppError
from promptcraft.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(username: str, email: str, password: str) -> None:
    """Create a staff account."""
    try:
        user = service.create_user(username=username, email=email, password=password, is_staff=True)
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        fields = error.details.get("fields", {})
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        raise click.ClickException(f"{error.message} {detail}".strip()) from None
    click.echo(f"Created staff user {user.username} ({user.email}).")
