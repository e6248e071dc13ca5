"""What admins configure: bars and their hardware, monthly themes, deliverable templates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import asdict, define, evolve

from eventflow.core import errors
from eventflow.core.commands import TemplateChanges, given
from eventflow.core.model import Bar, DeliverableTemplate, Screen, ThemePeriod
from eventflow.core.replay import replayed
from eventflow.core.services import Actor, Context, changes, field_name, found, record, require_admin, require_text

#: The longest kind, label or specs of a screen: a line in a bar's card, not a paragraph.
MAX_SCREEN_TEXT = 80


def validate_screens(screens: Iterable[Screen]) -> tuple[Screen, ...]:
    """Each screen needs a kind (``cube_led``); its label defaults to the kind and tells it from the bar's other
    screens (a slot names its screen by label); texts are trimmed."""
    valid: list[Screen] = []
    for i, screen in enumerate(screens):
        kind = screen.kind.strip()
        if not kind:
            raise errors.InvalidInput('hardware.screens[%(i)s] needs a "kind" (text), e.g. "cube_led"', "hardware", i=i)
        label = screen.label.strip() or kind
        for text, name in ((kind, "kind"), (label, "label"), (screen.specs.strip(), "specs")):
            if len(text) > MAX_SCREEN_TEXT:
                raise errors.InvalidInput(
                    "%(field_name)s is longer than %(max_len)s characters",
                    "hardware",
                    field_name=field_name(name),
                    max_len=MAX_SCREEN_TEXT,
                )
        if any(other.label.lower() == label.lower() for other in valid):
            raise errors.InvalidInput(
                "hardware.screens[%(i)s]: another screen is already labelled %(label)r", "hardware", i=i, label=label
            )
        valid.append(Screen(kind=kind, label=label, specs=screen.specs.strip()))
    return tuple(valid)


def parse_month(value: str) -> tuple[int, int]:
    """``YYYY-MM`` to (year, month)."""
    try:
        year_text, month_text = value.strip().split("-")
        year, month = int(year_text), int(month_text)
    except (ValueError, AttributeError):
        raise errors.InvalidInput(
            "%(value)r is not a month; write it YYYY-MM, e.g. 2026-12", "month", value=value
        ) from None
    if not (1 <= month <= 12 and 2000 <= year <= 2100 and len(year_text) == 4):
        raise errors.InvalidInput("%(value)r is not a month; write it YYYY-MM, e.g. 2026-12", "month", value=value)
    return year, month


def _template_value(key: str, value: Any) -> Any:
    """A requested value of a template's field, validated and normalised as the template stores it."""
    if key in ("name", "specs"):
        return require_text(value if isinstance(value, str) else None, key)
    if key == "is_default":
        return bool(value)
    return (value if isinstance(value, str) else "").strip() or None  # hardware_kind


@define
class BarService:
    ctx: Context

    @replayed
    def add(self, actor: Actor, name: str, location: str = "", screens: Iterable[Screen] = ()) -> Bar:
        require_admin(actor)
        bar = Bar(name=require_text(name, "name"), location=(location or "").strip(), screens=validate_screens(screens))
        with self.ctx.uow() as uow:
            if uow.bars.get_by_name(bar.name):
                raise errors.Conflict("a bar named %(name)r already exists", name=bar.name)
            uow.bars.add(bar)
            record(self.ctx, uow, actor, "bar.created", "bar", bar.id, after=asdict(bar))
            uow.commit()
        return bar

    def list(self) -> list[Bar]:
        with self.ctx.uow(read_only=True) as uow:
            return uow.bars.list()

    def get(self, bar_id: int) -> Bar:
        with self.ctx.uow(read_only=True) as uow:
            bar = uow.bars.get(bar_id)
        if bar is None:
            raise errors.NotFound("bar", bar_id)
        return bar

    @replayed
    def update(
        self,
        actor: Actor,
        bar_id: int,
        name: str | None = None,
        location: str | None = None,
        screens: Iterable[Screen] | None = None,
    ) -> Bar:
        require_admin(actor)
        with self.ctx.uow() as uow:
            bar = found(uow.bars.get_for_update(bar_id), "bar", bar_id)
            before = asdict(bar)
            if name is not None:
                bar.name = require_text(name, "name")
                other = uow.bars.get_by_name(bar.name)
                if other is not None and other.id != bar_id:
                    raise errors.Conflict("a bar named %(name)r already exists", name=bar.name)
            if location is not None:
                bar.location = location.strip()
            if screens is not None:
                bar.screens = validate_screens(screens)
            uow.bars.update(bar)
            old, new = changes(before, asdict(bar))
            record(self.ctx, uow, actor, "bar.updated", "bar", bar_id, before=old, after=new)
            uow.commit()
        return bar


@define
class ThemeService:
    ctx: Context

    @replayed
    def set(self, actor: Actor, month: str, name: str, description: str = "") -> ThemePeriod:
        """Give a month its theme, replacing the one it had."""
        require_admin(actor)
        year, month_no = parse_month(month)
        name = require_text(name, "name")
        with self.ctx.uow() as uow:
            theme = uow.themes.get_for_month(year, month_no)
            if theme is None:
                theme = uow.themes.add(ThemePeriod(year, month_no, name, description.strip()))
                record(self.ctx, uow, actor, "theme.created", "theme", theme.id, after=asdict(theme))
            else:
                before = asdict(theme)
                theme.name, theme.description = name, description.strip()
                uow.themes.update(theme)
                old, new = changes(before, asdict(theme))
                record(self.ctx, uow, actor, "theme.updated", "theme", theme.id, before=old, after=new)
            uow.commit()
        return theme

    def list(self, year: int | None = None) -> list[ThemePeriod]:
        with self.ctx.uow(read_only=True) as uow:
            return uow.themes.list(year)

    def for_month(self, year: int, month: int) -> ThemePeriod | None:
        with self.ctx.uow(read_only=True) as uow:
            return uow.themes.get_for_month(year, month)


@define
class TemplateService:
    ctx: Context

    @replayed
    def add(
        self, actor: Actor, name: str, specs: str, is_default: bool = False, hardware_kind: str | None = None
    ) -> DeliverableTemplate:
        require_admin(actor)
        template = DeliverableTemplate(
            name=require_text(name, "name"),
            specs=require_text(specs, "specs"),
            is_default=is_default,
            hardware_kind=(hardware_kind or "").strip() or None,
        )
        with self.ctx.uow() as uow:
            if uow.templates.get_by_name(template.name):
                raise errors.Conflict("a template named %(name)r already exists", name=template.name)
            uow.templates.add(template)
            record(self.ctx, uow, actor, "template.created", "template", template.id, after=asdict(template))
            uow.commit()
        return template

    def list(self) -> list[DeliverableTemplate]:
        with self.ctx.uow(read_only=True) as uow:
            return uow.templates.list()

    @replayed
    def update(self, actor: Actor, template_id: int, change: TemplateChanges) -> DeliverableTemplate:
        require_admin(actor)
        with self.ctx.uow() as uow:
            template = found(uow.templates.get_for_update(template_id), "template", template_id)
            before = asdict(template)
            template = evolve(template, **{key: _template_value(key, value) for key, value in given(change).items()})
            other = uow.templates.get_by_name(template.name)
            if other is not None and other.id != template_id:
                raise errors.Conflict("a template named %(name)r already exists", name=template.name)
            uow.templates.update(template)
            old, new = changes(before, asdict(template))
            record(self.ctx, uow, actor, "template.updated", "template", template_id, before=old, after=new)
            uow.commit()
        return template
