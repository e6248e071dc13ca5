"""Domain errors to HTTP, in one place, in the caller's language.

Every error body is ``{"title", "description"}`` (+ ``"field"``); a browser asking for a page gets the error page
instead, in the app's layout. Both are written in the caller's language: their profile's once logged in, otherwise
the best of French and English their browser's ``Accept-Language`` asks for (French, the team's language, when it
names neither). A program that sends no ``Accept-Language`` at all (curl, a script) and no credentials reads the
source texts, English. The core's errors carry a ``Message`` (``core.i18n``): translated here, never in the core.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import falcon
from gunicorn.http.errors import NoMoreData

from eventflow.adapters.translations import BabelTranslator, translator
from eventflow.core import errors
from eventflow.core.i18n import N_, Message, Value, render
from eventflow.core.model import Language, User
from eventflow.entrypoints.web.bodies import BodyError

if TYPE_CHECKING:
    from eventflow.entrypoints.web.pages.render import Renderer

log = logging.getLogger("eventflow.web")

DEFAULT_LANGUAGE = Language.FR

#: Most specific first: ``BodyError`` is an ``InvalidInput`` that means unreadable JSON.
STATUS: tuple[tuple[type[errors.EventflowError], str, str], ...] = (
    (BodyError, falcon.HTTP_400, N_("Malformed request")),
    (errors.InvalidInput, falcon.HTTP_422, N_("Invalid input")),
    (errors.NotFound, falcon.HTTP_404, N_("Not found")),
    (errors.Conflict, falcon.HTTP_409, N_("Conflict")),
    (errors.NotAuthenticated, falcon.HTTP_401, N_("Not logged in")),
    (errors.Forbidden, falcon.HTTP_403, N_("Forbidden")),
    (errors.FileTooLarge, falcon.HTTP_413, N_("File too large")),
    (errors.QuotaExceeded, falcon.HTTP_507, N_("Storage full")),
    (errors.UnsupportedMedia, falcon.HTTP_415, N_("Unsupported file type")),
    (errors.UploadCut, falcon.HTTP_400, N_("Upload cut")),
    (errors.StorageFull, falcon.HTTP_507, N_("Storage full")),
    (errors.Outdated, falcon.HTTP_412, N_("Precondition failed")),
    (errors.TooManyAttempts, falcon.HTTP_429, N_("Too many attempts")),
    (errors.TryAgain, falcon.HTTP_503, N_("Busy")),
    (errors.Unavailable, falcon.HTTP_503, N_("Busy")),
    (errors.StoreUnavailable, falcon.HTTP_503, N_("Storage unavailable")),
)

#: The title of every other status an answer may have (Falcon's own errors, the admission's, a bug).
TITLES = {
    400: N_("Bad request"),
    401: N_("Not logged in"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    408: N_("Request timeout"),
    409: N_("Conflict"),
    411: N_("Length required"),
    412: N_("Precondition failed"),
    413: N_("Too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid input"),
    429: N_("Too many requests"),
    500: N_("Internal error"),
    503: N_("Busy"),
    507: N_("Storage full"),
}

#: What Falcon's own errors mean for the caller when Falcon gives no description.
FALCON_DESCRIPTIONS = {
    404: N_("there is nothing at this address"),
    405: N_("this address does not accept that method"),
    415: N_("send the body as application/json"),
}


class Refusal(falcon.HTTPError):
    """An HTTP error raised at the door (admission, body size) whose description is a ``Message``: translated for
    its caller like the core's errors."""

    def __init__(self, status: str, message: str, /, headers: dict[str, str] | None = None, **values: Value) -> None:
        self.message = Message(message, values)
        super().__init__(status, description=str(self.message), headers=headers)


def accepted_language(header: str | None) -> Language:
    """The language an ``Accept-Language`` header prefers among those eventflow speaks (highest q first); English
    without the header (a program), French when it names neither (a person, in a French team's app)."""
    if header is None or not header.strip():
        return Language.EN
    best: tuple[float, int, Language] | None = None
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        try:
            quality = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            continue
        primary = tag.strip().lower().partition("-")[0]
        language = next((lang for lang in Language if lang.value == primary), None)
        if language is not None and quality > 0 and (best is None or (quality, -position) > best[:2]):
            best = (quality, -position, language)
    return best[2] if best is not None else DEFAULT_LANGUAGE


def reader_language(req: falcon.Request) -> Language:
    """The caller's language: their profile's once known, otherwise what their browser asks for."""
    user: User | None = req.context.get("user")
    if user is not None:
        return user.language
    return accepted_language(req.get_header("Accept-Language"))


def texts_for(req: falcon.Request) -> BabelTranslator:
    return translator(reader_language(req))


def error_body(title: str, description: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "description": description}
    if field:
        body["field"] = field
    return body


def _status_of(exc: errors.EventflowError) -> tuple[str, str]:
    for cls, status, title in STATUS:
        if isinstance(exc, cls):
            return status, title
    return falcon.HTTP_400, TITLES[400]


