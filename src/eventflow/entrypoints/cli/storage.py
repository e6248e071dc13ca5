"""``archive``, ``restore``, ``purge`` and ``storage``: keeping the 30 GB disk healthy (cron runs ``archive``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from eventflow.bootstrap import store_at
from eventflow.config import BucketUrl, Settings
from eventflow.core.model import Asset
from eventflow.core.services.storage import Leftover, Plan, Summary
from eventflow.entrypoints import presenters
from eventflow.entrypoints.cli.common import Runtime, _, cli_texts, echo_json, echo_table, json_option, pass_runtime
from eventflow.entrypoints.startup import reclaim_leftovers

VERBS = {"archived": "moved to cold storage", "deleted": "deleted", "restored": "brought back", "purged": "purged"}


def human(size: int) -> str:
    """Bytes for people, as pages and e-mails write them, in the command line's language: 1.4 GB, 350 MB, 1,4 Go."""
    return cli_texts().format_size(size)


def show_plan(plan: Plan, verb: str) -> None:
    click.echo(f"Would {verb} {len(plan.assets)} file(s), {human(plan.bytes)}, of {len(plan.events)} event(s):")
    for event in plan.events:
        mine = [a for a in plan.assets if a.event_id == event.id]
        click.echo(
            f"  {event.date}  {event.name} (id {event.id}): {len(mine)} file(s), {human(sum(a.size for a in mine))}"
        )


def run_with_progress(plan: Plan, label: str, job: Callable[[Callable[[Asset], None]], Summary]) -> Summary:
    with click.progressbar(length=len(plan.assets), label=label, show_pos=True) as bar:
        return job(lambda _asset: bar.update(1))


def describe(leftover: Leftover) -> str:
    if leftover.place == "quota":
        return f"quota: {human(leftover.size)} held by {leftover.owner} (ended)"
    return f"{leftover.place}: {leftover.name} ({human(leftover.size)}) left by {leftover.owner} (ended)"


def reclaim(runtime: Runtime) -> None:
    """The sweep every command that writes starts with: say what it reclaimed, if anything."""
    reclaimed = reclaim_leftovers(runtime.services)
    for leftover in reclaimed:
        click.echo(f"Reclaimed {describe(leftover)}")


def finish(summary: Summary) -> None:
    """One line of what was done; any file that could not be handled on stderr, with exit code 1."""
    click.echo(
        f"{summary.action.capitalize()}: {summary.files} file(s) of {len(summary.events)} event(s) "
        f"{VERBS[summary.action]}; {human(summary.freed_bytes)} freed on the hot disk"
        + (f", {human(summary.moved_bytes)} copied." if summary.moved_bytes else ".")
    )
    if summary.problems:
        for problem in summary.problems:
            click.echo(f"  not done: {problem}", err=True)
        raise click.ClickException(f"{len(summary.problems)} file(s) were left as they were; run again once fixed")


@click.command()
@click.option("--older-than-days", type=click.IntRange(min=0), default=None, help="Events more than N days past (30).")
@click.option("--event", "event_id", type=click.IntRange(min=1), help="Archive this one event now, whatever its date.")
@click.option(
    "--delete", is_flag=True, help="Delete the files (after an alert e-mail to admins) instead of moving them."
)
@click.option("--dry-run", is_flag=True, help="Only say what would be done.")
@pass_runtime
def archive(runtime: Runtime, older_than_days: int | None, event_id: int | None, delete: bool, dry_run: bool) -> None:
    """Move the files of past events to cold storage (EVENTFLOW_COLD_DIR), or delete them with --delete.

    Details, previews and history stay. Safe to rerun after a crash: it finishes the job.
    """
    storage = runtime.services.storage
    if not dry_run:
        reclaim(runtime)
    plan = storage.archive_plan(older_than_days, event_id)
    verb = "delete" if delete else "archive"
    if dry_run or not plan.assets:
        show_plan(plan, verb)
        return
    label = "Deleting" if delete else "Archiving"
    finish(run_with_progress(plan, label, lambda on: storage.archive(None, plan, delete, on)))


@click.command("archive-event")
@click.argument("event_id", type=click.IntRange(min=1), metavar="EVENT")
@click.option("--dry-run", is_flag=True, help="Only say what would be done.")
@click.pass_context
def archive_event(ctx: click.Context, event_id: int, dry_run: bool) -> None:
    """Archive the files of EVENT (its id) now; the same as ``archive --event EVENT``."""
    ctx.invoke(archive, event_id=event_id, dry_run=dry_run)


@click.command()
@click.argument("event_id", type=click.IntRange(min=1), metavar="EVENT")
@pass_runtime
def restore(runtime: Runtime, event_id: int) -> None:
    """Bring the archived files of EVENT (its id) back from cold storage."""
    storage = runtime.services.storage
    reclaim(runtime)
    plan = storage.restore_plan(event_id)
    finish(run_with_progress(plan, "Restoring", lambda on: storage.restore(None, plan, on)))


