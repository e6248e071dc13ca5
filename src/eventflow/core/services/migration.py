"""Moving a store's files to another place (``eventflow storage migrate --to URL``), resumable.

The database says which files a store holds (originals by their location, previews always in the hot store);
each is copied under the same key and checked (sha256 for originals, size for previews) before it counts.
A file the target already holds at its size was copied by an earlier run and is skipped, so a run cut short
(``kill -9``, a server gone) is finished by running it again. Nothing is deleted: once the app runs on the
new store and ``storage check`` agrees, the old place can be removed by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from attrs import define, field, frozen

from eventflow.core import errors
from eventflow.core.i18n import N_, Message
from eventflow.core.model import Asset, StorageTier
from eventflow.core.ports import BlobStore
from eventflow.core.services import Context

STORES = ("hot", "cold")


@frozen
class StoredFile:
    """A file the database says a store holds: an original (its sha256 known) or a preview (its size only)."""

    store: str
    key: str
    size: int
    sha256: str | None
    label: Message  # how a problem line names it, in its reader's language


def file_label(asset: Asset) -> Message:
    """How problem lines name a file people uploaded: its id and its name."""
    return Message(N_("file %(id)s (%(name)r)"), {"id": str(asset.id), "name": asset.filename})


def preview_label(label: Message) -> Message:
    return Message(N_("preview of %(file)s"), {"file": label})


def failed(label: Message, error: errors.EventflowError) -> Message:
    """A problem line: the file that could not be handled, and why."""
    return Message(N_("%(file)s: %(error)s"), {"file": label, "error": error.message})


def stored_files(assets: Iterable[Asset]) -> list[StoredFile]:
    """Every file the rows ``assets`` keep in a store: originals not purged, and their previews."""
    files = []
    for a in assets:
        label = file_label(a)
        if a.location is not StorageTier.PURGED:
            files.append(StoredFile(a.location.value, a.storage_key, a.size, a.sha256, label))
        if a.preview_key:
            files.append(StoredFile("hot", a.preview_key, a.preview_size, None, preview_label(label)))
    return files


def copy_verified(file: StoredFile, source: BlobStore, target: BlobStore) -> None:
    """Copy ``file`` under its key and check the copy; a copy that does not match is removed (Conflict)."""
    with source.open(file.key) as stream:
        copied = target.put(stream, key=file.key)
    if copied.size != file.size or (file.sha256 is not None and copied.sha256 != file.sha256):
        target.delete(file.key)
        raise errors.Conflict("its bytes no longer match the checksum taken at upload; it was not copied")


@define
class Migration:
    """What a migration did: files copied, files the target already had, bytes copied, problems."""

    files: list[StoredFile]
    copied: int = 0
    already_there: int = 0
    copied_bytes: int = 0
    problems: list[Message] = field(factory=list)


@define
class MigrationService:
    ctx: Context
    stores: dict[str, BlobStore]

    def plan(self, store: str) -> list[StoredFile]:
        """The files the database keeps in ``store`` (hot or cold)."""
        if store not in STORES:
            raise errors.InvalidInput("the store must be hot or cold, not %(store)r", "store", store=store)
        with self.ctx.uow(read_only=True) as uow:
            events = uow.events.list()
            assets = uow.assets.list_for_events([e.id for e in events if e.id is not None])
        return [f for f in stored_files(assets) if f.store == store]

    def migrate(self, store: str, target: BlobStore, on_file: Callable[[StoredFile], None] | None = None) -> Migration:
        """Copy the store's files to ``target``, skipping those it already holds; the source is left as it is."""
        result = Migration(self.plan(store))
        for file in result.files:
            try:
                self._migrate_one(file, self.stores[store], target, result)
            except errors.StoreUnavailable:
                raise  # every later file would fail the same way: a rerun picks up from here
            except errors.EventflowError as exc:
                result.problems.append(failed(file.label, exc))
            if on_file:
                on_file(file)
        return result

    def _migrate_one(self, file: StoredFile, source: BlobStore, target: BlobStore, result: Migration) -> None:
        if target.size(file.key) == file.size:
            result.already_there += 1
            return
        copy_verified(file, source, target)
        result.copied += 1
        result.copied_bytes += file.size
