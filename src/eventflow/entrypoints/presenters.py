"""What the API and the command line's ``--json`` answer: one attrs class per shape, made from the core's entities.

Both doors use these classes: the web app serves them and generates its OpenAPI schemas from them (each class is the
component of its name), the CLI prints them. ``Shape.json(entity)`` presents an entity as JSON-ready data with
the one converter: dates and instants in ISO 8601, enums as their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

import attrs
from attrs import field, frozen
from cattrs.preconf.json import make_converter

from eventflow.core import model, rules, rules_specs
from eventflow.core.i18n import render
from eventflow.core.model import INBOX_KINDS, Health, Language, Role, Status, StorageTier
from eventflow.core.ports import Translator
from eventflow.core.rules_risk import reasons
from eventflow.core.rules_specs import SpecStatus

if TYPE_CHECKING:  # what the ``of`` methods present; loading the services is left to whoever calls them
    from eventflow.core.services import audit, inbox, stats, storage, webhooks
    from eventflow.core.services import events as ev

S = TypeVar("S", bound=attrs.AttrsInstance)
converter = make_converter()
Json = dict[str, Any]
#: The language texts are presented in (a spec check's problems): the web app sets its caller's for each request
#: (``middleware.ReaderLanguage``); English elsewhere (the command line).
READER: ContextVar[Language] = ContextVar("eventflow_reader", default=Language.EN)
#: OpenAPI keywords for an id: a positive integer that fits a database column.
ID = {"openapi": {"minimum": 1, "maximum": 2**31 - 1}}


class Shape:
    """A presenter: ``of`` makes one from what the core returns, ``json`` makes that JSON-ready."""

    @classmethod
    def of(cls, source: Any) -> Self:
        raise NotImplementedError

    @classmethod
    def json(cls, source: Any) -> Json:
        data: Json = converter.unstructure(cls.of(source))
        return data


# -- people ----------------------------------------------------------------------------------------------------
@frozen
class User(Shape):
    id: int = field(metadata=ID)
    email: str
    name: str
    role: Role
    active: bool
    language: Language

    @classmethod
    def of(cls, user: model.User) -> User:
        return cls(_id(user.id), user.email, user.name, user.role, user.active, user.language)


@frozen
class Me(User):
    my_bar_ids: list[int]
    notifications: list[str]

    @classmethod
    def of(cls, user: model.User) -> Me:
        base = attrs.asdict(User.of(user), recurse=False)
        return cls(**base, my_bar_ids=list(user.my_bar_ids), notifications=list(user.notifications))


@frozen
class LoggedIn(Me):
    """The answer to a login: the caller, and the token a cookie write must echo in ``X-CSRF-Token``."""

    csrf_token: str

    @classmethod
    def of(cls, login: tuple[model.User, str]) -> LoggedIn:  # type: ignore[override]
        user, csrf_token = login
        return cls(**attrs.asdict(Me.of(user), recurse=False), csrf_token=csrf_token)


@frozen
class Token(Shape):
    """A personal token as its owner sees it: never the token, only its first characters."""

    id: int = field(metadata=ID)
    label: str
    prefix: str | None = field(metadata={"openapi": {"description": "the token's first characters, to tell it apart"}})
    created_at: dt.datetime
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, token: model.ApiToken) -> Token:
        return cls(_id(token.id), token.label, token.prefix, token.created_at, token.last_used_at)


@frozen
class Notification(Shape):
    """A line of the caller's in-app inbox, in their language."""

    id: int = field(metadata=ID)
    kind: str = field(metadata={"openapi": {"enum": list(INBOX_KINDS)}})
    text: str
    event_id: int | None
    read: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, line: model.Notification) -> Notification:
        return cls(_id(line.id), line.kind, line.text, line.event_id, line.read, line.created_at)


@frozen
class NightName(Shape):
    """A night, as a list of one's slots names it."""

    id: int = field(metadata=ID)
    name: str
    date: dt.date


