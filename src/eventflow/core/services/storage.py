"""The disk: usage report, archive to cold storage (or deletion), restore, purge of superseded versions, drift check,
and the sweep of what dead processes and expired uploads left behind.

Each job is planned first (``*_plan``: what would move and how many bytes; the dry run stops there), then run
file by file, crash-safe: copy into the other store under the same key, verify the copy's sha256 against the
database, commit the new location, and only then delete the old copy. A rerun after a crash (``kill -9``)
plans the same files again, including copies left behind after the commit, and finishes the job with nothing
lost. Metadata, previews and history always stay.

Temporary files, the bytes of unfinished resumable uploads and quota holds are kept by a lease (``Lease``): the
sweep (``reclaim``: at start, and by ``eventflow storage check --repair``) removes whatever a dead lease kept, and
never what a live one keeps. Files are listed before the leases are read, and a lease is stored before its first
file is written: a file listed with a lease the read does not show is truly a leftover.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from attrs import define, field, frozen

from eventflow.core import errors, rules, rules_review
from eventflow.core.i18n import N_, Message, Value
from eventflow.core.model import Asset, Deliverable, Event, Language, Role, Status, StorageTier
from eventflow.core.ports import BlobStore, LeasedFile, LeasedFiles, Notifier, UnitOfWork
from eventflow.core.replay import replayed
from eventflow.core.services import Actor, Context, record, require_admin
from eventflow.core.services.assets import LeaseCensus, Quota
from eventflow.core.services.migration import failed, file_label, preview_label

ARCHIVE_AFTER_DAYS = 30
BIGGEST_EVENTS = 5
OnFile = Callable[[Asset], None]


@frozen
class EventUsage:
    event: Event
    hot_bytes: int


@frozen
class StorageReport:
    used_bytes: int
    quota_bytes: int
    reserved_bytes: int
    disk_free_bytes: int
    biggest_events: list[EventUsage]
    archivable_bytes: int
    archive_after_days: int
    full_on: dt.date | None = None  # when the quota is full at the pace of the last 90 days; None: not growing

    @property
    def archive_would_free_bytes(self) -> int:
        """What the next ``eventflow archive`` (cron's, on its defaults) would free."""
        return self.archivable_bytes

    @property
    def percent(self) -> float:
        return round(100 * self.used_bytes / self.quota_bytes, 1) if self.quota_bytes else 0.0


@frozen
class Plan:
    """The files a job would touch, and the events they belong to."""

    events: list[Event]
    assets: list[Asset]

    @property
    def bytes(self) -> int:
        return sum(a.size for a in self.assets)


@define
class Summary:
    """What a job did: files handled, bytes freed on the hot disk, bytes written to the other store, problems."""

    action: str
    events: list[Event]
    files: int = 0
    freed_bytes: int = 0
    moved_bytes: int = 0
    problems: list[Message] = field(factory=list)


@frozen
class Leftover:
    """What a dead lease kept: a temporary file, the bytes of an unfinished upload, or a quota hold."""

    place: str  # "hot store", "cold store", "unfinished uploads" or "quota"
    name: str
    size: int
    owner: str  # who left it


@frozen
class Drift:
    """Database rows without their file, files of the wrong size, files no row knows (store, key, size), and what
    dead leases left behind."""

    checked: int
    missing: list[Message]
    wrong_size: list[Message]
    orphans: list[tuple[str, str, int]]
    leftovers: list[Leftover] = field(factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.wrong_size or self.orphans or self.leftovers)


#: Where leftovers lie and who left them, as the command line names them (translated there).
UNFINISHED_UPLOADS = N_("unfinished uploads")
UNKNOWN_OWNER = N_("an unknown process or upload")


@define
class StorageService:
    ctx: Context
    hot: BlobStore
    cold: BlobStore
    quota: Quota
    notifier: Notifier
    uploads: LeasedFiles
    archive_after_days: int = ARCHIVE_AFTER_DAYS

    # -- report ------------------------------------------------------------------------------------------------
    def report(self, biggest: int = BIGGEST_EVENTS) -> StorageReport:
        with self.ctx.uow(read_only=True) as uow:
            events, assets = _everything(uow)
            used, reserved = uow.assets.stored_bytes(), uow.reservations.total()
        per_event: dict[int, int] = defaultdict(int)
        for a in assets:
            per_event[a.event_id] += _hot_bytes(a)
        by_id = {e.id: e for e in events}
        ranked = sorted(((n, i) for i, n in per_event.items() if n), reverse=True)[:biggest]
        outlook = storage_outlook(events, assets, used, self.quota.quota_bytes, self.ctx, self.archive_after_days)
        return StorageReport(
            used_bytes=used,
            quota_bytes=self.quota.quota_bytes,
            reserved_bytes=reserved,
            disk_free_bytes=self.hot.free_bytes(),
            biggest_events=[EventUsage(by_id[i], n) for n, i in ranked],
            archivable_bytes=outlook.archive_would_free_bytes,
            archive_after_days=self.archive_after_days,
            full_on=outlook.full_on,
        )

    # -- archive -----------------------------------------------------------------------------------------------
    def archive_plan(self, older_than_days: int | None = None, event_id: int | None = None) -> Plan:
        """Past events' hot files (or one event's), plus hot copies a crashed run left behind."""
        if older_than_days is not None and older_than_days < 0:
            raise errors.InvalidInput("the number of days must be 0 or more", "older_than_days")
        cutoff = self._cutoff(self.archive_after_days if older_than_days is None else older_than_days)
        with self.ctx.uow(read_only=True) as uow:
            events, assets = _everything(uow, event_id)
        chosen = {e.id for e in events if event_id is not None or e.date < cutoff}
        return _plan(events, [a for a in assets if a.event_id in chosen and self._on_hot(a)])

    def archive(self, actor: Actor, plan: Plan, delete: bool = False, on_file: OnFile | None = None) -> Summary:
        """Move the planned files to cold storage, or with ``delete`` remove them after alerting the admins."""
        require_admin(actor)
        summary = Summary("deleted" if delete else "archived", plan.events)
        if delete and plan.assets:
            self._warn_admins_of_deletion(plan)
        for asset in plan.assets:
            self._run(summary, asset, self._delete_hot if delete else self._to_cold, on_file)
        self._mark_events(actor, summary, archived=True)
        return summary

    def restore_plan(self, event_id: int) -> Plan:
        with self.ctx.uow(read_only=True) as uow:
            events, assets = _everything(uow, event_id)
        return _plan(events, [a for a in assets if a.location is StorageTier.COLD or self._left_in_cold(a)])

    def restore(self, actor: Actor, plan: Plan, on_file: OnFile | None = None) -> Summary:
        """Bring an event's archived files back to the hot store (deleted ones cannot come back)."""
        require_admin(actor)
        summary = Summary("restored", plan.events)
        needed = sum(a.size for a in plan.assets if a.location is StorageTier.COLD)
        hold = self.quota.reserve(needed)
        try:
            for asset in plan.assets:
                self._run(summary, asset, self._to_hot, on_file)
        finally:
            self.quota.release(hold)
        self._mark_events(actor, summary, archived=False)
        return summary

    # -- purge -------------------------------------------------------------------------------------------------
    def purge_plan(self, event_id: int | None = None) -> Plan:
        """Superseded versions still stored: never a slot's latest version, never its approved one."""
        with self.ctx.uow(read_only=True) as uow:
            events, assets = _everything(uow, event_id)
            slots = uow.deliverables.list_for_events([e.id for e in events if e.id is not None])
        keep = _kept_versions(slots, assets)
        stale = [
            a
            for a in assets
            if a.deliverable_id is not None and a.id not in keep and a.location is not StorageTier.PURGED
        ]
        return _plan(events, stale)

    def purge(self, actor: Actor, plan: Plan, on_file: OnFile | None = None) -> Summary:
        require_admin(actor)
        summary = Summary("purged", plan.events)
        for asset in plan.assets:
            self._run(summary, asset, self._delete_hot, on_file)
        for event in summary.events:
            self._record(actor, "storage.purged", event, summary)
        return summary

    # -- a night deleted ---------------------------------------------------------------------------------------
    def erase_event_files(self, actor: Actor, event_id: int) -> int:
        """Before a night is deleted: forget every file it holds, one by one as ``purge`` does (marked purged and
        committed, then its bytes removed from both stores), and its preview. A crash halfway leaves the rest as it
        was: erasing again finds the same files and finishes. How many files the night held."""
        require_admin(actor)
        with self.ctx.uow(read_only=True) as uow:
            _, assets = _everything(uow, event_id)
        summary = Summary("deleted", [])
        for asset in assets:
            self._delete_hot(asset, summary)
            if asset.preview_key:
                self.hot.delete(asset.preview_key)
        return len(assets)

    # -- drift -------------------------------------------------------------------------------------------------
    def check(self) -> Drift:
        """Compare the database with both stores: missing files, wrong sizes, files nobody references."""
        with self.ctx.uow(read_only=True) as uow:
            _, assets = _everything(uow)
        expected: dict[str, dict[str, tuple[int, Message]]] = {"hot": {}, "cold": {}}
        for a in assets:
            label = file_label(a)
            if a.location is not StorageTier.PURGED:
                expected[a.location.value][a.storage_key] = (a.size, label)
            if a.preview_key:
                expected["hot"][a.preview_key] = (a.preview_size, preview_label(label))
        missing: list[Message] = []
        wrong: list[Message] = []
        orphans = []
        for name, store in (("hot", self.hot), ("cold", self.cold)):
            for key, (size, label) in expected[name].items():
                actual = store.size(key)
                values: dict[str, Value] = {"file": label, "store": name, "key": key, "size": size}
                if actual is None:
                    missing.append(Message(N_("%(file)s is missing from the %(store)s store (%(key)s)"), values))
                elif actual != size:
                    wrong.append(
                        Message(
                            N_("%(file)s is %(actual)s bytes in the %(store)s store, %(size)s in the database"),
                            {**values, "actual": actual},
                        )
                    )
            orphans += [(name, k, store.size(k) or 0) for k in store.list_keys() if k not in expected[name]]
        return Drift(len(assets), missing, wrong, orphans, self.leftovers())

    # -- leftovers of dead leases ------------------------------------------------------------------------------
    def leftovers(self) -> list[Leftover]:
        """What dead leases left: temporary files, unfinished uploads' bytes, quota holds (nothing is changed)."""
        files = self._leased_files(self._places())
        with self.ctx.uow(read_only=True) as uow:
            census = self.quota.census(uow)
        return _leftovers(files, census)

    def reclaim(self, only_uploads: bool = False) -> list[Leftover]:
        """Remove what dead leases left, and forget those leases; returns what was reclaimed. ``only_uploads``:
        look at unfinished uploads (and the holds) only, not through the stores."""
        places = {UNFINISHED_UPLOADS: self.uploads} if only_uploads else self._places()
        files = self._leased_files(places)
        with self.ctx.uow() as uow:
            uow.reservations.lock()
            census = self.quota.reclaim(uow)
            uow.leases.delete(lease.id for lease in census.dead if not (only_uploads and lease.of_process))
            if census.dead or census.orphan_holds:
                uow.commit()
        found = _leftovers(files, census)
        for leftover in found:
            if leftover.place in places:
                places[leftover.place].remove_leased(leftover.name)
        return found

    def _places(self) -> dict[str, LeasedFiles]:
        return {"hot store": self.hot, "cold store": self.cold, UNFINISHED_UPLOADS: self.uploads}

    @staticmethod
    def _leased_files(places: Mapping[str, LeasedFiles]) -> list[tuple[str, LeasedFile]]:
        return [(place, file) for place, where in places.items() for file in where.leased_files()]

    # -- one file ----------------------------------------------------------------------------------------------
    def _run(
        self, summary: Summary, asset: Asset, step: Callable[[Asset, Summary], None], on_file: OnFile | None
    ) -> None:
        try:
            step(asset, summary)
            summary.files += 1
        except errors.StoreUnavailable:
            raise  # every file after this one would fail the same way: stop, a rerun finishes the job
        except errors.EventflowError as exc:
            summary.problems.append(failed(file_label(asset), exc))
        if on_file:
            on_file(asset)

    def _to_cold(self, asset: Asset, summary: Summary) -> None:
        if asset.location is StorageTier.HOT:
            self._copy(asset, self.hot, self.cold)
            self._set_location(asset, StorageTier.COLD)
            summary.moved_bytes += asset.size
        summary.freed_bytes += asset.size
        self.hot.delete(asset.storage_key)

    def _to_hot(self, asset: Asset, summary: Summary) -> None:
        if asset.location is StorageTier.COLD:
            self._copy(asset, self.cold, self.hot)
            self._set_location(asset, StorageTier.HOT)
            summary.moved_bytes += asset.size
        self.cold.delete(asset.storage_key)

    def _delete_hot(self, asset: Asset, summary: Summary) -> None:
        """Forget the bytes (hot or cold copy); the row stays, marked purged."""
        if asset.location is not StorageTier.PURGED:
            self._set_location(asset, StorageTier.PURGED)
        if self.hot.exists(asset.storage_key):
            summary.freed_bytes += asset.size
        self.hot.delete(asset.storage_key)
        self.cold.delete(asset.storage_key)

    def _copy(self, asset: Asset, source: BlobStore, target: BlobStore) -> None:
        with source.open(asset.storage_key) as stream:
            copied = target.put(stream, key=asset.storage_key)
        if copied.sha256 != asset.sha256 or copied.size != asset.size:
            target.delete(asset.storage_key)
            raise errors.Conflict("its bytes no longer match the checksum taken at upload; it was left where it is")

    @replayed
    def _set_location(self, asset: Asset, tier: StorageTier) -> None:
        assert asset.id is not None
        with self.ctx.uow() as uow:
            stored = uow.assets.get_for_update(asset.id)
            if stored is None:
                raise errors.NotFound("file", asset.id)
            before = uow.assets.stored_bytes()
            stored.location = tier
            uow.assets.update(stored)
            self.quota.alert_if_crossed(uow, before)
            uow.commit()

    # -- helpers -----------------------------------------------------------------------------------------------
    def _on_hot(self, asset: Asset) -> bool:
        return asset.location is StorageTier.HOT or self.hot.exists(asset.storage_key)

    def _left_in_cold(self, asset: Asset) -> bool:
        return asset.location is StorageTier.HOT and self.cold.exists(asset.storage_key)

    def _cutoff(self, days: int) -> dt.date:
        return self.ctx.clock.today() - dt.timedelta(days=days)

    def _warn_admins_of_deletion(self, plan: Plan) -> None:
        """One e-mail per language to the active admins, before anything is deleted."""
        readers: dict[Language, list[str]] = defaultdict(list)
        with self.ctx.uow(read_only=True) as uow:
            for user in uow.users.list():
                if user.role is Role.ADMIN and user.active:
                    readers[user.language].append(user.email)
        lines = [f"- {e.date} {e.name}" for e in plan.events]
        for language, admins in readers.items():
            texts = self.ctx.translations(language)
            subject = texts.gettext("eventflow: deleting the files of %(count)s past event(s)")
            body = texts.gettext(
                "%(files)s file(s), %(size)s, are being deleted to free the disk (no cold storage copy is kept). "
                "Their details, previews and history stay."
            )
            values = {"count": len(plan.events), "files": len(plan.assets), "size": texts.format_size(plan.bytes)}
            self.notifier.send(admins, subject % values, "\n".join([body % values, *lines]))

    def _mark_events(self, actor: Actor, summary: Summary, archived: bool) -> None:
        for event in summary.events:
            assert event.id is not None
            with self.ctx.uow() as uow:
                stored = uow.events.get_for_update(event.id)
                if stored is None:
                    continue
                stored.archived_at = self.ctx.clock.now() if archived else None
                uow.events.update(stored)
                uow.commit()
            self._record(actor, f"event.{summary.action}", event, summary)

    def _record(self, actor: Actor, action: str, event: Event, summary: Summary) -> None:
        with self.ctx.uow() as uow:
            after = {"files": summary.files, "freed_bytes": summary.freed_bytes, "moved_bytes": summary.moved_bytes}
            record(self.ctx, uow, actor, action, "event", event.id, event.id, after=after)
            uow.commit()


def _leftovers(files: Iterable[tuple[str, LeasedFile]], census: LeaseCensus) -> list[Leftover]:
    owners = {lease.id: lease.owner for lease in census.dead}
    found = [
        Leftover(place, file.name, file.size, owners.get(file.lease_id or "", UNKNOWN_OWNER))
        for place, file in files
        if file.lease_id not in census.live
    ]
    return found + [
        Leftover("quota", f"hold {hold.id}", hold.size, owners.get(hold.lease_id, UNKNOWN_OWNER))
        for hold in census.orphan_holds
    ]


@frozen
class Outlook:
    """Where the disk is heading: the day the quota is full at the pace of the last 90 days of uploads (None when
    usage is not growing), and what the next cron archive (events past ``archive_after_days``) would free."""

    full_on: dt.date | None
    archive_would_free_bytes: int


def storage_outlook(
    events: Iterable[Event],
    assets: Iterable[Asset],
    used: int,
    quota: int,
    ctx: Context,
    archive_after_days: int = ARCHIVE_AFTER_DAYS,
) -> Outlook:
    today, local = ctx.clock.today(), ctx.clock.local_date
    dates = {e.id: e.date for e in events}
    cutoff = today - dt.timedelta(days=archive_after_days)
    assets = list(assets)
    return Outlook(
        full_on=rules.full_on(((local(a.created_at), a.size + a.preview_size) for a in assets), used, quota, today),
        archive_would_free_bytes=sum(
            a.size for a in assets if a.location is StorageTier.HOT and dates[a.event_id] < cutoff
        ),
    )


def read_outlook(uow: UnitOfWork, quota: int, ctx: Context) -> Outlook:
    """The outlook of everything stored, read in ``uow``."""
    events, assets = _everything(uow)
    return storage_outlook(events, assets, uow.assets.stored_bytes(), quota, ctx)


def _everything(uow: UnitOfWork, event_id: int | None = None) -> tuple[list[Event], list[Asset]]:
    if event_id is None:
        events = uow.events.list()
    else:
        event = uow.events.get(event_id)
        if event is None:
            raise errors.NotFound("event", event_id)
        events = [event]
    return events, uow.assets.list_for_events([e.id for e in events if e.id is not None])


def _plan(events: Iterable[Event], assets: list[Asset]) -> Plan:
    ids = {a.event_id for a in assets}
    return Plan([e for e in events if e.id in ids], assets)


def _hot_bytes(asset: Asset) -> int:
    return (asset.size if asset.location is StorageTier.HOT else 0) + asset.preview_size


def _kept_versions(slots: Iterable[Deliverable], assets: Iterable[Asset]) -> set[int | None]:
    """Per slot: the latest version, the current one (a newer upload set aside is kept too: it is the latest) and
    the approved one."""
    versions: dict[int, list[Asset]] = defaultdict(list)
    for a in assets:
        if a.deliverable_id is not None:
            versions[a.deliverable_id].append(a)
    keep: set[int | None] = set()
    for slot in slots:
        mine = sorted(versions.get(slot.id or 0, []), key=lambda a: a.version or 0)
        if not mine:
            continue
        current = rules_review.current_version(slot, mine)
        approved = rules_review.version_numbered(mine, slot.approved_version or 0)
        keep |= {a.id for a in (mine[-1], current, approved if slot.status is Status.APPROVED else None) if a}
    return keep
