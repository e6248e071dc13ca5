"""One's credentials: changing one's password, and seeing and revoking personal API tokens.

- ``POST /api/me/password`` ``{"current_password", "password"}``: one's own password, only with the current one. Every
  session of the person ends; the caller's own, when it is a cookie session, goes on under a new session id.
- ``GET /api/me/tokens``, ``DELETE /api/me/tokens/{id}``: one's tokens; ``/api/users/{id}/tokens[/{id}]`` the same
  for anyone, for admins (and for oneself). A revoked token is refused at once.
"""

from __future__ import annotations

from typing import Any

import falcon
from attrs import field, frozen

from eventflow.bootstrap import Services
from eventflow.core.model import User
from eventflow.core.services.users import MIN_PASSWORD, UserService
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import read_body
from eventflow.entrypoints.web.openapi import many, operation, path_id
from eventflow.entrypoints.web.schema import doc


@frozen
class PasswordChange:
    password: str = field(metadata=doc(minLength=MIN_PASSWORD))
    current_password: str | None = None


def change_password(users: UserService, req: falcon.Request, target: User) -> None:
    """Give ``target`` the body's new password (the core decides who may, and when the current one is needed); a
    caller changing their own keeps working under a new session id while their other sessions end."""
    body = read_body(req, PasswordChange)
    me: User = req.context.user
    users.set_password(me, target.email, body.password, current_password=body.current_password)
    if me.id == target.id and req.context.session_key:
        req.context.session_key = users.open_session(me)  # the auth middleware sets the new cookies


class PasswordResource:
    """``POST /api/me/password`` (the caller's) and ``/api/users/{user_id}/password`` (an admin resetting anyone's)."""

    def __init__(self, services: Services) -> None:
        self._users = services.users

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        change_password(self._users, req, req.context.user)
        resp.status = falcon.HTTP_204

    def on_post_user(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        change_password(self._users, req, self._users.get(user_id))
        resp.status = falcon.HTTP_204


class TokensResource:
    """The same responders under ``/api/me`` (the caller) and ``/api/users/{user_id}``."""

    def __init__(self, services: Services) -> None:
        self._users = services.users

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int | None = None) -> None:
        owner = _owner(req, user_id)
        resp.media = [presenters.Token.json(t) for t in self._users.tokens(req.context.user, owner)]

    def on_delete_one(
        self, req: falcon.Request, resp: falcon.Response, token_id: int, user_id: int | None = None
    ) -> None:
        self._users.revoke_token(req.context.user, _owner(req, user_id), token_id)
        resp.status = falcon.HTTP_204


def _owner(req: falcon.Request, user_id: int | None) -> int:
    me: User = req.context.user
    return (me.id or 0) if user_id is None else user_id


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    tokens = TokensResource(services)
    passwords = PasswordResource(services)
    app.add_route("/api/me/password", passwords)
    app.add_route("/api/users/{user_id:id}/password", passwords, suffix="user")
    app.add_route("/api/me/tokens", tokens)
    app.add_route("/api/me/tokens/{token_id:id}", tokens, suffix="one")
    app.add_route("/api/users/{user_id:id}/tokens", tokens)
    app.add_route("/api/users/{user_id:id}/tokens/{token_id:id}", tokens, suffix="one")


# -- OpenAPI -----------------------------------------------------------------
_USER_ID = path_id("user_id")
_TOKEN_ID = path_id("token_id")

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/me/password": {
            "post": operation(
                "Change one's own password, giving the current one (403 when it is wrong); one's other sessions end",
                "auth",
                None,
                status=204,
                body=PasswordChange,
                operation_id="changeMyPassword",
            )
        },
        "/api/users/{user_id}/password": {
            "post": operation(
                "Set a user's password (admins; one's own also needs the current one); their sessions end",
                "users",
                None,
                status=204,
                params=[_USER_ID],
                body=PasswordChange,
                errors=(403, 404),
                operation_id="setUserPassword",
            )
        },
        "/api/me/tokens": {
            "get": operation(
                "One's personal API tokens (their first characters, never the tokens)",
                "auth",
                many(presenters.Token),
                operation_id="listMyTokens",
            )
        },
        "/api/me/tokens/{token_id}": {
            "delete": operation(
                "Revoke one of one's tokens: it is refused at once",
                "auth",
                None,
                status=204,
                params=[_TOKEN_ID],
                errors=(403, 404),
                operation_id="revokeMyToken",
            )
        },
        "/api/users/{user_id}/tokens": {
            "get": operation(
                "A user's personal API tokens (admin, or oneself)",
                "users",
                many(presenters.Token),
                params=[_USER_ID],
                errors=(403, 404),
                operation_id="listUserTokens",
            )
        },
        "/api/users/{user_id}/tokens/{token_id}": {
            "delete": operation(
                "Revoke a user's token (admin, or oneself)",
                "users",
                None,
                status=204,
                params=[_USER_ID, _TOKEN_ID],
                errors=(403, 404),
                operation_id="revokeUserToken",
            )
        },
    },
}
