"""``backup create|verify|restore DEST``: snapshots that restore (cron runs ``backup create`` daily)."""

from __future__ import annotations

from collections.abc import Callable

import click

from eventflow.bootstrap import backup_place, backups
from eventflow.core.ports import BackupPlace
from eventflow.core.services.backup import BackupReport, OnProgress
from eventflow.entrypoints.cli.common import Runtime, pass_runtime
from eventflow.entrypoints.cli.storage import human

DEST = click.argument("dest", metavar="DEST")
ACTIONS = {"created": "Backed up", "verified": "Verified", "restored": "Restored"}


Job = Callable[[BackupPlace, OnProgress], BackupReport]


def with_progress(label: str, dest: str, job: Job) -> BackupReport:
    """Run a backup job on DEST with a progress bar over its files (drawn on a terminal only)."""
    place = backup_place(dest)
    with click.progressbar(length=1, label=label, show_pos=True) as bar:

        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        return job(place, advance)


def summarize(report: BackupReport) -> None:
    """One line of what was done; every mismatch on stderr, with exit code 1."""
    manifest = report.manifest
    assert manifest is not None or report.problems
    database = f"the {manifest.database.backend} database (revision {manifest.database.revision})" if manifest else ""
    copied = f"{report.copied} file(s), {human(report.copied_bytes)}"
    kept = f"; {report.in_buckets} file(s) found in their bucket" if report.in_buckets else ""
    click.echo(f"{ACTIONS[report.action]} {database} and {copied} at {report.place}{kept}.")
    if report.problems:
        for problem in report.problems:
            click.echo(f"  mismatch: {problem}", err=True)
        raise click.ClickException(f"{len(report.problems)} mismatch(es): this backup cannot be trusted as it is")


@click.group()
def backup() -> None:
    """Backups: the database and a manifest of every stored file (sha256), with the files kept in folders.

    DEST is a folder or a bucket URL (s3://BUCKET/PREFIX?endpoint=…&region=…, AWS_* credentials).
    """


@backup.command("create")
@DEST
@pass_runtime
def create(runtime: Runtime, dest: str) -> None:
    """Write a consistent snapshot into DEST while the app runs (a new folder or prefix each time)."""
    summarize(with_progress("Backing up", dest, backups(runtime.settings).create))


@backup.command("verify")
@DEST
@pass_runtime
def verify(runtime: Runtime, dest: str) -> None:
    """Re-read the backup at DEST and compare every file with its manifest (exit 1 on any mismatch)."""
    summarize(with_progress("Verifying", dest, backups(runtime.settings).verify))


@backup.command("restore")
@DEST
@pass_runtime
def restore(runtime: Runtime, dest: str) -> None:
    """Restore DEST into the configured, empty data folder and database; every file is checked."""
    settings = runtime.settings
    if settings.data_dir.is_dir() and any(settings.data_dir.iterdir()):
        raise click.ClickException(f"the data folder {settings.data_dir} is not empty: restore only into an empty one")
    summarize(with_progress("Restoring", dest, backups(settings).restore))


COMMANDS: list[click.Command] = [backup]
