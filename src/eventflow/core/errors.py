"""One hierarchy of domain errors; entrypoints map each class to an HTTP status or a CLI exit."""

from __future__ import annotations


class EventflowError(Exception):
    """Base of every error a user can cause; ``str()`` is a sentence meant for them."""


class InvalidInput(EventflowError):
    """A value is missing or malformed; ``field`` names it when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(EventflowError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} does not exist")
        self.kind = kind
        self.key = key


class Conflict(EventflowError):
    """The change clashes with existing data (duplicate e-mail, theme already set…)."""


class NotAuthenticated(EventflowError):
    """No valid session or token."""


class Forbidden(EventflowError):
    """Authenticated, but the role does not allow it."""


class FileTooLarge(EventflowError):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"the file is larger than the {limit_bytes // (1024 * 1024)} MB limit per file")
        self.limit_bytes = limit_bytes


class QuotaExceeded(EventflowError):
    def __init__(self, needed: int, free: int) -> None:
        super().__init__(
            f"storage quota reached: this file needs {needed} bytes but only {max(free, 0)} are left; "
            "archive or purge old events to make room"
        )
        self.needed = needed
        self.free = free


class TooManyUnfinished(QuotaExceeded):
    """A person's unfinished resumable uploads already hold as many bytes as they may."""

    def __init__(self, needed: int, unfinished: int, cap: int) -> None:
        EventflowError.__init__(
            self,
            f"this upload needs {_mb(needed)} but you already have {_mb(unfinished)} of unfinished uploads, and "
            f"unfinished uploads may hold at most {_mb(cap)} per person: finish or cancel your other uploads, "
            "then send this one again",
        )
        self.needed = needed
        self.free = max(cap - unfinished, 0)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


class UnsupportedMedia(EventflowError):
    """The file type is not accepted here."""


class UploadCut(EventflowError):
    """The body ended before its declared length or its closing boundary: nothing of it is kept."""

    def __init__(self) -> None:
        super().__init__("the upload was cut before the end: send the file again")


class StorageFull(EventflowError):
    """The disk refused a write (no space left, or the user's disk quota): nothing partial is kept."""

    def __init__(self, place: str, free: int | None = None) -> None:
        room = f"only {free} bytes of free space are left" if free is not None else "no free space is left"
        super().__init__(f"storage full: the disk holding the {place} is full ({room}); archive or purge old events")
        self.place = place
        self.free = free


class TryAgain(EventflowError):
    """The database gave up this transaction because of a concurrent one (deadlock, serialisation failure, lock wait
    timed out): it was rolled back whole, and running the same unit of work again may well succeed."""

    retry_after = 1  # seconds, for a client that meets it (a use case not run again by ``core.replay``)


class Unavailable(EventflowError):
    """Still busy after several attempts; ``retry_after`` is the number of seconds worth waiting before asking again."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Outdated(EventflowError):
    """The caller changes something it read before someone else changed it (``If-Match`` no longer matches)."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} was changed by someone else since you read it; reload it and try again")
        self.kind = kind
        self.key = key


class StoreUnavailable(EventflowError):
    """A file store (a bucket) did not answer or refused the request; what was under way was left as it was."""

    retry_after = 30  # seconds, for a client that meets it

    def __init__(self, place: str, reason: str) -> None:
        super().__init__(f"the {place} is unavailable ({reason}); nothing was changed, try again once it is back")
        self.place = place
