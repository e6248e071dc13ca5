"""People and configuration: users, bars, monthly themes, deliverable templates (admins write, everyone reads).

Role checks are the core's (``require_admin``): a member's write answers 403 from there.
"""

from __future__ import annotations

from typing import Any

import falcon
from attrs import asdict, field, frozen
from cattrs.gen import make_dict_structure_fn

from eventflow.bootstrap import Services
from eventflow.core import commands
from eventflow.core.commands import UNSET, TemplateChanges
from eventflow.core.model import Screen
from eventflow.core.services.users import MIN_PASSWORD
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.bodies import WrongValue, converter, read_body, read_changes
from eventflow.entrypoints.web.openapi import follow, many, operation, path_id, query
from eventflow.entrypoints.web.params import int_param
from eventflow.entrypoints.web.schema import (
    MONTH,
    doc,
)

#: What the OpenAPI document says of the bodies' fields, beyond their types.
NAME_DOC = doc(minLength=1, maxLength=200, pattern=r"\S")
EMAIL_DOC = doc(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", example="alex@bars.fr")
ROLE_DOC = doc(enum=["admin", "member"])
LANGUAGE_DOC = doc(enum=["fr", "en"])


@frozen
class UserCreate:
    email: str = field(metadata=EMAIL_DOC)
    name: str = field(metadata=NAME_DOC)
    role: str = field(default="member", metadata=ROLE_DOC)
    password: str | None = field(default=None, metadata=doc(minLength=MIN_PASSWORD))
    language: str = field(default="fr", metadata=LANGUAGE_DOC)


@frozen
class UserChanges:
    name: str = field(default=UNSET, metadata=NAME_DOC)
    email: str = field(default=UNSET, metadata=EMAIL_DOC)
    role: str = field(default=UNSET, metadata=ROLE_DOC)
    active: bool = UNSET
    language: str = field(default=UNSET, metadata=LANGUAGE_DOC)


@frozen
class ScreenBody:
    kind: str = field(metadata=doc(pattern=r"\S", example="cube_led"))
    label: str = field(default="", metadata=doc(description="shown to people; the kind when empty"))
    specs: str = field(default="", metadata=doc(example="1024x1024 mp4"))


@frozen
class HardwareBody:
    """A bar's screens as clients send them (``presenters.Hardware`` is how they come back)."""

    screens: list[ScreenBody] = field(factory=list)

    def to_screens(self) -> tuple[Screen, ...]:
        """The core's screens (checked by the core: a kind each, distinct labels that default to the kind)."""
        return tuple(Screen(s.kind, s.label, s.specs) for s in self.screens)


def _structure_hardware(value: Any, cls: type[HardwareBody]) -> HardwareBody:
    """cattrs would read a JSON object where the screens' list belongs as the list of its keys: refused here."""
    if isinstance(value, dict) and not isinstance(value.get("screens", []), list):
        raise WrongValue("screens must be a list of screens")
    return _hardware_fields(value, cls)


_hardware_fields = make_dict_structure_fn(HardwareBody, converter, _cattrs_forbid_extra_keys=True)
converter.register_structure_hook(HardwareBody, _structure_hardware)


@frozen
class BarCreate:
    name: str = field(metadata=NAME_DOC)
    location: str = ""
    hardware: HardwareBody | None = None


@frozen
class BarChanges:
    name: str = field(default=UNSET, metadata=NAME_DOC)
    location: str = UNSET
    hardware: HardwareBody = UNSET


@frozen
class ThemeBody:
    name: str = field(metadata=NAME_DOC)
    description: str = ""


@frozen
class TemplateCreate:
    name: str
    specs: str
    is_default: bool = False
    hardware_kind: str | None = None


class UsersResource:
    def __init__(self, services: Services) -> None:
        self._users = services.users

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.User.json(u) for u in self._users.list()]

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req, UserCreate)
        user = self._users.add(req.context.user, **asdict(body, recurse=False))
        resp.status = falcon.HTTP_201
        resp.media = presenters.User.json(user)

    def on_get_one(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = presenters.User.json(self._users.get(user_id))

    def on_patch_one(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        change = commands.UserChanges(**read_changes(req, UserChanges))
        resp.media = presenters.User.json(self._users.update(req.context.user, user_id, change))


class BarsResource:
    def __init__(self, services: Services) -> None:
        self._bars = services.bars

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.Bar.json(b) for b in self._bars.list()]

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req, BarCreate)
        screens = body.hardware.to_screens() if body.hardware else ()
        bar = self._bars.add(req.context.user, body.name, body.location, screens)
        resp.status = falcon.HTTP_201
        resp.media = presenters.Bar.json(bar)

    def on_get_one(self, req: falcon.Request, resp: falcon.Response, bar_id: int) -> None:
        resp.media = presenters.Bar.json(self._bars.get(bar_id))

    def on_patch_one(self, req: falcon.Request, resp: falcon.Response, bar_id: int) -> None:
        changes = read_changes(req, BarChanges)
        if "hardware" in changes:
            changes["screens"] = changes.pop("hardware").to_screens()
        resp.media = presenters.Bar.json(self._bars.update(req.context.user, bar_id, **changes))


