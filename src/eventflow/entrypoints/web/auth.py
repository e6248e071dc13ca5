"""Who is calling: cookie sessions and bearer tokens, CSRF for cookie writes, login throttling, ``/api/me``.

- A session cookie (``eventflow_session``; ``__Host-eventflow_session`` with ``Secure`` over https) carries a random
  key; the core stores its hash and slides its expiry to 30 days on use; the cookie's Max-Age slides with it.
- A cookie-authenticated unsafe request (POST, PUT, PATCH, DELETE) must carry the CSRF token in the ``X-CSRF-Token``
  header (or a ``csrf_token`` field of a urlencoded form). The token is an HMAC of the session key under the secret
  key, so another site can neither read nor forge it; it is also given in a script-readable ``eventflow_csrf``
  cookie and in the login response. Requests with ``Authorization: Bearer TOKEN`` are exempt: browsers never add it.
- Every unsafe request without a bearer token, the login included (another site could otherwise log a browser in
  as someone else), is refused when the browser says it comes from another site: an ``Origin`` that is not the
  app's own (this request's scheme and host, or ``EVENTFLOW_BASE_URL``), or ``Sec-Fetch-Site: cross-site``.
  Clients that send neither header (scripts, old browsers) are judged by the CSRF token alone.
- ``POST /api/session`` takes JSON only: a plain HTML form on another site cannot send it.
- ``https`` is the request's own scheme; a proxy's ``X-Forwarded-Proto`` counts only when ``trust_forwarded_proto``
  is set (``EVENTFLOW_TRUST_FORWARDED_PROTO=1``), because any client can send that header.
- A resource is private unless it sets ``auth_required = False``; either way ``req.context.user`` is the caller
  (or ``None``), and ``req.context.csrf_token`` the token a page form should post back.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

import falcon
from attrs import field, frozen

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.commands import UNSET, UserChanges
from eventflow.core.model import User
from eventflow.core.services.throttle import LoginThrottle
from eventflow.core.services.users import SESSION_DAYS
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import read_body, read_changes
from eventflow.entrypoints.web.errors import Refusal
from eventflow.entrypoints.web.openapi import operation
from eventflow.entrypoints.web.schema import doc

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "eventflow_session"
CSRF_COOKIE = "eventflow_csrf"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = SESSION_DAYS * 24 * 3600


class CookiePolicy:
    """Cookie names and attributes for this request's scheme."""

    def __init__(self, trust_forwarded_proto: bool) -> None:
        self._trust_forwarded_proto = trust_forwarded_proto

    def is_https(self, req: falcon.Request) -> bool:
        scheme = req.forwarded_scheme if self._trust_forwarded_proto else req.scheme
        return scheme == "https"

    def name(self, req: falcon.Request, base: str) -> str:
        return f"__Host-{base}" if self.is_https(req) else base

    def session_key(self, req: falcon.Request) -> str | None:
        values = req.get_cookie_values(self.name(req, SESSION_COOKIE)) or []
        return values[0] if values else None

    def set(self, req: falcon.Request, resp: falcon.Response, session_key: str, csrf_token: str) -> None:
        secure = self.is_https(req)
        common: dict[str, Any] = {"max_age": SESSION_SECONDS, "path": "/", "secure": secure, "same_site": "Lax"}
        resp.set_cookie(self.name(req, SESSION_COOKIE), session_key, http_only=True, **common)
        resp.set_cookie(self.name(req, CSRF_COOKIE), csrf_token, http_only=False, **common)

    def clear(self, req: falcon.Request, resp: falcon.Response) -> None:
        for base in (SESSION_COOKIE, CSRF_COOKIE):
            resp.unset_cookie(self.name(req, base), path="/", same_site="Lax")


