"""`flask billing ...`: plan administration."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from promptcraft.billing import service
from promptcraft.errors import AppError

billing_cli = AppGroup("billing", help="Plans and subscriptions.")


@billing_cli.command("grant")
@click.argument("username")
@click.argument("plan")
def grant(username: str, plan: str) -> None:
    """Put USERNAME on PLAN (free, pro, team) without payment."""
    try:
        subscription = service.grant(username, plan)
    except AppError as error:
        raise click.ClickException(f"{error.message} ({username!r}, {plan!r})") from None
    click.echo(f"{username} is now on the {subscription.plan.name} plan.")
