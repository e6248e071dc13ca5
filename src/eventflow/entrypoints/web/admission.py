"""Who may send a body now: caps decided before a byte of it is read, and a stalled body ended with a 408.

A request that reads a body holds one of the worker process's threads for as long as the body trickles in (see
``server.THREADS``), so a few slow or stalled clients could leave none for anyone else. This middleware keeps them
apart:

- at most ``BODIES_PER_WORKER`` requests per worker process read a body at once (uploads, forms, JSON alike);
  the other threads stay free for reads (pages, downloads, the API's GETs), which never wait behind a body;
- at most ``UPLOADS_PER_WORKER`` uploads at once (multipart versions and photos, tus creations and PATCHes:
  resources name them in ``upload_methods``), fewer than the bodies, so quick writes still get through while big
  files arrive;
- one person has at most ``UPLOADS_PER_PERSON`` uploads under way in a worker process.

Beyond a cap the answer is immediate, with ``Retry-After``: 503 when the process is busy (a retry may well land on
another process), 429 when it is the caller's own uploads. A body that stops arriving is cut by the server's
socket timeout (``worker.py``); here that surfaces as ``ClientStalled`` from the body stream, so whatever was
reading it cleans up as for any failed read (temporary file removed, quota hold released) and the client is told
408 when it is still listening.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import falcon

from eventflow.core.i18n import N_, Message, render
from eventflow.entrypoints.web.errors import Refusal, error_body, texts_for

BODIES_PER_WORKER = 6
UPLOADS_PER_WORKER = 4
UPLOADS_PER_PERSON = 3
RETRY_AFTER_SECONDS = 5
NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ClientStalled(TimeoutError):
    """The client sent nothing more of its request for the body timeout.

    A ``TimeoutError`` (an ``OSError``): code that copes with a client going away copes with this one too."""


class StallGuard:
    """The request body (``wsgi.input``); a read the server gave up on becomes ``ClientStalled``."""

    def __init__(self, stream: Any, timeout_seconds: float) -> None:
        self._stream = stream
        self._timeout_seconds = timeout_seconds

    def read(self, size: int | None = -1) -> bytes:
        data: bytes = self._guarded(self._stream.read, size)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        line: bytes = self._guarded(self._stream.readline, size)
        return line

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines: list[bytes] = self._guarded(self._stream.readlines, hint)
        return lines

    def __iter__(self) -> StallGuard:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def _guarded(self, read: Any, size: int | None) -> Any:
        try:
            return read(size)
        except ClientStalled:
            raise
        except TimeoutError:
            raise ClientStalled(f"nothing arrived for {self._timeout_seconds:g} seconds") from None


def carries_body(req: falcon.Request) -> bool:
    if req.method in NO_BODY_METHODS:
        return False
    return bool(req.content_length) or req.get_header("Transfer-Encoding") is not None


class Admission:
    """Falcon middleware: the caps above, taken before the body is read and given back with the response."""

    def __init__(
        self,
        body_timeout_seconds: float,
        bodies_per_worker: int = BODIES_PER_WORKER,
        uploads_per_worker: int = UPLOADS_PER_WORKER,
        uploads_per_person: int = UPLOADS_PER_PERSON,
    ) -> None:
        self._body_timeout_seconds = body_timeout_seconds
        self._bodies = threading.BoundedSemaphore(bodies_per_worker)
        self._uploads = threading.BoundedSemaphore(uploads_per_worker)
        self._uploads_per_person = uploads_per_person
        self._per_person: Counter[int] = Counter()
        self._lock = threading.Lock()

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        # Both: Falcon's ``bounded_stream`` (JSON bodies, tus) wraps ``wsgi.input`` itself, not ``req.stream``.
        req.stream = req.env["wsgi.input"] = StallGuard(req.env["wsgi.input"], self._body_timeout_seconds)
        if carries_body(req):
            if not self._bodies.acquire(blocking=False):
                raise busy(N_("the server is receiving as many requests as it can right now"))
            req.context.body_slot = True

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any, params: Any) -> None:
        user = req.context.get("user")
        if user is None or req.method not in getattr(resource, "upload_methods", ()):
            return
        self._take_person_slot(user.id)
        req.context.upload_person = user.id
        if not self._uploads.acquire(blocking=False):
            raise busy(N_("the server is receiving as many uploads as it can right now"))
        req.context.upload_slot = True

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool) -> None:
        if req.context.get("upload_slot"):
            self._uploads.release()
        person = req.context.get("upload_person")
        if person is not None:
            with self._lock:
                self._per_person[person] -= 1
                if not self._per_person[person]:
                    del self._per_person[person]
        if req.context.get("body_slot"):
            self._bodies.release()

    def _take_person_slot(self, person: int) -> None:
        with self._lock:
            if self._per_person[person] >= self._uploads_per_person:
                raise Refusal(
                    falcon.HTTP_429,
                    "you already have %(count)s uploads under way: wait for one to finish, then send this file again",
                    {"Retry-After": str(RETRY_AFTER_SECONDS)},
                    count=self._uploads_per_person,
                )
            self._per_person[person] += 1

    def handle_stalled(self, req: falcon.Request, resp: falcon.Response, exc: ClientStalled, params: Any) -> None:
        """408: the body stopped arriving; nothing of it was kept (a tus upload keeps what it had: resume it)."""
        resp.status = falcon.HTTP_408
        texts = texts_for(req)
        stalled = Message(N_("nothing arrived for %(seconds)s seconds"), {"seconds": f"{self._body_timeout_seconds:g}"})
        message = Message(N_("%(reason)s: the request was abandoned, send it again"), {"reason": stalled})
        resp.media = error_body(texts.gettext("Request timeout"), render(message, texts))


def busy(description: str) -> Refusal:
    return Refusal(
        falcon.HTTP_503,
        "%(reason)s; try again in %(seconds)s seconds",
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
        reason=Message(description),
        seconds=RETRY_AFTER_SECONDS,
    )


def register(app: falcon.App[falcon.Request, falcon.Response], body_timeout_seconds: float) -> None:
    """After authentication (the per-person cap needs the caller)."""
    admission = Admission(body_timeout_seconds)
    app.add_middleware(admission)
    app.add_error_handler(ClientStalled, admission.handle_stalled)