@frozen
class MyDeliverable(Shape):
    """One of the caller's slots on a night to come, not approved yet ("Mes livrables")."""

    id: int = field(metadata=ID)
    name: str
    specs: str
    status: Status
    due: dt.date = field(metadata={"openapi": {"description": "when it must be approved: the night's J-7"}})
    late: bool = field(metadata={"openapi": {"description": "J-7 is past and it is not approved"}})
    event: NightName

    @classmethod
    def of(cls, mine: inbox.MyDeliverable) -> MyDeliverable:
        slot, event = mine.slot, mine.event
        night = NightName(_id(event.id), event.name, event.date)
        return cls(_id(slot.id), slot.name, slot.specs, slot.status, mine.due, mine.late, night)


@frozen
class NotificationsRead(Shape):
    """How many notifications were marked read, and how many are still unread."""

    marked: int = field(metadata={"openapi": {"minimum": 0}})
    unread: int = field(metadata={"openapi": {"minimum": 0}})

    @classmethod
    def of(cls, counts: tuple[int, int]) -> NotificationsRead:
        return cls(*counts)


@frozen
class FollowState(Shape):
    """Whether the caller follows a night (they hear of its new versions, reviews and comments)."""

    event_id: int = field(metadata=ID)
    following: bool

    @classmethod
    def of(cls, state: inbox.FollowState) -> FollowState:
        return cls(state.event_id, state.following)


# -- configuration ---------------------------------------------------------------------------------------------
@frozen
class Screen:
    """A screen of a bar, as the API and the ``hardware`` JSON write it."""

    kind: str = field(metadata={"openapi": {"example": "cube_led"}})
    label: str
    specs: str = field(metadata={"openapi": {"example": "1024x1024 mp4"}})


@frozen
class Hardware:
    """A bar's ``hardware``: ``{"screens": [{"kind", "label", "specs"}, ...]}`` (sent as ``api_admin.HardwareBody``)."""

    screens: list[Screen]

    @classmethod
    def of(cls, screens: tuple[model.Screen, ...]) -> Hardware:
        return cls([Screen(s.kind, s.label, s.specs) for s in screens])


@frozen
class Bar(Shape):
    id: int = field(metadata=ID)
    name: str
    location: str
    hardware: Hardware

    @classmethod
    def of(cls, bar: model.Bar) -> Bar:
        return cls(_id(bar.id), bar.name, bar.location, Hardware.of(bar.screens))


@frozen
class Theme(Shape):
    month: str = field(metadata={"openapi": {"pattern": r"^\d{4}-\d{2}$", "example": "2026-12"}})
    year: int
    name: str
    description: str

    @classmethod
    def of(cls, theme: model.ThemePeriod) -> Theme:
        return cls(theme.key, theme.year, theme.name, theme.description)


@frozen
class Template(Shape):
    id: int = field(metadata=ID)
    name: str
    specs: str
    is_default: bool
    hardware_kind: str | None

    @classmethod
    def of(cls, template: model.DeliverableTemplate) -> Template:
        return cls(_id(template.id), template.name, template.specs, template.is_default, template.hardware_kind)


# -- events ----------------------------------------------------------------------------------------------------
@frozen
class BarName(Shape):
    id: int = field(metadata=ID)
    name: str


@frozen
class EventSummary(Shape):
    id: int = field(metadata=ID)
    name: str
    date: dt.date
    bars: list[BarName]
    bar_ids: list[int]
    theme: str | None
    health: Health
    countdown: int = field(metadata={"openapi": {"description": "days from today to the night; negative once past"}})
    late_count: int = field(metadata={"openapi": {"minimum": 0}})
    risk: float | None = field(
        metadata={
            "openapi": {
                "minimum": 0,
                "maximum": 1,
                "description": "the chance the night is red at J-6, from the team's history; "
                "null when nothing is left to do or the night is past",
            }
        }
    )
    cancelled: bool = field(
        metadata={"openapi": {"description": "a cancelled night stays in history, out of the calendar by default"}}
    )

    @classmethod
    def of(cls, summary: ev.EventSummary) -> EventSummary:
        event = summary.event
        return cls(
            id=_id(event.id),
            name=event.name,
            date=event.date,
            bars=[BarName(_id(b.id), b.name) for b in summary.bars],
            bar_ids=list(event.bar_ids),
            theme=summary.theme,
            health=summary.health,
            countdown=summary.countdown,
            late_count=summary.late_count,
            risk=summary.risk,
            cancelled=event.cancelled,
        )


