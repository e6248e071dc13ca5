"""``demo`` and ``serve``: a newcomer's first minute, and the web app on the embedded defaults."""

from __future__ import annotations

import click

from eventflow.entrypoints.cli.common import Runtime, pass_runtime


@click.command()
@click.option("--if-empty", is_flag=True, help="On a database that has data, keep it and succeed (first starts).")
@pass_runtime
def demo(runtime: Runtime, if_empty: bool) -> None:
    """Fill an empty database with sample bars, templates, themes, events and people."""
    from eventflow import demo as demo_data  # Pillow draws its pictures: loaded for this command only

    services = runtime.services
    if if_empty and not demo_data.is_empty(services):
        click.echo("The database already has data: kept it as it is, no demo data added.")
        return
    report = demo_data.seed(services)
    click.echo(
        f"Demo data added: {report.bars} bars, {report.templates} templates, {report.themes} themes, "
        f"{report.events} events, {report.users} people."
    )
    click.echo(f"Log in as {report.admin_email} with the password: {report.admin_password}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@pass_runtime
def serve(runtime: Runtime, host: str, port: int) -> None:
    """Run the web app (Ctrl-C stops it). Without EVENTFLOW_BASE_URL, e-mails link to the address it serves."""
    from eventflow.entrypoints.web.server import run

    if runtime.built is None:  # the links of e-mails and feeds are made by the services: set before they are built
        runtime.settings = runtime.settings.served_at(host, port)
    run(runtime.services, host, port)


COMMANDS: list[click.Command] = [demo, serve]
