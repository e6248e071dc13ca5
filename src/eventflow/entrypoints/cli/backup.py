"""``backup create|verify|restore DEST``: snapshots that restore (cron runs ``backup create`` daily)."""

from __future__ import annotations

from collections.abc import Callable

import click

from eventflow.bootstrap import backup_place, backups
from eventflow.core.i18n import N_
from eventflow.core.ports import BackupPlace
from eventflow.core.services.backup import BackupReport, OnProgress
from eventflow.entrypoints.cli.common import CliError, Runtime, _, pass_runtime, resume_collector, said
from eventflow.entrypoints.cli.storage import human

DEST = click.argument("dest", metavar="DEST")
#: The summary's line by the report's action, without and with files found in their buckets.
DONE = {
    "created": (
        N_("Backed up %(database)s and %(copied)s at %(place)s."),
        N_("Backed up %(database)s and %(copied)s at %(place)s; %(kept)s file(s) found in their bucket."),
    ),
    "verified": (
        N_("Verified %(database)s and %(copied)s at %(place)s."),
        N_("Verified %(database)s and %(copied)s at %(place)s; %(kept)s file(s) found in their bucket."),
    ),
    "restored": (
        N_("Restored %(database)s and %(copied)s at %(place)s."),
        N_("Restored %(database)s and %(copied)s at %(place)s; %(kept)s file(s) found in their bucket."),
    ),
}


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
    database = (
        _("the %(backend)s database (revision %(revision)s)")
        % {"backend": manifest.database.backend, "revision": manifest.database.revision}
        if manifest
        else ""
    )
    copied = _("%(files)s file(s), %(size)s") % {"files": report.copied, "size": human(report.copied_bytes)}
    line = DONE[report.action][1 if report.in_buckets else 0]
    click.echo(_(line) % {"database": database, "copied": copied, "place": report.place, "kept": report.in_buckets})
    if report.problems:
        for problem in report.problems:
            click.echo("  " + _("mismatch: %(problem)s") % {"problem": said(problem)}, err=True)
        untrusted = _("%(count)s mismatch(es): this backup cannot be trusted as it is")
        raise CliError(untrusted % {"count": len(report.problems)})


@click.group()
def backup() -> None:
    """Backups: the database and a manifest of every stored file (sha256), with the files kept in folders.

    DEST is a folder or a bucket URL (s3://BUCKET/PREFIX?endpoint=…&region=…, AWS_* credentials).
    """
    resume_collector()  # a backup goes through every row and file, without the services that would resume it


@backup.command("create")
@DEST
@pass_runtime
def create(runtime: Runtime, dest: str) -> None:
    """Write a consistent snapshot into DEST while the app runs (a new folder or prefix each time)."""
    summarize(with_progress(_("Backing up"), dest, backups(runtime.settings).create))


@backup.command("verify")
@DEST
@pass_runtime
def verify(runtime: Runtime, dest: str) -> None:
    """Re-read the backup at DEST and compare every file with its manifest (exit 1 on any mismatch)."""
    summarize(with_progress(_("Verifying"), dest, backups(runtime.settings).verify))


@backup.command("restore")
@DEST
@pass_runtime
def restore(runtime: Runtime, dest: str) -> None:
    """Restore DEST into the configured, empty data folder and database; every file is checked."""
    settings = runtime.settings
    if settings.data_dir.is_dir() and any(settings.data_dir.iterdir()):
        not_empty = _("the data folder %(folder)s is not empty: restore only into an empty one")
        raise CliError(not_empty % {"folder": settings.data_dir})
    summarize(with_progress(_("Restoring"), dest, backups(settings).restore))


COMMANDS: list[click.Command] = [backup]