@frozen
class SpecCheck(Shape):
    """How a version compares to its slot's specs."""

    status: SpecStatus = field(metadata={"openapi": {"description": "unknown: the specs say nothing checkable"}})
    problems: list[str] = field(metadata={"openapi": {"description": "how it differs, in the reader's language"}})
    measured: dict[str, Any]

    @classmethod
    def of(cls, check: rules_specs.SpecCheck) -> SpecCheck:
        told = [rules_specs.problem_text(p, reader_gettext()) for p in check.problems]
        return cls(check.status, told, dict(check.measured))

    @classmethod
    def of_asset(cls, asset: model.Asset) -> SpecCheck:
        return cls.of(rules_specs.SpecCheck.from_stored(asset.spec_check) or rules_specs.UNCHECKED)


@frozen
class Version(Shape):
    version: int = field(metadata={"openapi": {"minimum": 1}})
    asset_id: int = field(metadata=ID)
    size: int = field(metadata={"openapi": {"minimum": 0}})
    filename: str
    content_type: str
    sha256: str
    location: StorageTier
    uploaded_by: int | None
    created_at: dt.datetime
    spec_check: SpecCheck

    @classmethod
    def of(cls, asset: model.Asset) -> Version:
        return _copied(
            cls, asset, version=asset.version or 0, asset_id=_id(asset.id), spec_check=SpecCheck.of_asset(asset)
        )


@frozen
class Photo(Shape):
    asset_id: int = field(metadata=ID)
    category: model.PhotoCategory | None
    filename: str
    size: int = field(metadata={"openapi": {"minimum": 0}})
    content_type: str
    location: StorageTier
    uploaded_by: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, asset: model.Asset) -> Photo:
        return _copied(cls, asset, asset_id=_id(asset.id))


@frozen
class Deliverable(Shape):
    id: int = field(metadata=ID)
    event_id: int = field(metadata=ID)
    name: str
    specs: str
    bar_id: int | None
    status: Status
    enabled: bool
    assignee_id: int | None
    late: bool
    due: dt.date
    versions: list[Version]
    etag: str = field(metadata={"openapi": {"description": "the slot's ETag, to send back in If-Match"}})
    current_version: int | None = field(
        metadata={"openapi": {"description": "the version under review and on the screens (null: no file yet)"}}
    )
    approved_version: int | None = field(metadata={"openapi": {"description": "the version approved, once approved"}})
    approved_by: int | None = field(metadata={"openapi": {"description": "who approved it (a user id)"}})

    @classmethod
    def of(cls, view: ev.SlotView) -> Deliverable:
        slot = view.slot
        return cls(
            id=_id(slot.id),
            event_id=slot.event_id,
            name=slot.name,
            specs=slot.specs,
            bar_id=slot.bar_id,
            status=slot.status,
            enabled=slot.enabled,
            assignee_id=slot.assignee_id,
            late=view.late,
            due=view.due,
            versions=[Version.of(a) for a in view.versions],
            etag=f'"{slot_etag(slot)}"',
            current_version=view.current.version if view.current else None,
            approved_version=slot.approved_version,
            approved_by=slot.approved_by,
        )


@frozen
class Anchor(Shape):
    """What a comment points at in its deliverable: a version, and in it a page, a moment or a region (or none)."""

    version: int = field(metadata={"openapi": {"minimum": 1}})
    page: int | None = field(metadata={"openapi": {"minimum": 1, "description": "a page of a PDF, from 1"}})
    time: float | None = field(metadata={"openapi": {"minimum": 0, "description": "seconds into a video"}})
    region: list[float] | None = field(
        metadata={
            "openapi": {
                "minItems": 4,
                "maxItems": 4,
                "description": "[x, y, width, height] in fractions (0 to 1) of the preview; a pin has no size",
            }
        }
    )

    @classmethod
    def of(cls, anchor: model.Anchor) -> Anchor:
        return cls(anchor.version, anchor.page, anchor.time, list(anchor.region) if anchor.region else None)