class Authentication:
    """Middleware: identifies the caller, enforces login, CSRF and same-site writes, keeps the session cookie
    sliding."""

    def __init__(self, services: Services, cookies: CookiePolicy) -> None:
        self._users = services.users
        self._secret = services.settings.secret_key().encode()
        self._cookies = cookies
        self._base_origin = origin_of(services.settings.base_url)

    def csrf_token(self, session_key: str) -> str:
        return hmac.new(self._secret, session_key.encode(), hashlib.sha256).hexdigest()

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any, params: Any) -> None:
        req.context.user = None
        req.context.by_token = False
        req.context.session_key = None
        req.context.csrf_token = None
        req.context.revision = None  # the database's revision, read with a session (pages key their cache on it)
        req.context.unread = 0  # the caller's unread notifications, read with a session (the pages' header)
        private = resource is not None and getattr(resource, "auth_required", True)
        try:
            self._identify(req)
        except errors.NotAuthenticated:
            req.context.drop_session = True
            if private:
                raise
        if req.context.user is None and private:
            raise errors.NotAuthenticated("log in first (POST /api/session) or send Authorization: Bearer TOKEN")
        if req.method in SAFE_METHODS or req.context.by_token:
            return
        self._check_same_site(req)
        if req.context.session_key:
            self._check_csrf(req)

    def identify_quietly(self, req: falcon.Request) -> None:
        """The caller of a request no route took (Falcon runs no ``process_resource`` then), so that its error page
        is in their language and layout; an invalid credential just leaves them anonymous."""
        if req.context.get("user") is not None or "session_key" in req.context:
            return
        req.context.user = None
        req.context.session_key = None
        req.context.csrf_token = None
        try:
            self._identify(req)
        except errors.NotAuthenticated:
            req.context.user = None

    def _identify(self, req: falcon.Request) -> None:
        authorization = req.get_header("Authorization")
        if authorization:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise errors.NotAuthenticated("send your token as Authorization: Bearer TOKEN")
            req.context.user = self._users.user_for_token(secret.strip())
            req.context.by_token = True
            return
        key = self._cookies.session_key(req)
        if key:
            caller = self._users.caller_for_session(key)
            req.context.user = caller.user
            req.context.revision = caller.revision
            req.context.unread = caller.unread
            req.context.session_key = key
            req.context.csrf_token = self.csrf_token(key)

    def _check_same_site(self, req: falcon.Request) -> None:
        origin = req.get_header("Origin")
        cross_site = (req.get_header("Sec-Fetch-Site") or "").strip().lower() == "cross-site"
        if cross_site or (origin is not None and origin.strip().lower() not in self._own_origins(req)):
            raise errors.Forbidden(
                "this request comes from another site: eventflow takes writes from its own pages only "
                "(scripts send Authorization: Bearer TOKEN)"
            )

    def _own_origins(self, req: falcon.Request) -> set[str]:
        scheme = "https" if self._cookies.is_https(req) else "http"
        return {self._base_origin, origin_of(f"{scheme}://{req.get_header('Host') or ''}")}

    def _check_csrf(self, req: falcon.Request) -> None:
        sent = req.get_header(CSRF_HEADER) or self._form_token(req)
        if not sent or not hmac.compare_digest(sent.encode(), req.context.csrf_token.encode()):
            raise errors.Forbidden(
                "missing or wrong CSRF token: send the %(csrf_header)s header "
                "with the value of the %(csrf_cookie)s cookie",
                csrf_header=CSRF_HEADER,
                csrf_cookie=CSRF_COOKIE,
            )

    @staticmethod
    def _form_token(req: falcon.Request) -> str:
        if req.content_type and req.content_type.startswith("application/x-www-form-urlencoded"):
            form = req.get_media()
            value = form.get("csrf_token") if isinstance(form, dict) else None
            return value if isinstance(value, str) else ""
        return ""

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any, req_succeeded: bool) -> None:
        key = req.context.get("session_key")
        if key:  # set at login, or a valid session in use: slide the cookie with the stored expiry
            self._cookies.set(req, resp, key, self.csrf_token(key))
        elif req.context.get("drop_session"):
            self._cookies.clear(req, resp)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` as a browser writes it in ``Origin``: lower case, no default port."""
    parts = urlsplit(url.strip().lower())
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:  # not a port number: such a Host matches no Origin
        return ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"{parts.scheme}://{host}" + ("" if port in (None, default_port) else f":{port}")


def is_json(req: falcon.Request) -> bool:
    return (req.content_type or "").partition(";")[0].strip().lower() == falcon.MEDIA_JSON


def client_address(req: falcon.Request, trust_forwarded: bool) -> str:
    """The caller's address; behind a trusted proxy, the last ``X-Forwarded-For`` hop (the one the proxy added)."""
    forwarded = req.get_header("X-Forwarded-For") if trust_forwarded else None
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return req.remote_addr or "-"


@frozen
class LoginBody:
    email: str
    password: str


@frozen
class MeChanges:
    name: str = UNSET
    language: str = field(default=UNSET, metadata=doc(enum=["fr", "en"]))
    my_bar_ids: list[int] = UNSET
    notifications: list[str] = UNSET


class SessionResource:
    """``POST /api/session`` logs in (a fresh session id every time); ``DELETE`` logs out."""

    auth_required = False

    def __init__(self, services: Services, auth: Authentication, throttle: LoginThrottle, trust_proxy: bool) -> None:
        self._users = services.users
        self._auth = auth
        self._throttle = throttle
        self._trust_proxy = trust_proxy

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        if not is_json(req):
            raise Refusal(
                falcon.HTTP_415,
                'log in with a JSON body: Content-Type: application/json and {"email": …, "password": …}',
            )
        body = read_body(req, LoginBody)
        address = client_address(req, self._trust_proxy)
        self._throttle.attempt(body.email, address)  # TooManyAttempts: 429 with Retry-After
        user = self._users.authenticate(body.email, body.password)  # a refusal stays counted
        self._throttle.succeeded(body.email)
        if req.context.session_key:
            self._users.close_session(req.context.session_key)
        key = self._users.open_session(user)
        req.context.session_key = key
        resp.media = presenters.LoggedIn.json((user, self._auth.csrf_token(key)))

    def on_delete(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.context.session_key:
            self._users.close_session(req.context.session_key)
        req.context.session_key = None
        req.context.drop_session = True
        resp.status = falcon.HTTP_204


class MeResource:
    def __init__(self, services: Services) -> None:
        self._users = services.users

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = presenters.Me.json(req.context.user)

    def on_patch(self, req: falcon.Request, resp: falcon.Response) -> None:
        me: User = req.context.user
        assert me.id is not None
        resp.media = presenters.Me.json(self._users.update(me, me.id, UserChanges(**read_changes(req, MeChanges))))


def register(
    app: falcon.App[falcon.Request, falcon.Response], services: Services, *, trust_forwarded_proto: bool = False
) -> Authentication:
    cookies = CookiePolicy(trust_forwarded_proto)
    auth = Authentication(services, cookies)
    app.add_middleware(auth)
    throttle = LoginThrottle(services.ctx)
    app.add_route("/api/session", SessionResource(services, auth, throttle, trust_forwarded_proto))
    app.add_route("/api/me", MeResource(services))
    return auth


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/session": {
            "post": operation(
                "Log in: sets the session cookie (and the CSRF cookie)",
                "auth",
                presenters.LoggedIn,
                body=LoginBody,
                errors=(401, 429),
                public=True,
                operation_id="login",
            ),
            "delete": operation("Log out", "auth", None, status=204, errors=(403,), public=True, operation_id="logout"),
        },
        "/api/me": {
            "get": operation("The caller, with their preferences", "auth", presenters.Me, operation_id="getMe"),
            "patch": operation(
                "Change one's own name, language, bars or notifications",
                "auth",
                presenters.Me,
                body=MeChanges,
                errors=(403,),
                operation_id="updateMe",
            ),
        },
    }
}
