"""Cross-cutting behaviour: request ids and security headers on every response, one read transaction per page,
the caller's language for the texts answers tell."""

from __future__ import annotations

import re
import secrets
import uuid
from contextlib import ExitStack
from typing import Any

import falcon

from eventflow.core.shared_reads import SharedReads
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.errors import reader_language

_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

#: Pages get no inline script and load everything from this origin (frames too: the PDF preview); nothing may frame
#: the app. The one inline style allowed is the one carrying the response's nonce: the rich-text editor (Trix) adds
#: its own ``<style>`` with the nonce a page gives it in ``<meta name="trix-csp-nonce">``.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'{nonce}; img-src 'self' data: blob:; "
    "media-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(nonce: str | None) -> str:
    """The pages' policy, allowing the styles that carry ``nonce`` (a new one for each response)."""
    return CONTENT_SECURITY_POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else "")


class RequestId:
    """Every request gets an id (a proxy's ``X-Request-Id`` is kept when it looks sane); responses carry it."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        incoming = req.get_header("X-Request-Id") or ""
        req.context.request_id = incoming if _CLIENT_ID.match(incoming) else uuid.uuid4().hex

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool) -> None:
        resp.set_header("X-Request-Id", req.context.get("request_id") or uuid.uuid4().hex)


class SecurityHeaders:
    """The security headers of every response; ``req.context.csp_nonce`` is the response's style nonce, which a page
    hands to the rich-text editor."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.csp_nonce = secrets.token_urlsafe(16)

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool) -> None:
        headers = SECURITY_HEADERS | {"Content-Security-Policy": content_security_policy(req.context.get("csp_nonce"))}
        for name, value in headers.items():
            if resp.get_header(name) is None:  # a resource may set a stricter one (stored files: sandbox CSP)
                resp.set_header(name, value)
        if req.path.startswith("/api/") and resp.get_header("Cache-Control") is None:
            resp.set_header("Cache-Control", "no-store")


class OneReadTransaction:
    """A page's GET reads in one transaction: the caller's session and everything the page shows (pages set
    ``shares_reads``; what they write, such as the session's slide, still commits on its own)."""

    def __init__(self, reads: SharedReads) -> None:
        self._reads = reads

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any, params: Any) -> None:
        if req.method in ("GET", "HEAD") and getattr(resource, "shares_reads", False):
            scope = ExitStack()
            scope.enter_context(self._reads.sharing())
            req.context.read_scope = scope

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool) -> None:
        scope = req.context.get("read_scope")
        if scope is not None:
            scope.close()


class ReaderLanguage:
    """Answers tell their texts (a spec check's problems) in the caller's language (their profile's, or their
    browser's before they log in); after authentication."""

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any, params: Any) -> None:
        req.context.reader = presenters.READER.set(reader_language(req))

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool) -> None:
        token = req.context.get("reader")
        if token is not None:  # the thread serves other callers next
            presenters.READER.reset(token)