@frozen
class Comment(Shape):
    id: int = field(metadata=ID)
    text: str
    author_id: int
    parent_id: int | None
    deliverable_id: int | None
    mention_ids: list[int]
    created_at: dt.datetime
    anchor: Anchor | None

    @classmethod
    def of(cls, comment: model.Comment) -> Comment:
        return cls(
            id=_id(comment.id),
            text=comment.text,
            author_id=comment.author_id,
            parent_id=comment.parent_id,
            deliverable_id=comment.deliverable_id,
            mention_ids=list(comment.mention_ids),
            created_at=comment.created_at,
            anchor=Anchor.of(comment.anchor) if comment.anchor else None,
        )


@frozen
class Activity(Shape):
    id: int = field(metadata=ID)
    action: str
    entity_type: str
    entity_id: int | None
    actor_id: int | None
    event_id: int | None
    at: dt.datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, entry: model.Activity) -> Activity:
        return _copied(cls, entry, id=_id(entry.id))


RICH = {"openapi": {"description": "sanitised HTML"}}


@frozen
class EventCard(EventSummary):
    description: str
    brief: str = field(metadata=RICH)
    notes: str = field(metadata=RICH)
    theme_override: str | None
    created_by: int | None
    created_at: dt.datetime | None
    deliverables: list[Deliverable]
    photos: list[Photo]
    comments: list[Comment]
    activity: list[Activity]
    risk_reasons: list[str] = field(
        metadata={"openapi": {"description": "why the night may be red at J-6, in the reader's language"}}
    )

    @classmethod
    def of(cls, card: ev.EventCard) -> EventCard:  # type: ignore[override]
        event = card.summary.event
        return cls(
            **attrs.asdict(EventSummary.of(card.summary), recurse=False),
            description=event.description,
            brief=event.brief,
            notes=event.notes,
            theme_override=event.theme_override,
            created_by=event.created_by,
            created_at=event.created_at,
            deliverables=[Deliverable.of(s) for s in card.slots],
            photos=[Photo.of(a) for a in card.photos],
            comments=[Comment.of(c) for c in card.comments],
            activity=[Activity.of(a) for a in card.activity],
            risk_reasons=reasons(card.summary.forecast, reader_texts()),
        )


@frozen
class ReviewItem(Shape):
    """A slot waiting for a look in the review queue, its event, and the remarks on its current version."""

    event: EventSummary
    deliverable: Deliverable
    open_remarks: int = field(
        metadata={
            "openapi": {
                "minimum": 0,
                "description": "comments about the current version: anchored to it, or written since it arrived",
            }
        }
    )

    @classmethod
    def of(cls, item: ev.ReviewItem) -> ReviewItem:
        return cls(EventSummary.of(item.summary), Deliverable.of(item.view), item.remarks)


@frozen
class MatrixCell(Shape):
    """The slots of one asset type (``column``) at one night."""

    column: str
    deliverables: list[Deliverable]


@frozen
class MatrixRow(Shape):
    event: EventSummary
    cells: list[MatrixCell] = field(metadata={"openapi": {"description": "one per column, in the columns' order"}})


@frozen
class Matrix(Shape):
    """The production matrix of a month: a row per night, a column per asset type, the slots in the cells."""

    month: str = field(metadata={"openapi": {"pattern": r"^\d{4}-\d{2}$", "example": "2026-12"}})
    columns: list[str]
    rows: list[MatrixRow]

    @classmethod
    def of(cls, month_and_matrix: tuple[str, ev.Matrix]) -> Matrix:
        month, matrix = month_and_matrix
        rows = [
            MatrixRow(
                EventSummary.of(summary),
                [
                    MatrixCell(
                        column, [Deliverable.of(v) for v in matrix.cells.get((_id(summary.event.id), column), [])]
                    )
                    for column in matrix.columns
                ],
            )
            for summary in matrix.events
        ]
        return cls(month, list(matrix.columns), rows)