def wants_page(req: falcon.Request) -> bool:
    """A browser navigating to a page (not a script, nor the pages' own fetches to ``/api``)."""
    if req.path.startswith("/api/") or req.method not in ("GET", "HEAD"):
        return False
    accept = req.get_header("Accept") or ""
    return "text/html" in accept


class ErrorAnswers:
    """Writes an error as JSON or as a page, in the caller's language (the page needs the pages' renderer)."""

    def __init__(self, renderer: Renderer | None = None) -> None:
        self.renderer = renderer
        #: Identifies the caller when no route took the request (the auth middleware did not run).
        self.identify: Callable[[falcon.Request], None] | None = None

    def write(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        status: str,
        title: str,
        description: Message,
        field: str | None = None,
    ) -> None:
        if self.identify is not None and "user" not in req.context:
            self.identify(req)
        texts = texts_for(req)
        resp.status = status
        shown_title, shown = texts.gettext(title), render(description, texts)
        if self.renderer is not None and (wants_page(req) or (resp.content_type or "").startswith("text/html")):
            self.page(req, resp, shown_title, shown)
        else:
            resp.content_type = falcon.MEDIA_JSON  # a download may have set its file's type before failing
            resp.media = error_body(shown_title, shown, field)

    def page(self, req: falcon.Request, resp: falcon.Response, title: str, message: str) -> None:
        assert self.renderer is not None
        code = resp.status.split(" ")[0] if isinstance(resp.status, str) else str(resp.status)
        resp.text = self.renderer.render(
            "error.html",
            reader_language(req).value,
            me=req.context.get("user"),
            csrf_token=req.context.get("csrf_token") or "",
            path=req.path,
            code=code,
            title=title,
            message=message,
        )
        self.renderer.headers(resp)

    def domain(self, req: falcon.Request, resp: falcon.Response, exc: errors.EventflowError, params: Any) -> None:
        status, title = _status_of(exc)
        self.write(req, resp, status, title, exc.message, getattr(exc, "field", None))
        if isinstance(exc, errors.NotAuthenticated):
            resp.set_header("WWW-Authenticate", 'Bearer realm="eventflow"')
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            resp.set_header("Retry-After", str(retry_after))

    def http(self, req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError, params: Any) -> None:
        """Falcon's own errors (unknown route, wrong method, unsupported body type…) in the same shape."""
        code = exc.status_code
        reason = falcon.code_to_http_status(code).partition(" ")[2]
        title = TITLES.get(code) or (exc.title if exc.title and exc.title != exc.status else reason)
        if isinstance(exc, Refusal):
            description = exc.message
        else:  # a description marked N_ where it was raised is translated; Falcon's own get ours
            description = Message(exc.description or FALCON_DESCRIPTIONS.get(code) or str(exc.status))
        status = exc.status if isinstance(exc.status, str) else falcon.code_to_http_status(code)
        self.write(req, resp, status, title, description)
        resp.set_headers(exc.headers or {})

    def departure(self, req: falcon.Request, resp: falcon.Response, error: Exception, params: dict[str, Any]) -> None:
        """The client went away while its request was read: one info line (nginx logs these as 499), no trace.
        Everything it sent is dropped; the answer is for a client that only half-closed and still listens."""
        request_id = req.context.get("request_id", "-")
        log.info("client went away during %s %s (499) id=%s", req.method, req.path, request_id)
        message = Message(N_("the connection was cut before the request arrived whole: send it again"))
        self.write(req, resp, falcon.HTTP_400, N_("Request cut"), message)

    def unexpected(self, req: falcon.Request, resp: falcon.Response, exc: Exception, params: Any) -> None:
        """A bug: log it with the request id, answer a plain 500 without a trace."""
        request_id = getattr(req.context, "request_id", "-")
        log.exception("unexpected error on %s %s (request id %s)", req.method, req.path, request_id)
        message = Message(
            N_("something went wrong on our side; tell the admin the request id %(request_id)s"),
            {"request_id": request_id},
        )
        try:
            self.write(req, resp, falcon.HTTP_500, TITLES[500], message)
        except Exception:  # the page itself failed (a template): the plainest answer
            log.exception("the error page failed too (request id %s)", request_id)
            resp.content_type = falcon.MEDIA_JSON
            resp.text = None
            resp.media = error_body("Internal error", str(message))


#: How a client leaving mid-request reaches the app: its connection reset, or closed inside a chunked body.
DEPARTURES: tuple[type[Exception], ...] = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, NoMoreData)


def register_error_handlers(
    app: falcon.App[falcon.Request, falcon.Response], renderer: Renderer | None = None
) -> ErrorAnswers:
    answers = ErrorAnswers(renderer)
    app.add_error_handler(Exception, answers.unexpected)
    app.add_error_handler(DEPARTURES, answers.departure)
    app.add_error_handler(falcon.HTTPError, answers.http)
    app.add_error_handler(errors.EventflowError, answers.domain)
    return answers
