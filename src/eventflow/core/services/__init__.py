"""Use cases, one module per capability. Each takes a :class:`Context` of ports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from attrs import define, field

from eventflow.core import errors
from eventflow.core.i18n import N_, Message
from eventflow.core.model import Activity, User
from eventflow.core.ports import Clock, PasswordHasher, Translations, UnitOfWork, UnitOfWorkFactory


class TextSanitizer(Protocol):
    def __call__(self, html: str) -> str:
        """Rich text with everything unsafe removed."""


#: Called with every activity entry as it is recorded, inside the same unit of work (e.g. to queue e-mails).
ActivityHook = Callable[[UnitOfWork, Activity], None]


@define
class Context:
    """The ports every use case may need."""

    uow: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    sanitize: TextSanitizer
    translations: Translations
    on_activity: list[ActivityHook] = field(factory=list)


#: ``None`` stands for the operator at the command line: trusted like an admin.
Actor = User | None


def require_admin(actor: Actor) -> None:
    if actor is not None and not actor.is_admin:
        raise errors.Forbidden("only an admin may do this")


def actor_id(actor: Actor) -> int | None:
    return actor.id if actor is not None else None


T = TypeVar("T")


def found(entity: T | None, kind: str, key: object) -> T:
    """``entity``, when the repository found it; NotFound naming ``kind`` and ``key`` otherwise."""
    if entity is None:
        raise errors.NotFound(kind, key)
    return entity


def record(
    ctx: Context,
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    event_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append to the activity record, which is both the event stream and the audit log.

    The ``ctx.on_activity`` hooks then see the entry in the same transaction: what they write commits or rolls back
    with the change itself.
    """
    entry = uow.activity.add(
        Activity(
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            at=ctx.clock.now(),
            actor_id=actor_id(actor),
            event_id=event_id,
            before=before,
            after=after,
        )
    )
    for hook in ctx.on_activity:
        hook(uow, entry)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


#: How a message names a field people fill in ("le nom dépasse 200 caractères"), not by its key in the API.
FIELD_NAMES = {
    "name": N_("name"),
    "specs": N_("specs"),
    "text": N_("text"),
    "reason": N_("reason"),
    "label": N_("label"),
    "kind": N_("kind of screen"),
}


def field_name(field: str) -> Message | str:
    """``field`` in the reader's words when people fill it in a form; other keys (only scripts send them) as is."""
    return Message(FIELD_NAMES[field]) if field in FIELD_NAMES else field


def require_text(value: str | None, field: str, max_len: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise errors.InvalidInput("%(field_name)s must not be empty", field=field, field_name=field_name(field))
    if len(text) > max_len:
        raise errors.InvalidInput(
            "%(field_name)s is longer than %(max_len)s characters",
            field=field,
            field_name=field_name(field),
            max_len=max_len,
        )
    return text
