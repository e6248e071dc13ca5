"""Review support: the team's settings (a second pair of eyes) and the pages of a PDF version, to compare them."""

from __future__ import annotations

from attrs import define, frozen

from eventflow.core import errors
from eventflow.core.commands import UNCHANGED, Unchanged
from eventflow.core.model import TeamSettings
from eventflow.core.ports import EncodedImage, MediaProbe
from eventflow.core.replay import replayed
from eventflow.core.rules_review import PAGED_TYPES
from eventflow.core.services import Actor, Context, changes, record, require_admin
from eventflow.core.services.assets import AssetService

#: The long edge of a PDF page shown to compare versions: sharp on a large screen, a few hundred KB.
PAGE_EDGE = 1600


@frozen
class SettingsChange:
    """The settings an admin changes; the others stay ``UNCHANGED``."""

    second_pair_of_eyes: bool | Unchanged = UNCHANGED


@define
class ReviewService:
    ctx: Context
    assets: AssetService
    probe: MediaProbe

    def settings(self) -> TeamSettings:
        with self.ctx.uow(read_only=True) as uow:
            return uow.settings.current()

    @replayed
    def change_settings(self, actor: Actor, change: SettingsChange) -> TeamSettings:
        """An admin sets how the team reviews; the change is recorded."""
        require_admin(actor)
        with self.ctx.uow() as uow:
            before = uow.settings.current()
            after = before
            if change.second_pair_of_eyes is not UNCHANGED:
                after = TeamSettings(second_pair_of_eyes=change.second_pair_of_eyes)
            old, new = changes(_snapshot(before), _snapshot(after))
            if new:
                uow.settings.update(after)
                record(self.ctx, uow, actor, "settings.updated", "settings", None, before=old, after=new)
            uow.commit()
        return after

    def page(self, asset_id: int, number: int, edge: int = PAGE_EDGE) -> EncodedImage:
        """Page ``number`` (from 1) of a PDF version as an image, made on request (PDFs are compared page by page)."""
        download = self.assets.content(asset_id)
        if download.asset.content_type not in PAGED_TYPES:
            raise errors.InvalidInput(
                "%(filename)r is not a PDF: it has no pages", "page", filename=download.asset.filename
            )
        with download.open() as source:
            return self.probe.page(source, number, edge)


def _snapshot(settings: TeamSettings) -> dict[str, object]:
    return {"second_pair_of_eyes": settings.second_pair_of_eyes}
