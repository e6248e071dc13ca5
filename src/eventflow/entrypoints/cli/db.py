"""``db``: create or migrate the database, and say where it stands."""

from __future__ import annotations

import click

from eventflow.entrypoints.cli.common import Runtime, _, pass_runtime, resume_collector


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
    from eventflow.adapters.sql.migrate import upgrade

    resume_collector()  # a migration may go through every row, without the services that would resume it
    url = runtime.settings.database_url
    before, now = upgrade(url)
    if before is None:
        click.echo(_("Created the database %(url)s (revision %(now)s).") % {"url": shown_url(url), "now": now})
    elif before == now:
        click.echo(_("The database %(url)s is up to date (revision %(now)s).") % {"url": shown_url(url), "now": now})
    else:
        migrated = _("Migrated the database %(url)s from revision %(before)s to %(now)s.")
        click.echo(migrated % {"url": shown_url(url), "before": before, "now": now})


@db.command("status")
@pass_runtime
def db_status(runtime: Runtime) -> None:
    """The database's revision against the latest this eventflow knows."""
    from eventflow.adapters.sql.migrate import status

    url = runtime.settings.database_url
    state = status(url)
    click.echo(_("Database: %(url)s") % {"url": shown_url(url)})
    current = state.current or _("none (empty database)")
    click.echo(_("Revision: %(current)s; latest known: %(head)s") % {"current": current, "head": state.head})
    if state.ahead:
        click.echo(_("Newer than this eventflow: install the version that migrated it."))
    elif state.behind:
        click.echo(_("Behind: run `eventflow db upgrade`."))
    else:
        click.echo(_("Up to date."))


COMMANDS: list[click.Command] = [db]
