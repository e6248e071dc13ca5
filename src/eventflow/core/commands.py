"""Typed changes into the core: what a PATCH (or the command line) asks to change, as frozen attrs classes.

A field left at ``UNSET`` is not part of the change; ``None`` is a value (e.g. "no theme override"). The entrypoints
structure request bodies straight into these classes; a use case turns the given fields into the entity's values
(validated and normalised) and applies them with ``attrs.evolve``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, Final

import attrs
from attrs import frozen


class Unchanged(Enum):
    """The value of a change's field that is not given (``None`` may be a value: "no assignee")."""

    UNCHANGED = "unchanged"


#: Default of every field of a change class: "not asked to change". A field typed ``X | Unchanged`` says so to mypy;
#: ``UNSET`` is the same marker for fields typed plainly (``name: str = UNSET``), as request bodies declare them.
UNCHANGED: Final = Unchanged.UNCHANGED
UNSET: Any = UNCHANGED


def given(change: attrs.AttrsInstance) -> dict[str, Any]:
    """The fields ``change`` asks to change, with their requested values."""
    return {key: value for key, value in attrs.asdict(change, recurse=False).items() if value is not UNSET}


@frozen
class EventChanges:
    name: str = UNSET
    date: str = UNSET
    bar_ids: list[int] = UNSET
    description: str = UNSET
    brief: str = UNSET
    notes: str = UNSET
    theme_override: str | None = UNSET
    #: True cancels the night (kept in history, hidden from the calendar), False restores it.
    cancelled: bool = UNSET


@frozen
class UserChanges:
    """What changes in a person's account: anyone may change their own name, language, bars and notifications."""

    name: str = UNSET
    email: str = UNSET
    role: str = UNSET
    active: bool = UNSET
    language: str = UNSET
    my_bar_ids: list[int] = UNSET
    notifications: list[str] = UNSET

    #: The fields a person may change on their own account.
    OWN: ClassVar[frozenset[str]] = frozenset({"name", "language", "my_bar_ids", "notifications"})


@frozen
class TemplateChanges:
    name: str = UNSET
    specs: str = UNSET
    is_default: bool = UNSET
    hardware_kind: str | None = UNSET
