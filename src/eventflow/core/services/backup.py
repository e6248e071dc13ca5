"""Backups that restore: ``eventflow backup create|verify|restore DEST`` (a folder or a bucket prefix).

``create`` takes a consistent snapshot of the database while the app runs (the adapter's job), then lists every
file that snapshot references with its size and sha256 — the manifest — and copies the files of the stores kept
in folders into the backup, each checked on the way. Files of a store that lives in a bucket are only listed
(and found there at their size): the bucket keeps them. The manifest is written last: a backup without one is
unfinished, and running ``create`` again into it finishes it, skipping the files already copied.

``verify`` re-reads everything the backup holds and compares it with the manifest. ``restore`` refuses a database
or a store folder that already holds something, loads the dump, copies the files back and checks each one.
Every step reports problems instead of stopping at the first, and the caller exits non-zero when there is any.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from typing import Any

from attrs import asdict, define, field, frozen

from eventflow.core import errors
from eventflow.core.i18n import N_, Message
from eventflow.core.ports import BackupPlace, BlobStore, Clock, DatabaseBackup, DatabaseDump
from eventflow.core.services.migration import StoredFile, copy_verified, failed, stored_files

MANIFEST = "manifest.json"
FORMAT = 1
READ_CHUNK = 1024 * 1024


@frozen
class ManifestEntry:
    """One stored file: where it lives, its size and sha256, and whether the backup holds a copy."""

    store: str
    key: str
    size: int
    sha256: str
    copied: bool


@frozen
class Manifest:
    created_at: str
    database: DatabaseDump
    files: list[ManifestEntry]

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw: dict[str, Any] = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ValueError(f"format {raw.get('format')!r}")
            return cls(raw["created_at"], DatabaseDump(**raw["database"]), [ManifestEntry(**f) for f in raw["files"]])
        except (ValueError, KeyError, TypeError) as error:
            raise errors.InvalidInput(
                "the backup's %(manifest)s cannot be read (%(error)s)", manifest=MANIFEST, error=str(error)
            ) from None

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)


@define
class BackupReport:
    """What a backup command did: the manifest, files copied (or checked), bytes, problems."""

    action: str
    place: str
    manifest: Manifest | None = None
    copied: int = 0
    copied_bytes: int = 0
    in_buckets: int = 0
    problems: list[Message] = field(factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


#: Told after each file: how many are done, out of how many.
OnProgress = Callable[[int, int], None]


@define
class BackupService:
    clock: Clock
    database: DatabaseBackup
    stores: dict[str, BlobStore]
    #: The stores kept in folders (their files are copied into backups); the others live in buckets.
    copied_stores: frozenset[str]

    # -- create --------------------------------------------------------------------------------------------------
    def create(self, place: BackupPlace, on_file: OnProgress | None = None) -> BackupReport:
        if place.exists(MANIFEST):
            raise errors.Conflict(
                "%(place)s already holds a backup: give each backup its own place (e.g. a date)", place=str(place)
            )
        report = BackupReport("created", str(place))
        dump, assets = self.database.dump(place)
        files = stored_files(assets)
        entries = []
        for done, file in enumerate(files, 1):
            entry = self._keep(file, place, report)
            if entry is not None:
                entries.append(entry)
            if on_file:
                on_file(done, len(files))
        report.manifest = Manifest(self.clock.now().isoformat(), dump, entries)
        place.write(MANIFEST, io.BytesIO(report.manifest.to_json()))
        return report

    def _keep(self, file: StoredFile, place: BackupPlace, report: BackupReport) -> ManifestEntry | None:
        """Copy one file into the backup (or find it in its bucket); None, with a problem, when it is gone."""
        try:
            if file.store in self.copied_stores:
                sha256 = self._copy_in(file, place.files(file.store))
                report.copied += 1
                report.copied_bytes += file.size
            else:
                sha256 = file.sha256 or _sha256_of(self.stores[file.store], file.key)
                if self.stores[file.store].size(file.key) != file.size:
                    raise errors.NotFound(f"file in the {file.store} store", file.key)
                report.in_buckets += 1
        except errors.StoreUnavailable:
            raise
        except errors.EventflowError as exc:
            report.problems.append(failed(file.label, exc))
            return None
        return ManifestEntry(file.store, file.key, file.size, sha256, file.store in self.copied_stores)

    def _copy_in(self, file: StoredFile, target: BlobStore) -> str:
        """The file copied into the backup (skipped when an unfinished run copied it already): its sha256."""
        if target.size(file.key) == file.size and file.sha256 is not None:
            return file.sha256
        copy_verified(file, self._holder(file), target)
        return file.sha256 or _sha256_of(target, file.key)

    def _holder(self, file: StoredFile) -> BlobStore:
        """The store holding the file now: archiving may have moved it since the snapshot (same key)."""
        for name in (file.store, *(s for s in self.stores if s != file.store)):
            if self.stores[name].exists(file.key):
                return self.stores[name]
        raise errors.NotFound("file deleted since the snapshot", file.key)

    # -- verify --------------------------------------------------------------------------------------------------
    def verify(self, place: BackupPlace, on_file: OnProgress | None = None) -> BackupReport:
        manifest = self.manifest(place)
        report = BackupReport("verified", str(place), manifest)
        self._check_dump(place, manifest.database, report)
        for done, entry in enumerate(manifest.files, 1):
            self._check(entry, place, report)
            if on_file:
                on_file(done, len(manifest.files))
        return report

    def manifest(self, place: BackupPlace) -> Manifest:
        try:
            with place.open(MANIFEST) as f:
                return Manifest.from_json(f.read())
        except errors.NotFound:
            raise errors.NotFound("backup place", str(place)) from None  # no manifest: unfinished, or not a backup

    def _check_dump(self, place: BackupPlace, dump: DatabaseDump, report: BackupReport) -> None:
        try:
            with place.open(dump.name) as f:
                size, sha256 = _measure(f)
        except errors.NotFound:
            report.problems.append(Message(N_("the database dump %(name)s is missing"), {"name": dump.name}))
            return
        if (size, sha256) != (dump.size, dump.sha256):
            report.problems.append(
                Message(N_("the database dump %(name)s does not match the manifest (damaged)"), {"name": dump.name})
            )

    def _check(self, entry: ManifestEntry, place: BackupPlace, report: BackupReport) -> None:
        label = _entry_label(entry)
        if not entry.copied:
            if self.stores[entry.store].size(entry.key) == entry.size:
                report.in_buckets += 1
            else:
                report.problems.append(
                    Message(
                        N_("%(file)s is not in the %(store)s store's bucket at %(size)s bytes"),
                        {"file": label, "store": entry.store, "size": entry.size},
                    )
                )
            return
        try:
            with place.files(entry.store).open(entry.key) as f:
                size, sha256 = _measure(f)
        except errors.NotFound:
            report.problems.append(Message(N_("%(file)s is missing from the backup"), {"file": label}))
            return
        if (size, sha256) != (entry.size, entry.sha256):
            report.problems.append(
                Message(N_("%(file)s does not match its sha256 in the manifest (damaged)"), {"file": label})
            )
            return
        report.copied += 1
        report.copied_bytes += size

    # -- restore -------------------------------------------------------------------------------------------------
    def restore(self, place: BackupPlace, on_file: OnProgress | None = None) -> BackupReport:
        manifest = self.manifest(place)
        report = BackupReport("restored", str(place), manifest)
        self._refuse_unless_empty()
        self._check_dump(place, manifest.database, report)
        if report.problems:
            return report
        self.database.load(place, manifest.database)
        for done, entry in enumerate(manifest.files, 1):
            self._bring_back(entry, place, report)
            if on_file:
                on_file(done, len(manifest.files))
        return report

    def _refuse_unless_empty(self) -> None:
        if not self.database.is_empty():
            raise errors.Conflict("the database is not empty: restore only into a new, empty database")
        for name in sorted(self.copied_stores):
            if next(iter(self.stores[name].list_keys()), None) is not None:
                raise errors.Conflict(
                    "the %(name)s store already holds files: restore only into an empty data folder", name=name
                )

    def _bring_back(self, entry: ManifestEntry, place: BackupPlace, report: BackupReport) -> None:
        if not entry.copied:
            self._check(entry, place, report)
            return
        file = StoredFile(entry.store, entry.key, entry.size, entry.sha256, _entry_label(entry))
        try:
            copy_verified(file, place.files(entry.store), self.stores[entry.store])
        except errors.StoreUnavailable:
            raise
        except errors.EventflowError as exc:
            report.problems.append(failed(file.label, exc))
            return
        report.copied += 1
        report.copied_bytes += entry.size


def _entry_label(entry: ManifestEntry) -> Message:
    """How problem lines name a file of the manifest: its store and its key."""
    return Message(N_("%(store)s file %(key)s"), {"store": entry.store, "key": entry.key})


def _measure(stream: io.BufferedIOBase | Any) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(READ_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _sha256_of(store: BlobStore, key: str) -> str:
    with store.open(key) as f:
        return _measure(f)[1]
