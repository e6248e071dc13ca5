"""What every page resource shares: the login redirect, the admin gate, query parsing."""

from __future__ import annotations

import datetime as dt
import unicodedata
from urllib.parse import quote, unquote

import falcon

from eventflow.core import errors
from eventflow.core.model import User
from eventflow.entrypoints.web.errors import STATUS


def safe_next(target: str | None) -> str:
    """A path of this site to go back to after login; anything else means home.

    Browsers forgive a lot in a URL (``/%09/host`` loses its tab and becomes ``//host``; a backslash counts as a
    slash), so the path must start with one ``/`` (no scheme, no host) and hold no ``//``, backslash, whitespace or
    control character, neither as given nor once more decoded.
    """
    if not target:
        return "/"
    return target if all(_local_path(form) for form in (target, unquote(target))) else "/"


def _local_path(path: str) -> bool:
    return (
        path.startswith("/")
        and "//" not in path
        and "\\" not in path
        and not any(char.isspace() or unicodedata.category(char).startswith("C") for char in path)
    )


def current_user(req: falcon.Request) -> User:
    """The logged-in user, or a redirect to the login form that comes back here afterwards."""
    user: User | None = req.context.get("user")
    if user is None:
        here = req.relative_uri if req.path != "/" or req.query_string else "/"
        raise falcon.HTTPSeeOther("/login" + ("" if here == "/" else f"?next={quote(here, safe='')}"))
    return user


def current_admin(req: falcon.Request) -> User:
    user = current_user(req)
    if not user.is_admin:
        raise errors.Forbidden("only an admin may open this page")
    return user


def date_param(req: falcon.Request, name: str, default: dt.date) -> dt.date:
    raw = req.get_param(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise errors.InvalidInput("%(raw)r is not a date; write it YYYY-MM-DD", name, raw=raw) from None


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def error_status(exc: errors.EventflowError) -> str:
    """The HTTP status the API gives this domain error (one mapping for pages and API)."""
    return next((status for cls, status, _ in STATUS if isinstance(exc, cls)), falcon.HTTP_400)
