"""Domain errors to HTTP, in one place. Every error body is ``{"title", "description"}`` (+ ``"field"``)."""

from __future__ import annotations

import html
import logging
from typing import Any

import falcon
from gunicorn.http.errors import NoMoreData

from eventflow.core import errors
from eventflow.entrypoints.web.bodies import BodyError

log = logging.getLogger("eventflow.web")

#: Most specific first: ``BodyError`` is an ``InvalidInput`` that means unreadable JSON.
STATUS: tuple[tuple[type[errors.EventflowError], str, str], ...] = (
    (BodyError, falcon.HTTP_400, "Malformed request"),
    (errors.InvalidInput, falcon.HTTP_422, "Invalid input"),
    (errors.NotFound, falcon.HTTP_404, "Not found"),
    (errors.Conflict, falcon.HTTP_409, "Conflict"),
    (errors.NotAuthenticated, falcon.HTTP_401, "Not logged in"),
    (errors.Forbidden, falcon.HTTP_403, "Forbidden"),
    (errors.FileTooLarge, falcon.HTTP_413, "File too large"),
    (errors.QuotaExceeded, falcon.HTTP_507, "Storage full"),
    (errors.UnsupportedMedia, falcon.HTTP_415, "Unsupported file type"),
    (errors.UploadCut, falcon.HTTP_400, "Upload cut"),
    (errors.StorageFull, falcon.HTTP_507, "Storage full"),
    (errors.Outdated, falcon.HTTP_412, "Precondition failed"),
    (errors.TryAgain, falcon.HTTP_503, "Busy"),
    (errors.Unavailable, falcon.HTTP_503, "Busy"),
    (errors.StoreUnavailable, falcon.HTTP_503, "Storage unavailable"),
)


def error_body(title: str, description: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"title": title, "description": description}
    if field:
        body["field"] = field
    return body


def _status_of(exc: errors.EventflowError) -> tuple[str, str]:
    for cls, status, title in STATUS:
        if isinstance(exc, cls):
            return status, title
    return falcon.HTTP_400, "Bad request"


def handle_domain_error(req: falcon.Request, resp: falcon.Response, exc: errors.EventflowError, params: Any) -> None:
    status, title = _status_of(exc)
    resp.status = status
    resp.content_type = falcon.MEDIA_JSON  # a download may have set its file's type before failing
    resp.media = error_body(title, str(exc), getattr(exc, "field", None))
    if isinstance(exc, errors.NotAuthenticated):
        resp.set_header("WWW-Authenticate", 'Bearer realm="eventflow"')
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        resp.set_header("Retry-After", str(retry_after))


def handle_http_error(req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError, params: Any) -> None:
    """Falcon's own errors (unknown route, wrong method, unsupported body type…) in the same shape."""
    resp.status = exc.status
    reason = falcon.code_to_http_status(exc.status_code).partition(" ")[2]
    title = exc.title if exc.title and exc.title != exc.status else reason
    resp.media = error_body(title, exc.description or _describe(exc.status_code))
    resp.set_headers(exc.headers or {})


#: What Falcon's own errors mean for the caller when Falcon gives no description.
FALCON_DESCRIPTIONS = {
    404: "there is nothing at this address",
    405: "this address does not accept that method",
    415: "send the body as application/json",
}


def _describe(code: int) -> str:
    return FALCON_DESCRIPTIONS.get(code) or str(falcon.code_to_http_status(code))


#: How a client leaving mid-request reaches the app: its connection reset, or closed inside a chunked body.
DEPARTURES: tuple[type[Exception], ...] = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, NoMoreData)


def handle_departure(req: falcon.Request, resp: falcon.Response, error: Exception, params: dict[str, Any]) -> None:
    """The client went away while its request was read: one info line (nginx logs these as 499), no trace.
    Everything it sent is dropped; the answer is for a client that only half-closed and still listens."""
    request_id = req.context.get("request_id", "-")
    log.info("client went away during %s %s (499) id=%s", req.method, req.path, request_id)
    resp.status = falcon.HTTP_400
    resp.media = error_body("Request cut", "the connection was cut before the request arrived whole: send it again")


def handle_unexpected(req: falcon.Request, resp: falcon.Response, exc: Exception, params: Any) -> None:
    """A bug: log it with the request id, answer a plain 500 without a trace."""
    request_id = getattr(req.context, "request_id", "-")
    log.exception("unexpected error on %s %s (request id %s)", req.method, req.path, request_id)
    resp.status = falcon.HTTP_500
    message = f"something went wrong on our side; tell the admin the request id {request_id}"
    if (resp.content_type or "").startswith("text/html"):  # a page: plain HTML, no template (one may have failed)
        resp.text = PAGE_500.format(message=html.escape(message))
    else:
        resp.content_type = falcon.MEDIA_JSON
        resp.media = error_body("Internal error", message)


PAGE_500 = """<!doctype html><html lang="fr"><meta charset="utf-8"><title>Erreur — eventflow</title>
<h1>Oups, une erreur est survenue / Something went wrong</h1><p>{message}</p><p><a href="/">eventflow</a></p></html>"""


def register_error_handlers(app: falcon.App[falcon.Request, falcon.Response]) -> None:
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(DEPARTURES, handle_departure)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(errors.EventflowError, handle_domain_error)
