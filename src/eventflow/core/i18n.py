"""Texts people read are the English msgids of the gettext catalogs (``eventflow/locale``), the same for pages and
e-mails; the ``Translator`` port gives them in a reader's language. ``pybabel extract`` finds them in calls to
``_``, ``gettext``, ``ngettext`` and ``N_`` (the ``[tool.babel]`` tables of ``pyproject.toml``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol, TypeAlias

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
