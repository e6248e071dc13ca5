"""Query-string parameters, validated with the core's parsers; a bad value is a 422 naming the parameter."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TypeVar

import falcon

from eventflow.core import errors
from eventflow.core.services.catalog import parse_month
from eventflow.core.services.events import parse_date
from eventflow.entrypoints.web.bodies import MAX_INT

E = TypeVar("E", bound=StrEnum)


def date_param(req: falcon.Request, name: str) -> dt.date | None:
    value = req.get_param(name)
    return parse_date(value, name) if value is not None else None


def period(req: falcon.Request) -> tuple[dt.date | None, dt.date | None]:
    """``from`` and ``to`` (both included); ``to`` before ``from`` is refused."""
    start, end = date_param(req, "from"), date_param(req, "to")
    if start and end and end < start:
        raise errors.InvalidInput("to (%(end)s) is before from (%(start)s)", "to", end=end, start=start)
    return start, end


def int_param(req: falcon.Request, name: str, low: int = 1, high: int = MAX_INT) -> int | None:
    value = req.get_param(name)
    if value is None:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise errors.InvalidInput(
            "%(name)s must be a whole number from %(low)s to %(high)s, not %(value)r",
            name,
            name=name,
            low=low,
            high=high,
            value=value,
        )
    return int(value)


FLAGS = {"1": True, "true": True, "0": False, "false": False}


def flag_param(req: falcon.Request, name: str) -> bool:
    """A yes/no parameter (``1``/``0`` or ``true``/``false``); absent is no."""
    value = req.get_param(name)
    if value is None:
        return False
    if value.lower() not in FLAGS:
        raise errors.InvalidInput("%(name)s must be 1 or 0, not %(value)r", name, name=name, value=value)
    return FLAGS[value.lower()]


def text_param(req: falcon.Request, name: str, max_len: int = 200) -> str | None:
    """A short free text, stripped; None when absent or blank."""
    value = (req.get_param(name) or "").strip()
    if len(value) > max_len:
        raise errors.InvalidInput("%(name)s is longer than %(max)s characters", name, name=name, max=max_len)
    return value or None


def enum_param(req: falcon.Request, name: str, kind: type[E]) -> E | None:
    value = req.get_param(name)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise errors.InvalidInput(
            "%(name)s must be one of %(allowed)s, not %(value)r",
            name,
            name=name,
            allowed=", ".join(k.value for k in kind),
            value=value,
        ) from None


def month_param(req: falcon.Request, name: str = "month") -> tuple[int, int]:
    value = req.get_param(name)
    if value is None:
        raise errors.InvalidInput("%(name)s is required, e.g. ?%(name)s=2026-12", name, name=name)
    return parse_month(value)
