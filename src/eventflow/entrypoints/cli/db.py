"""``db``: create or migrate the database, and say where it stands."""

from __future__ import annotations

import click

from eventflow.entrypoints.cli.common import Runtime, pass_runtime


def shown_url(url: str) -> str:
    from eventflow.adapters.sql.engine import parse_url

    return parse_url(url).render_as_string(hide_password=True)


@click.group()
def db() -> None:
    """Database set-up and migrations."""


@db.command("upgrade")
@pass_runtime
def db_upgrade(runtime: Runtime) -> None:
    """Create the database, or migrate it to this version of eventflow."""
    from eventflow.adapters.sql import upgrade

    url = runtime.settings.database_url
    before, now = upgrade(url)
    if before is None:
        click.echo(f"Created the database {shown_url(url)} (revision {now}).")
    elif before == now:
        click.echo(f"The database {shown_url(url)} is up to date (revision {now}).")
    else:
        click.echo(f"Migrated the database {shown_url(url)} from revision {before} to {now}.")


@db.command("status")
@pass_runtime
def db_status(runtime: Runtime) -> None:
    """The database's revision against the latest this eventflow knows."""
    from eventflow.adapters.sql import status

    url = runtime.settings.database_url
    state = status(url)
    click.echo(f"Database: {shown_url(url)}")
    click.echo(f"Revision: {state.current or 'none (empty database)'}; latest known: {state.head}")
    if state.ahead:
        click.echo("Newer than this eventflow: install the version that migrated it.")
    elif state.behind:
        click.echo("Behind: run `eventflow db upgrade`.")
    else:
        click.echo("Up to date.")


COMMANDS: list[click.Command] = [db]
