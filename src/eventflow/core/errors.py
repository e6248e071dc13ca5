"""One hierarchy of domain errors; entrypoints map each class to an HTTP status or a CLI exit.

An error carries a ``Message``: an English text with named values (``%(name)s``), translated by the door that shows it
in its reader's language (``web/errors.py``, the CLI), never here. The first argument of every error class is such a
text, written as a plain string literal: ``pybabel extract`` finds it there (the class names are keywords in
``[tool.babel.extract_messages]``) and
``tests/unit/test_messages.py`` checks that no error is raised with an f-string or a computed
text. Values go as keywords: ``InvalidInput("%(raw)r is not a date", "date", raw=raw)``; a ``Size`` shows as
"5,0 Mo" / "5.0 MB", a date in the reader's words, a nested ``Message`` translated too.
"""

from __future__ import annotations

from eventflow.core.i18n import N_, Message, Size, Value


class EventflowError(Exception):
    """Base of every error a user can cause; ``message`` is meant for them, ``str()`` is its English."""

    def __init__(self, message: str | Message = "", /, **values: Value) -> None:
        self.message = message if isinstance(message, Message) else Message(message, values)
        super().__init__(str(self.message))


class InvalidInput(EventflowError):
    """A value is missing or malformed; ``field`` names it when known."""

    def __init__(self, message: str | Message, field: str | None = None, /, **values: Value) -> None:
        super().__init__(message, **values)
        self.field = field


#: What "not found" says for each kind of thing people look for (one sentence each, for the languages that agree the
#: verb with the noun); other kinds are named in the generic sentence, in English, since only an operator meets them.
NOT_FOUND = {
    "event": N_("event %(key)s does not exist"),
    "deliverable": N_("deliverable %(key)s does not exist"),
    "bar": N_("bar %(key)s does not exist"),
    "template": N_("template %(key)s does not exist"),
    "user": N_("user %(key)s does not exist"),
    "file": N_("file %(key)s does not exist"),
    "version": N_("version %(key)s does not exist"),
    "comment": N_("comment %(key)s does not exist"),
    "token": N_("token %(key)s does not exist"),
    "webhook": N_("webhook %(key)s does not exist"),
    "webhook delivery": N_("webhook delivery %(key)s does not exist"),
    "upload": N_("upload %(key)s does not exist"),
    "calendar feed": N_("calendar feed %(key)s does not exist"),
    "outbox message": N_("outbox message %(key)s does not exist"),
    "preview of file": N_("preview of file %(key)s does not exist"),
    "admin page": N_("admin page %(key)s does not exist"),
    "notification": N_("notification %(key)s does not exist"),
    "backup": N_("backup %(key)s does not exist"),
    # what a backup misses (the operator reads them in its problem lines)
    "backup place": N_("%(key)s holds no backup (no manifest.json: unfinished, or not a backup)"),
    "file in the hot store": N_("file %(key)s is not in the hot store"),
    "file in the cold store": N_("file %(key)s is not in the cold store"),
    "file deleted since the snapshot": N_("file %(key)s was deleted since the snapshot"),
}


class NotFound(EventflowError):
    def __init__(self, kind: str, key: object) -> None:
        shown: Value = key if isinstance(key, int) else str(key)
        text = NOT_FOUND.get(kind)
        if text is None:
            EventflowError.__init__(self, N_("%(kind)s %(key)s does not exist"), kind=kind, key=shown)
        else:
            EventflowError.__init__(self, text, key=shown)
        self.kind = kind
        self.key = key


#: The places a disk or a store fills up or fails, as a sentence names them (with their article where a language
#: needs one); another place is named as given.
PLACES = {
    "database": N_("database"),
    "uploads folder": N_("uploads folder"),
    "hot store": N_("hot store"),
    "cold store": N_("cold store"),
}
#: The things a reader may find changed under them.
NOUNS = {"deliverable": N_("deliverable"), "event": N_("event")}


def _named(names: dict[str, str], name: str) -> Value:
    known = names.get(name)
    return Message(known) if known is not None else name


class Conflict(EventflowError):
    """The change clashes with existing data (duplicate e-mail, theme already set…)."""