@frozen
class TeamSettings(Shape):
    """How the team works, set by an admin."""

    second_pair_of_eyes: bool = field(
        metadata={"openapi": {"description": "whoever uploaded a slot's current version may not approve it"}}
    )

    @classmethod
    def of(cls, settings: model.TeamSettings) -> TeamSettings:
        return cls(settings.second_pair_of_eyes)


@frozen
class AuditEntry(Activity):
    """An activity entry (the same JSON as the event's stream) plus who that was, by name."""

    actor_name: str | None

    @classmethod
    def of(cls, item: audit.AuditEntry) -> AuditEntry:  # type: ignore[override]
        entry = attrs.asdict(Activity.of(item.entry), recurse=False)
        return cls(**entry, actor_name=item.actor.name if item.actor else None)


@frozen
class OutboxMessage(Shape):
    id: int = field(metadata=ID)
    kind: str
    recipient: str
    subject: str
    status: model.OutboxStatus
    attempts: int = field(metadata={"openapi": {"minimum": 0}})
    last_error: str | None
    event_id: int | None
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None

    @classmethod
    def of(cls, message: model.OutboxMessage) -> OutboxMessage:
        return _copied(cls, message, id=_id(message.id))


# -- webhooks and calendar feeds -------------------------------------------------------------------------------
@frozen
class WebhookDelivery(Shape):
    """One POST to a webhook: its state, its last answer (``status_code``, null when none came) and error."""

    id: int = field(metadata=ID)
    webhook_id: int = field(metadata=ID)
    event: str
    status: model.OutboxStatus
    attempts: int = field(metadata={"openapi": {"minimum": 0}})
    status_code: int | None
    error: str | None
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    next_attempt_at: dt.datetime

    @classmethod
    def of(cls, delivery: model.WebhookDelivery) -> WebhookDelivery:
        return cls(
            id=_id(delivery.id),
            webhook_id=delivery.webhook_id,
            event=delivery.event_name,
            status=delivery.status,
            attempts=delivery.attempts,
            status_code=delivery.last_status_code,
            error=delivery.last_error,
            created_at=delivery.created_at,
            last_attempt_at=delivery.last_attempt_at,
            delivered_at=delivery.delivered_at,
            next_attempt_at=delivery.next_attempt_at,
        )


@frozen
class Webhook(Shape):
    """A webhook (never its secret) with its latest delivery."""

    id: int = field(metadata=ID)
    url: str
    events: list[str]
    format: model.WebhookFormat
    language: Language
    created_at: dt.datetime
    created_by: int | None
    last_delivery: WebhookDelivery | None

    @classmethod
    def of(cls, view: webhooks.WebhookView) -> Webhook:
        hook = view.webhook
        return cls(
            id=_id(hook.id),
            url=hook.url,
            events=list(hook.events),
            format=hook.format,
            language=hook.language,
            created_at=hook.created_at,
            created_by=hook.created_by,
            last_delivery=WebhookDelivery.of(view.recent[0]) if view.recent else None,
        )


@frozen
class FeedLink(Shape):
    """A secret calendar address (iCalendar), to subscribe to from a calendar app."""

    url: str = field(
        metadata={"openapi": {"format": "uri", "example": "https://eventflow.example.org/feeds/SECRET.ics"}}
    )

    @classmethod
    def of(cls, url: str) -> FeedLink:
        return cls(url)


