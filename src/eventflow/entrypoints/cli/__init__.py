"""``eventflow``: the admin's and cron's command line (Click).

The group builds the services once, on first use, with ``bootstrap(Settings.from_env())`` unless ``ctx.obj`` already
holds a services bundle (tests pass their fakes: ``CliRunner().invoke(cli, args, obj=services)``). Every error a user
can cause ends here as one ``Error: ...`` line on stderr and exit code 1; Click's usage errors exit with 2.
"""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import Any

import click

#: Every command by name, with the module of this package that defines it (in its ``COMMANDS``). A module, and what
#: it imports, is loaded only when one of its commands runs (or ``--help`` lists them all): `eventflow event list`
#: never loads the web server, Pillow or the demo data. A new command is one line here.
COMMANDS: dict[str, str] = {
    "db": "db",
    "user": "people",
    "token": "people",
    "bar": "catalog",
    "theme": "catalog",
    "template": "catalog",
    "event": "events",
    "demo": "app",
    "serve": "app",
    "archive": "storage",
    "archive-event": "storage",
    "restore": "storage",
    "purge": "storage",
    "storage": "storage",
    "digest": "notify",
    "remind": "notify",
    "outbox": "notify",
    "webhook": "webhooks",
    "backup": "backup",
}


class EventflowGroup(click.Group):
    """Loads each command's module on demand, and turns every error a user can cause into one clear line
    (``ConfigError`` includes the database's errors)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"{__name__}.{COMMANDS[cmd_name]}")
        defined: list[click.Command] = module.COMMANDS
        return next(command for command in defined if command.name == cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        # loaded here rather than with the package, like all the rest, so that ``main`` pauses the collector first
        from sqlalchemy.exc import OperationalError

        from eventflow.config import ConfigError
        from eventflow.core.errors import EventflowError
        from eventflow.entrypoints.cli.common import CliError, _, said

        try:
            return super().invoke(ctx)
        except EventflowError as error:  # in the reader's language (EVENTFLOW_LANGUAGE, or the locale)
            raise CliError(one_line(said(error.message))) from None
        except ConfigError as error:  # the settings' and the database's, in the reader's language too
            raise CliError(one_line(said(error.message))) from None
        except OperationalError as error:  # the database went away or stayed locked mid-command
            raise CliError(one_line(_("the database failed: %(error)s") % {"error": error.orig})) from None
        except BrokenPipeError:
            raise  # the reader went away (`eventflow event list | head`): Click exits quietly
        except OSError as error:  # e.g. a data folder that cannot be written
            where = f" ({error.filename})" if error.filename else ""
            raise CliError(one_line(f"{error.strerror or error}{where}")) from None  # the system's words


def one_line(message: str) -> str:
    """Driver messages span lines; the operator gets one."""
    return " ".join(message.split())


@click.group(cls=EventflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the database file and stored files (overrides EVENTFLOW_DATA_DIR).",
)
@click.option("--database-url", help="SQLAlchemy database URL (overrides EVENTFLOW_DATABASE_URL).")
@click.version_option(package_name="eventflow")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """eventflow: plan the themed nights of the bars and get every asset approved by J-7."""
    from eventflow.entrypoints.cli.common import Runtime  # see ``EventflowGroup.invoke``

    ctx.obj = Runtime.for_context(ctx.obj, data_dir=data_dir, database_url=database_url)


def main() -> None:
    """The ``eventflow`` console script.

    The garbage collector is paused while the command starts, until its services are built (``Runtime.services``
    resumes it): a start makes some 90,000 objects that live as long as the process (modules, classes, SQLAlchemy's
    tables), and collecting while they were made freed a few thousand cycles for a sixth of a read command's time.
    Nothing of the package but Click is loaded before this runs.
    """
    gc.disable()
    cli(prog_name="eventflow")
