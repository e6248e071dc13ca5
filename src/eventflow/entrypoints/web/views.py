"""JSON shapes of the API, each next to its OpenAPI schema so the document stays true to the code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventflow.core.model import Activity, ApiToken, Asset, Bar, Comment, DeliverableTemplate, ThemePeriod, User
from eventflow.core.services.events import EventCard, EventSummary, SlotView

Json = dict[str, Any]


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(name: str) -> Json:
    return {"type": "array", "items": ref(name)}


def _obj(required: list[str], **props: Json) -> Json:
    return {"type": "object", "required": required, "properties": props}


STR: Json = {"type": "string"}
INT: Json = {"type": "integer"}
BOOL: Json = {"type": "boolean"}
DATE: Json = {"type": "string", "format": "date"}
DATETIME: Json = {"type": "string", "format": "date-time"}
ANY_OBJECT: Json = {"type": "object", "additionalProperties": True}
ID: Json = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
#: A name or label: some visible text, at most 200 characters (the core's ``require_text``).
NAME: Json = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}
MONTH: Json = {"type": "string", "pattern": r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$", "example": "2026-12"}
EMAIL: Json = {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "example": "alex@bars.fr"}
HARDWARE: Json = {
    "type": "object",
    "description": 'the screens of the venue: {"screens": [{"kind": "cube_led", "label": "Cube LED", "specs": "..."}]}',
    "properties": {
        "screens": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "pattern": r"\S"}, "label": STR, "specs": STR},
            },
        }
    },
}


def nullable(schema: Json) -> Json:
    return {**schema, "nullable": True}


# -- users -------------------------------------------------------------------
def user_json(user: User) -> Json:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "active": user.active,
        "language": user.language.value,
    }


def token_json(token: ApiToken) -> Json:
    """A personal token as its owner sees it: never the token, only its first characters."""
    return {
        "id": token.id,
        "label": token.label,
        "prefix": token.prefix,
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at),
    }


def me_json(user: User) -> Json:
    return {**user_json(user), "my_bar_ids": list(user.my_bar_ids), "notifications": list(user.notifications)}


_USER_PROPS: dict[str, Json] = {
    "id": ID,
    "email": STR,
    "name": STR,
    "role": {"type": "string", "enum": ["admin", "member"]},
    "active": BOOL,
    "language": {"type": "string", "enum": ["fr", "en"]},
}


# -- bars, themes, templates -------------------------------------------------------
def bar_json(bar: Bar) -> Json:
    return {"id": bar.id, "name": bar.name, "location": bar.location, "hardware": bar.hardware}


def theme_json(theme: ThemePeriod) -> Json:
    return {"month": theme.key, "year": theme.year, "name": theme.name, "description": theme.description}


def template_json(template: DeliverableTemplate) -> Json:
    return {
        "id": template.id,
        "name": template.name,
        "specs": template.specs,
        "is_default": template.is_default,
        "hardware_kind": template.hardware_kind,
    }


# -- events ------------------------------------------------------------------
def summary_json(summary: EventSummary) -> Json:
    event = summary.event
    return {
        "id": event.id,
        "name": event.name,
        "date": event.date.isoformat(),
        "bars": [{"id": b.id, "name": b.name} for b in summary.bars],
        "bar_ids": list(event.bar_ids),
        "theme": summary.theme,
        "health": summary.health.value,
        "countdown": summary.countdown,
        "late_count": summary.late_count,
    }


def version_json(asset: Asset) -> Json:
    return {
        "version": asset.version,
        "asset_id": asset.id,
        "size": asset.size,
        "filename": asset.filename,
        "content_type": asset.content_type,
        "sha256": asset.sha256,
        "location": asset.location.value,
        "uploaded_by": asset.uploaded_by,
        "created_at": _iso(asset.created_at),
    }


def photo_json(asset: Asset) -> Json:
    return {
        "asset_id": asset.id,
        "category": asset.category.value if asset.category else None,
        "filename": asset.filename,
        "size": asset.size,
        "content_type": asset.content_type,
        "location": asset.location.value,
        "uploaded_by": asset.uploaded_by,
        "created_at": _iso(asset.created_at),
    }


def slot_json(view: SlotView) -> Json:
    slot = view.slot
    return {
        "id": slot.id,
        "event_id": slot.event_id,
        "name": slot.name,
        "specs": slot.specs,
        "bar_id": slot.bar_id,
        "status": slot.status.value,
        "enabled": slot.enabled,
        "assignee_id": slot.assignee_id,
        "late": view.late,
        "due": view.due.isoformat(),
        "versions": [version_json(a) for a in view.versions],
    }


def comment_json(comment: Comment) -> Json:
    return {
        "id": comment.id,
        "text": comment.text,
        "author_id": comment.author_id,
        "parent_id": comment.parent_id,
        "deliverable_id": comment.deliverable_id,
        "mention_ids": list(comment.mention_ids),
        "created_at": _iso(comment.created_at),
    }


def activity_json(entry: Activity) -> Json:
    return {
        "id": entry.id,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "actor_id": entry.actor_id,
        "event_id": entry.event_id,
        "at": _iso(entry.at),
        "before": entry.before,
        "after": entry.after,
    }


def card_json(card: EventCard) -> Json:
    event = card.summary.event
    return {
        **summary_json(card.summary),
        "description": event.description,
        "brief": event.brief,
        "notes": event.notes,
        "theme_override": event.theme_override,
        "created_by": event.created_by,
        "created_at": _iso(event.created_at),
        "deliverables": [slot_json(s) for s in card.slots],
        "photos": [photo_json(a) for a in card.photos],
        "comments": [comment_json(c) for c in card.comments],
        "activity": [activity_json(a) for a in card.activity],
    }


_SUMMARY_PROPS: dict[str, Json] = {
    "id": ID,
    "name": STR,
    "date": DATE,
    "bars": {"type": "array", "items": _obj(["id", "name"], id=ID, name=STR)},
    "bar_ids": {"type": "array", "items": ID},
    "theme": nullable(STR),
    "health": {"type": "string", "enum": ["green", "orange", "red", "none"]},
    "countdown": {"type": "integer", "description": "days from today to the night; negative once past"},
    "late_count": {"type": "integer", "minimum": 0},
}
_STATUS: Json = {"type": "string", "enum": ["todo", "in_progress", "review", "changes_requested", "approved"]}
_LOCATION: Json = {"type": "string", "enum": ["hot", "cold", "purged"]}
_ASSET_COMMON: dict[str, Json] = {
    "asset_id": ID,
    "filename": STR,
    "size": {"type": "integer", "minimum": 0},
    "content_type": STR,
    "location": _LOCATION,
    "uploaded_by": nullable(ID),
    "created_at": DATETIME,
}

SCHEMAS: dict[str, Json] = {
    "Error": _obj(
        ["title", "description"],
        title=STR,
        description=STR,
        field={"type": "string", "description": "the faulty field, when known"},
    ),
    "User": _obj(list(_USER_PROPS), **_USER_PROPS),
    "Me": _obj(
        [*_USER_PROPS, "my_bar_ids", "notifications"],
        **_USER_PROPS,
        my_bar_ids={"type": "array", "items": ID},
        notifications={"type": "array", "items": STR},
    ),
    "Bar": _obj(["id", "name", "location", "hardware"], id=ID, name=STR, location=STR, hardware=ANY_OBJECT),
    "Theme": _obj(
        ["month", "year", "name", "description"],
        month=MONTH,
        year=INT,
        name=STR,
        description=STR,
    ),
    "Template": _obj(
        ["id", "name", "specs", "is_default", "hardware_kind"],
        id=ID,
        name=STR,
        specs=STR,
        is_default=BOOL,
        hardware_kind=nullable(STR),
    ),
    "EventSummary": _obj(list(_SUMMARY_PROPS), **_SUMMARY_PROPS),
    "Version": _obj(
        ["version", *_ASSET_COMMON, "sha256"], version={"type": "integer", "minimum": 1}, sha256=STR, **_ASSET_COMMON
    ),
    "Photo": _obj(["category", *_ASSET_COMMON], category=nullable(STR), **_ASSET_COMMON),
    "Deliverable": _obj(
        ["id", "event_id", "name", "specs", "bar_id", "status", "enabled", "assignee_id", "late", "due", "versions"],
        id=ID,
        event_id=ID,
        name=STR,
        specs=STR,
        bar_id=nullable(ID),
        status=_STATUS,
        enabled=BOOL,
        assignee_id=nullable(ID),
        late=BOOL,
        due=DATE,
        versions=array_of("Version"),
    ),
    "Comment": _obj(
        ["id", "text", "author_id", "parent_id", "deliverable_id", "mention_ids", "created_at"],
        id=ID,
        text=STR,
        author_id=ID,
        parent_id=nullable(ID),
        deliverable_id=nullable(ID),
        mention_ids={"type": "array", "items": ID},
        created_at=DATETIME,
    ),
    "Activity": _obj(
        ["id", "action", "entity_type", "entity_id", "actor_id", "event_id", "at", "before", "after"],
        id=ID,
        action=STR,
        entity_type=STR,
        entity_id=nullable(INT),
        actor_id=nullable(ID),
        event_id=nullable(ID),
        at=DATETIME,
        before=nullable(ANY_OBJECT),
        after=nullable(ANY_OBJECT),
    ),
    "EventCard": _obj(
        [
            *_SUMMARY_PROPS,
            "description",
            "brief",
            "notes",
            "theme_override",
            "created_by",
            "created_at",
            "deliverables",
            "photos",
            "comments",
            "activity",
        ],
        **_SUMMARY_PROPS,
        description=STR,
        brief={"type": "string", "description": "sanitised HTML"},
        notes={"type": "string", "description": "sanitised HTML"},
        theme_override=nullable(STR),
        created_by=nullable(ID),
        created_at=nullable(DATETIME),
        deliverables=array_of("Deliverable"),
        photos=array_of("Photo"),
        comments=array_of("Comment"),
        activity=array_of("Activity"),
    ),
}