@frozen
class Upload(Shape):
    """A file just received: a slot's new version (``version``) or a moodboard photo (``category``)."""

    version: int | None
    asset_id: int = field(metadata=ID)
    size: int
    sha256: str
    filename: str
    content_type: str
    location: StorageTier
    uploaded_by: int | None
    created_at: dt.datetime
    category: model.PhotoCategory | None
    preview: str | None = field(metadata={"openapi": {"description": "ready, or unavailable (see media)"}})
    media: dict[str, Any]
    spec_check: SpecCheck | None = field(metadata={"openapi": {"description": "a version's; null for a photo"}})

    @classmethod
    def of(cls, asset: model.Asset) -> Upload:
        return cls(
            version=asset.version,
            asset_id=_id(asset.id),
            size=asset.size,
            sha256=asset.sha256,
            filename=asset.filename,
            content_type=asset.content_type,
            location=asset.location,
            uploaded_by=asset.uploaded_by,
            created_at=asset.created_at,
            category=asset.category,
            preview=asset.media_info.get("preview"),
            media=asset.media_info,
            spec_check=SpecCheck.of_asset(asset) if asset.deliverable_id is not None else None,
        )


# -- storage ---------------------------------------------------------------------------------------------------
@frozen
class EventUsage(Shape):
    event_id: int = field(metadata=ID)
    name: str
    date: dt.date
    bytes: int


@frozen
class Storage(Shape):
    used_bytes: int
    quota_bytes: int
    percent: float
    disk_free_bytes: int
    reserved_bytes: int = field(metadata={"openapi": {"description": "held by uploads under way"}})
    archivable_bytes: int
    archive_after_days: int
    biggest_events: list[EventUsage]
    full_on: dt.date | None = field(
        metadata={"openapi": {"description": "when the quota is full at the pace of the last 90 days of uploads; "
                                             "null when usage is not growing"}}
    )  # fmt: skip
    archive_would_free_bytes: int = field(
        metadata={"openapi": {"minimum": 0, "description": "what the next cron archive would free"}}
    )

    @classmethod
    def of(cls, report: storage.StorageReport) -> Storage:
        return cls(
            used_bytes=report.used_bytes,
            quota_bytes=report.quota_bytes,
            percent=report.percent,
            disk_free_bytes=report.disk_free_bytes,
            reserved_bytes=report.reserved_bytes,
            archivable_bytes=report.archivable_bytes,
            archive_after_days=report.archive_after_days,
            biggest_events=[
                EventUsage(_id(u.event.id), u.event.name, u.event.date, u.hot_bytes) for u in report.biggest_events
            ],
            full_on=report.full_on,
            archive_would_free_bytes=report.archive_would_free_bytes,
        )


@frozen
class StorageJob(Shape):
    """What an archive, restore or purge did."""

    action: str
    event_ids: list[int]
    files: int
    freed_bytes: int
    moved_bytes: int
    problems: list[str] = field(
        metadata={"openapi": {"description": "each file left as it was and why, in the reader's language"}}
    )

    @classmethod
    def of(cls, summary: storage.Summary) -> StorageJob:
        return cls(
            action=summary.action,
            event_ids=[_id(e.id) for e in summary.events],
            files=summary.files,
            freed_bytes=summary.freed_bytes,
            moved_bytes=summary.moved_bytes,
            problems=[render(p, reader_texts()) for p in summary.problems],
        )


# -- insight ---------------------------------------------------------------------------------------------------
MONTH = {"openapi": {"pattern": r"^\d{4}-\d{2}$", "example": "2026-12"}}
DAYS = {"openapi": {"minimum": 0, "description": "mean, in days; null without any case"}}


@frozen
class Compliance(Shape):
    """J-7 compliance: slots approved by their J-7 among those due."""

    on_time: int = field(metadata={"openapi": {"minimum": 0}})
    total: int = field(metadata={"openapi": {"minimum": 0}})
    ratio: float | None = field(metadata={"openapi": {"minimum": 0, "maximum": 1, "description": "null: none due"}})

    @classmethod
    def of(cls, compliance: rules.Compliance) -> Compliance:
        return cls(compliance.on_time, compliance.total, compliance.ratio)


@frozen
class ComplianceItem(Compliance):
    """The J-7 compliance of one group, named by its ``key``."""

    key: str

    @classmethod
    def of(cls, row: tuple[str, rules.Compliance]) -> ComplianceItem:  # type: ignore[override]
        key, compliance = row
        return cls(on_time=compliance.on_time, total=compliance.total, ratio=compliance.ratio, key=key)


