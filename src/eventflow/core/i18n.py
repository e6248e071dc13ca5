"""Texts people read are the English msgids of the gettext catalogs (``eventflow/locale``), the same for pages and
e-mails; the ``Translator`` port gives them in a reader's language. ``pybabel extract`` finds them in calls to
``_``, ``gettext``, ``ngettext`` and ``N_`` (the ``[tool.babel]`` tables of ``pyproject.toml``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol, TypeAlias

from attrs import field, frozen

from eventflow.core.model import Status


def N_(message: str) -> str:
    """Marks ``message`` for extraction where it is written down; it is translated where it is shown."""
    return message


#: What people read for each status, in the e-mails and on the pages.
STATUS_LABELS = {
    Status.TODO: N_("To do"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.REVIEW: N_("In review"),
    Status.CHANGES_REQUESTED: N_("Changes requested"),
    Status.APPROVED: N_("Approved — Ready for Screen"),
}


class Size(int):
    """A number of bytes in a message's values: shown in the reader's unit ("5,0 Mo", "5.0 MB")."""


#: What a message's named values may be: shown as they are, or (sizes, days, nested messages) in the reader's words.
Value: TypeAlias = "str | int | float | Size | dt.date | Message"


@frozen
class Message:
    """A text people read, not yet in anyone's language: its English msgid and its named values (``%(name)s``).

    The core says what happened (``Message(N_("event %(key)s does not exist"), {"key": 12})``); the door that shows it
    translates it with the reader's ``Translator`` (:func:`render`). ``str()`` is the English, for logs and scripts.
    """

    text: str
    values: Mapping[str, Value] = field(factory=dict)

    def __str__(self) -> str:
        return render(self, ENGLISH)


class _Texts(Protocol):
    def gettext(self, message: str) -> str: ...

    def format_date(self, day: dt.date, format: str = "long") -> str: ...

    def format_size(self, size: int) -> str: ...


def render(message: Message, texts: _Texts) -> str:
    """``message`` in the language of ``texts``, its values filled in (sizes, days and nested messages too)."""
    text = texts.gettext(message.text) if message.text else ""
    if not message.values:
        return text
    return text % {name: _shown(value, texts) for name, value in message.values.items()}


def _shown(value: Value, texts: _Texts) -> object:
    if isinstance(value, Message):
        return render(value, texts)
    if isinstance(value, Size):
        return texts.format_size(value)
    if isinstance(value, dt.date):
        return texts.format_date(value)
    return value


def message_as_json(message: Message) -> dict[str, Any]:
    """``message`` as JSON-safe data, to be stored and shown later in the language of whoever reads it: its msgid
    and values, days, sizes and nested messages marked by their type (``{"$": "date", "v": "2026-12-05"}``)."""
    return {"text": message.text, "values": {name: _value_as_json(v) for name, v in message.values.items()}}


def _value_as_json(value: Value) -> object:
    if isinstance(value, Message):
        return {"$": "message", "v": message_as_json(value)}
    if isinstance(value, Size):
        return {"$": "size", "v": int(value)}
    if isinstance(value, dt.datetime):
        raise TypeError(f"a message value is a day, not a moment: {value!r}")
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    return value


def message_from_json(data: Mapping[str, Any]) -> Message:
    """The message :func:`message_as_json` stored."""
    return Message(str(data["text"]), {name: _value_from_json(v) for name, v in dict(data.get("values") or {}).items()})


def _value_from_json(value: Any) -> Value:
    if not isinstance(value, dict):
        return value  # type: ignore[no-any-return]  # a name, a number: as it was
    kind, inner = value.get("$"), value["v"]
    if kind == "message":
        return message_from_json(inner)
    if kind == "size":
        return Size(inner)
    if kind == "date":
        return dt.date.fromisoformat(inner)
    raise ValueError(f"a stored message value of unknown type: {value!r}")


class _English:
    """The source texts, without a catalog: what ``str()`` of a message or an error gives (logs, tracebacks)."""

    def gettext(self, message: str) -> str:
        return message

    def format_date(self, day: dt.date, format: str = "long") -> str:
        return day.isoformat()

    def format_size(self, size: int) -> str:
        for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
            if size >= scale:
                return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
        return f"{size} bytes"


ENGLISH = _English()
