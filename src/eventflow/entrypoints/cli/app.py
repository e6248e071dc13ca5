"""``demo`` and ``serve``: a newcomer's first minute, and the web app on the embedded defaults."""

from __future__ import annotations

import click

from eventflow.entrypoints.cli.common import Runtime, _, pass_runtime


@click.command()
@click.option("--if-empty", is_flag=True, help="On a database that has data, keep it and succeed (first starts).")
@pass_runtime
def demo(runtime: Runtime, if_empty: bool) -> None:
    """Fill an empty database with sample bars, templates, themes, events and people."""
    from eventflow import demo as demo_data  # Pillow draws its pictures: loaded for this command only

    services = runtime.services
    if if_empty and not demo_data.is_empty(services):
        click.echo(_("The database already has data: kept it as it is, no demo data added."))
        return
    report = demo_data.seed(services)
    counts = {
        "bars": report.bars,
        "templates": report.templates,
        "themes": report.themes,
        "events": report.events,
        "users": report.users,
    }
    click.echo(
        _(
            "Demo data added: %(bars)s bars, %(templates)s templates, %(themes)s themes, %(events)s events, "
            "%(users)s people."
        )
        % counts
    )
    login = {"email": report.admin_email, "password": report.admin_password}
    click.echo(_("Log in as %(email)s with the password: %(password)s") % login)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@pass_runtime
def serve(runtime: Runtime, host: str, port: int) -> None:
    """Run the web app (Ctrl-C stops it). Without EVENTFLOW_BASE_URL, e-mails link to the address it serves."""
    from eventflow.entrypoints.web.server import run

    if runtime.built is None:  # the links of e-mails and feeds are made by the services: set before they are built
        runtime.settings = runtime.settings.served_at(host, port)
        runtime.settings.note_served()
    run(runtime.services, host, port)


COMMANDS: list[click.Command] = [demo, serve]