@click.command()
@click.option("--event", "event_id", type=click.IntRange(min=1), help="Only this event.")
@click.option("--dry-run", is_flag=True, help="Only say what would be freed.")
@pass_runtime
def purge(runtime: Runtime, event_id: int | None, dry_run: bool) -> None:
    """Free superseded versions (never a slot's latest or approved one); their details stay."""
    storage = runtime.services.storage
    if not dry_run:
        reclaim(runtime)
    plan = storage.purge_plan(event_id)
    if dry_run or not plan.assets:
        show_plan(plan, "purge")
        return
    finish(run_with_progress(plan, "Purging", lambda on: storage.purge(None, plan, on)))


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def storage(ctx: click.Context, as_json: bool) -> None:
    """Disk usage: used, quota, free on the volume, biggest events, what archiving would free."""
    if ctx.invoked_subcommand is not None:
        return
    runtime = ctx.find_object(Runtime)
    assert runtime is not None, "the eventflow group sets the runtime"
    report = runtime.services.storage.report()
    if as_json:
        echo_json(presenters.Storage.json(report))
        return
    used, quota = human(report.used_bytes), human(report.quota_bytes)
    click.echo(
        _("Used:       %(used)s of %(quota)s (%(percent)s%%)")
        % {"used": used, "quota": quota, "percent": report.percent}
    )
    if report.reserved_bytes:
        click.echo(_("Reserved:   %(size)s by uploads under way") % {"size": human(report.reserved_bytes)})
    click.echo(_("Free disk:  %(size)s on the volume") % {"size": human(report.disk_free_bytes)})
    archivable = {"size": human(report.archivable_bytes), "days": report.archive_after_days}
    click.echo(_("Archivable: %(size)s (events over %(days)s days past)") % archivable)
    rows = [(u.event.id, u.event.date, u.event.name, human(u.hot_bytes)) for u in report.biggest_events]
    click.echo(_("Biggest events:"))
    headers = (_("ID"), _("DATE"), _("EVENT"), _("SIZE"))
    echo_table(headers, rows, empty=_("  none: no files stored yet"))


@storage.command("check")
@click.option(
    "--repair",
    is_flag=True,
    help="First reclaim what processes that ended and expired uploads left (temporary files, quota holds).",
)
@pass_runtime
def storage_check(runtime: Runtime, repair: bool) -> None:
    """Compare the database with the files on disk and report any drift, including temporary files and quota holds
    left by processes that ended (exit 1 when there is some)."""
    if repair:
        reclaim(runtime)
    drift = runtime.services.storage.check()
    for line in drift.missing + drift.wrong_size:
        click.echo(f"  {line}", err=True)
    for store, key, size in drift.orphans:
        click.echo(f"  {store} store: {key} ({human(size)}) belongs to no file in the database", err=True)
    for leftover in drift.leftovers:
        click.echo(f"  {describe(leftover)}", err=True)
    if drift.leftovers:
        click.echo("  run `eventflow storage check --repair` to reclaim what processes that ended left", err=True)
    if not drift.ok:
        problems = len(drift.missing) + len(drift.wrong_size) + len(drift.orphans) + len(drift.leftovers)
        raise click.ClickException(_("%(count)s difference(s) between the database and the disk") % {"count": problems})
    click.echo(_("Checked %(count)s file(s): the database and the disk agree.") % {"count": drift.checked})


@storage.command("migrate")
@click.option("--to", "target", required=True, metavar="URL", help="A bucket URL (s3://BUCKET/PREFIX?…) or a folder.")
@click.option("--store", type=click.Choice(["hot", "cold"]), default="hot", show_default=True, help="Which store.")
@pass_runtime
def storage_migrate(runtime: Runtime, target: str, store: str) -> None:
    """Copy every file of a store to another place, checked; rerun it to finish or catch up. Nothing is deleted.

    Then point EVENTFLOW_HOT_URL (or EVENTFLOW_COLD_URL) at the new place and restart eventflow.
    """
    services = runtime.services
    destination = store_at(target, store, "--to")
    if _same_place(runtime.settings, store, target):
        raise click.ClickException(f"--to names the {store} store itself: give another place")
    plan = services.migration.plan(store)
    with click.progressbar(length=len(plan), label="Copying", show_pos=True) as bar:
        result = services.migration.migrate(store, destination, lambda _file: bar.update(1))
    click.echo(
        f"Copied {result.copied} file(s), {human(result.copied_bytes)}, of the {store} store to {target}; "
        f"{result.already_there} already there. Nothing was deleted."
    )
    if result.problems:
        for problem in result.problems:
            click.echo(f"  not copied: {problem}", err=True)
        raise click.ClickException(f"{len(result.problems)} file(s) were not copied; run again once fixed")
    variable = "EVENTFLOW_HOT_URL" if store == "hot" else "EVENTFLOW_COLD_URL"
    click.echo(f"Next: stop eventflow, run this again to catch up, set {variable}={target!r}, start it again.")


def _same_place(settings: Settings, store: str, target: str) -> bool:
    url = settings.hot_url if store == "hot" else settings.cold_url
    folder = settings.files_dir if store == "hot" else settings.cold_dir
    if target.startswith("s3://"):
        return url is not None and BucketUrl.parse(target, "--to").overlaps(url)
    return url is None and Path(target).expanduser().resolve() == folder


COMMANDS: list[click.Command] = [archive, archive_event, restore, purge, storage]