class NotAuthenticated(EventflowError):
    """No valid session or token."""


class Forbidden(EventflowError):
    """Authenticated, but the role does not allow it."""


class FileTooLarge(EventflowError):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(N_("the file is larger than the %(limit)s limit per file"), limit=Size(limit_bytes))
        self.limit_bytes = limit_bytes


class QuotaExceeded(EventflowError):
    def __init__(self, needed: int, free: int) -> None:
        super().__init__(
            N_(
                "storage quota reached: this file needs %(needed)s but only %(free)s are left; "
                "archive or purge old events to make room"
            ),
            needed=Size(needed),
            free=Size(max(free, 0)),
        )
        self.needed = needed
        self.free = free


class TooManyUnfinished(QuotaExceeded):
    """A person's unfinished resumable uploads already hold as many bytes as they may."""

    def __init__(self, needed: int, unfinished: int, cap: int) -> None:
        EventflowError.__init__(
            self,
            N_(
                "this upload needs %(needed)s but you already have %(unfinished)s of unfinished uploads, and "
                "unfinished uploads may hold at most %(cap)s per person: finish or cancel your other uploads, "
                "then send this one again"
            ),
            needed=Size(needed),
            unfinished=Size(unfinished),
            cap=Size(cap),
        )
        self.needed = needed
        self.free = max(cap - unfinished, 0)


class UnsupportedMedia(EventflowError):
    """The file type is not accepted here."""


class UploadCut(EventflowError):
    """The body ended before its declared length or its closing boundary: nothing of it is kept."""

    def __init__(self) -> None:
        super().__init__(N_("the upload was cut before the end: send the file again"))


class StorageFull(EventflowError):
    """The disk refused a write (no space left, or the user's disk quota): nothing partial is kept."""

    def __init__(self, place: str, free: int | None = None) -> None:
        if free is None:
            super().__init__(
                N_(
                    "storage full: the disk holding the %(place)s is full (no free space is left); "
                    "archive or purge old events"
                ),
                place=_named(PLACES, place),
            )
        else:
            super().__init__(
                N_(
                    "storage full: the disk holding the %(place)s is full (only %(free)s of free space are left); "
                    "archive or purge old events"
                ),
                place=_named(PLACES, place),
                free=Size(free),
            )
        self.place = place
        self.free = free


class TooManyAttempts(EventflowError):
    """Too many failed logins lately for this e-mail or address; ``retry_after`` seconds until the next try."""

    def __init__(self, retry_after: int) -> None:
        minutes = -(-retry_after // 60)
        super().__init__(N_("too many failed logins; try again in %(minutes)s min"), minutes=minutes)
        self.retry_after = retry_after


class TryAgain(EventflowError):
    """The database gave up this transaction because of a concurrent one (deadlock, serialisation failure, lock wait
    timed out): it was rolled back whole, and running the same unit of work again may well succeed."""

    retry_after = 1  # seconds, for a client that meets it (a use case not run again by ``core.replay``)


class Unavailable(EventflowError):
    """Still busy after several attempts; ``retry_after`` is the number of seconds worth waiting before asking again."""

    def __init__(self, message: str, /, retry_after: int = 1, **values: Value) -> None:
        super().__init__(message, **values)
        self.retry_after = retry_after


class Outdated(EventflowError):
    """The caller changes something it read before someone else changed it (``If-Match`` no longer matches)."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(
            N_("%(kind)s %(key)s was changed by someone else since you read it; reload it and try again"),
            kind=_named(NOUNS, kind),
            key=key if isinstance(key, int) else str(key),
        )
        self.kind = kind
        self.key = key


class StoreUnavailable(EventflowError):
    """A file store (a bucket) did not answer or refused the request; what was under way was left as it was."""

    retry_after = 30  # seconds, for a client that meets it

    def __init__(self, place: str, reason: str) -> None:
        super().__init__(
            N_("the %(place)s is unavailable (%(reason)s); nothing was changed, try again once it is back"),
            place=_named(PLACES, place),
            reason=reason,
        )
        self.place = place