ByGroup = dict[str, Compliance]


@frozen
class ComplianceReport(Shape):
    """J-7 compliance of a period per month (``YYYY-MM``), bar name, type (the slot's name) and assignee name."""

    month: ByGroup
    bar: ByGroup
    type: ByGroup
    assignee: ByGroup

    @classmethod
    def of(cls, report: dict[str, dict[str, rules.Compliance]]) -> ComplianceReport:
        groups = {group: {key: Compliance.of(c) for key, c in rows.items()} for group, rows in report.items()}
        return cls(**groups)


@frozen
class Stats(Shape):
    """The J-7 dashboard of the months ``first_month`` to ``last_month``: compliance per month, bar, type (template
    or slot name) and assignee, and how long files and reviews take."""

    first_month: str = field(metadata=MONTH)
    last_month: str = field(metadata=MONTH)
    months: list[ComplianceItem]
    bars: list[ComplianceItem]
    types: list[ComplianceItem]
    assignees: list[ComplianceItem]
    overall: ComplianceItem
    upload_to_approval_days: float | None = field(metadata=DAYS)
    waiting_for_file_days: float | None = field(metadata=DAYS)
    waiting_for_review_days: float | None = field(metadata=DAYS)
    slowest_step: Literal["file", "review"] | None

    @classmethod
    def of(cls, report: stats.StatsReport) -> Stats:
        return cls(
            first_month=f"{report.first_month:%Y-%m}",
            last_month=f"{report.last_month:%Y-%m}",
            months=[ComplianceItem.of(row) for row in report.months],
            bars=[ComplianceItem.of(row) for row in report.bars],
            types=[ComplianceItem.of(row) for row in report.types],
            assignees=[ComplianceItem.of(row) for row in report.assignees],
            overall=ComplianceItem.of(("all", report.overall)),
            upload_to_approval_days=report.upload_to_approval,
            waiting_for_file_days=report.waiting_for_file,
            waiting_for_review_days=report.waiting_for_review,
            slowest_step=report.slowest_step,
        )


#: Every shape the API answers with; the OpenAPI document describes each of them.
SHAPES: tuple[type, ...] = (
    User,
    Me,
    Token,
    Bar,
    Theme,
    Template,
    EventSummary,
    EventCard,
    ReviewItem,
    Matrix,
    ComplianceReport,
    TeamSettings,
    AuditEntry,
    OutboxMessage,
    Upload,
    Storage,
    StorageJob,
    Stats,
)


def reader_gettext() -> Callable[[str], str]:
    """The gettext of the reader's language (Babel is loaded the first time a text must be told)."""
    return reader_texts().gettext


def reader_texts() -> Translator:
    """The texts and formats of the reader's language."""
    from eventflow.adapters.translations import translator

    return translator(READER.get())


def slot_etag(slot: model.Deliverable) -> str:
    """The slot's entity tag, unquoted: its id and how many changes it saw (a strong validator for If-Match)."""
    return f"{slot.id}-{slot.row_version}"


def _copied(cls: type[S], source: object, **given: Any) -> S:
    """A presenter whose fields not ``given`` are ``source``'s attributes of the same names."""
    same = {f.name: getattr(source, f.name) for f in attrs.fields(cls) if f.name not in given}
    return cls(**same, **given)


def _id(value: int | None) -> int:
    """A stored entity's id (presenters only ever see stored entities)."""
    if value is None:
        raise ValueError("an entity must be stored before it is presented")
    return value


@frozen
class Changes(Shape):
    """``GET /api/changes``: the database's revision, which every committed change that pages show increases."""

    revision: int | None = field(
        metadata={
            "openapi": {
                "description": "compare it with the last one seen: a different number means something changed "
                "(null for a caller without a browser session)"
            }
        }
    )

    @classmethod
    def of(cls, revision: int | None) -> Changes:
        return cls(revision)