class ThemesResource:
    def __init__(self, services: Services) -> None:
        self._themes = services.themes

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.Theme.json(t) for t in self._themes.list(int_param(req, "year", 2000, 2100))]

    def on_put_month(self, req: falcon.Request, resp: falcon.Response, month: str) -> None:
        body = read_body(req, ThemeBody)
        resp.media = presenters.Theme.json(self._themes.set(req.context.user, month, body.name, body.description))


class TemplatesResource:
    def __init__(self, services: Services) -> None:
        self._templates = services.templates

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = [presenters.Template.json(t) for t in self._templates.list()]

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req, TemplateCreate)
        template = self._templates.add(req.context.user, **asdict(body, recurse=False))
        resp.status = falcon.HTTP_201
        resp.media = presenters.Template.json(template)

    def on_patch_one(self, req: falcon.Request, resp: falcon.Response, template_id: int) -> None:
        change = read_body(req, TemplateChanges)
        resp.media = presenters.Template.json(self._templates.update(req.context.user, template_id, change))


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    users, bars = UsersResource(services), BarsResource(services)
    themes, templates = ThemesResource(services), TemplatesResource(services)
    app.add_route("/api/users", users)
    app.add_route("/api/users/{user_id:id}", users, suffix="one")
    app.add_route("/api/bars", bars)
    app.add_route("/api/bars/{bar_id:id}", bars, suffix="one")
    app.add_route("/api/themes", themes)
    app.add_route("/api/themes/{month}", themes, suffix="month")
    app.add_route("/api/templates", templates)
    app.add_route("/api/templates/{template_id:id}", templates, suffix="one")


# -- OpenAPI -----------------------------------------------------------------
_ADMIN_WRITE = (403, 404, 409)

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/users": {
            "get": operation("Every user, active or not", "users", many(presenters.User), operation_id="listUsers"),
            "post": operation(
                "Add a user (admin)",
                "users",
                presenters.User,
                status=201,
                body=UserCreate,
                errors=(403, 409),
                operation_id="createUser",
                links=follow("getUser", "updateUser", param="user_id"),
            ),
        },
        "/api/users/{user_id}": {
            "get": operation(
                "One user", "users", presenters.User, params=[path_id("user_id")], errors=(404,), operation_id="getUser"
            ),
            "patch": operation(
                "Change a user's name, e-mail, role, language or active flag (admin; deactivating ends their sessions)",
                "users",
                presenters.User,
                params=[path_id("user_id")],
                body=UserChanges,
                errors=_ADMIN_WRITE,
                operation_id="updateUser",
            ),
        },
        "/api/bars": {
            "get": operation("Every bar with its hardware", "bars", many(presenters.Bar), operation_id="listBars"),
            "post": operation(
                "Add a bar (admin)",
                "bars",
                presenters.Bar,
                status=201,
                body=BarCreate,
                errors=(403, 409),
                operation_id="createBar",
                links=follow("getBar", "updateBar", param="bar_id"),
            ),
        },
        "/api/bars/{bar_id}": {
            "get": operation(
                "One bar", "bars", presenters.Bar, params=[path_id("bar_id")], errors=(404,), operation_id="getBar"
            ),
            "patch": operation(
                "Change a bar's name, location or hardware (admin)",
                "bars",
                presenters.Bar,
                params=[path_id("bar_id")],
                body=BarChanges,
                errors=_ADMIN_WRITE,
                operation_id="updateBar",
            ),
        },
        "/api/themes": {
            "get": operation(
                "Monthly themes in month order",
                "themes",
                many(presenters.Theme),
                params=[query("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, "only this year")],
                errors=(422,),
                operation_id="listThemes",
            ),
        },
        "/api/themes/{month}": {
            "put": operation(
                "Set the theme of a month, replacing the one it had (admin)",
                "themes",
                presenters.Theme,
                params=[
                    {
                        "name": "month",
                        "in": "path",
                        "required": True,
                        "description": "YYYY-MM",
                        "schema": MONTH,
                    }
                ],
                body=ThemeBody,
                errors=(403,),
                operation_id="setTheme",
            ),
        },
        "/api/templates": {
            "get": operation(
                "Deliverable templates", "templates", many(presenters.Template), operation_id="listTemplates"
            ),
            "post": operation(
                "Add a deliverable template (admin)",
                "templates",
                presenters.Template,
                status=201,
                body=TemplateCreate,
                errors=(403, 409),
                operation_id="createTemplate",
            ),
        },
        "/api/templates/{template_id}": {
            "patch": operation(
                "Change a template (admin)",
                "templates",
                presenters.Template,
                params=[path_id("template_id")],
                body=TemplateChanges,
                errors=_ADMIN_WRITE,
                operation_id="updateTemplate",
            ),
        },
    }
}
