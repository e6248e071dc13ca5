"""``user`` and ``token``: the team's accounts and their personal API tokens."""

from __future__ import annotations

import datetime as dt

import click

from eventflow.core.model import Role
from eventflow.core.services.users import check_password, normalise_email
from eventflow.entrypoints import presenters
from eventflow.entrypoints.cli.common import Runtime, _, echo_json, echo_table, json_option, pass_runtime, yes_no


def ask_password() -> str:
    """Hidden, typed twice; a short one is refused before anything is stored."""
    password: str = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    return check_password(password)


@click.group()
def user() -> None:
    """Add, list and deactivate the team's accounts."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Full name, shown to the team.")
@click.option("--role", default=Role.MEMBER.value, show_default=True, help="admin or member.")
@click.option("--password", help="Login password (at least 8 characters); asked for, hidden, when left out.")
@pass_runtime
def user_add(runtime: Runtime, email: str, name: str, role: str, password: str | None) -> None:
    """Add a user who logs in with EMAIL."""
    if password is None:
        normalise_email(email)  # a typo is reported before the password is asked for
        password = ask_password()
    added = runtime.services.users.add(None, email, name, role=role, password=password)
    values = {"role": added.role.value, "name": added.name, "email": added.email, "id": added.id}
    click.echo(_("Added %(role)s %(name)s <%(email)s> (id %(id)s).") % values)


@user.command("list")
@json_option
@pass_runtime
def user_list(runtime: Runtime, as_json: bool) -> None:
    """Every account, deactivated ones included."""
    users = runtime.services.users.list()
    if as_json:
        echo_json([presenters.User.json(u) for u in users])
        return
    rows = [(u.id, u.email, u.name, u.role.value, yes_no(u.active)) for u in users]
    echo_table(
        (_("ID"), _("E-MAIL"), _("NAME"), _("ROLE"), _("ACTIVE")),
        rows,
        empty=_("No users yet: add one with `eventflow user add`."),
    )


@user.command("deactivate")
@click.argument("email")
@pass_runtime
def user_deactivate(runtime: Runtime, email: str) -> None:
    """Lock EMAIL out (sessions and tokens stop working); their history keeps their name."""
    gone = runtime.services.users.deactivate(None, email)
    click.echo(_("Deactivated %(name)s <%(email)s>.") % {"name": gone.name, "email": gone.email})


@user.command("set-password")
@click.argument("email")
@pass_runtime
def user_set_password(runtime: Runtime, email: str) -> None:
    """Give EMAIL a new password (asked for, hidden); their open sessions end."""
    found = runtime.services.users.by_email(email)
    runtime.services.users.set_password(None, found.email, ask_password())
    click.echo(_("Password changed for %(email)s.") % {"email": found.email})


@click.group()
def token() -> None:
    """Personal API tokens for scripts."""


@token.command("create")
@click.argument("email")
@pass_runtime
def token_create(runtime: Runtime, email: str) -> None:
    """Print a new token for EMAIL, to send as `Authorization: Bearer TOKEN` (shown once)."""
    click.echo(runtime.services.users.create_token(None, email))


@token.command("list")
@click.argument("email")
@json_option
@pass_runtime
def token_list(runtime: Runtime, email: str, as_json: bool) -> None:
    """EMAIL's tokens: id, first characters, label, when made and last used (the tokens themselves are not kept)."""
    users = runtime.services.users
    tokens = users.tokens(None, users.by_email(email).id or 0)
    if as_json:
        echo_json([presenters.Token.json(t) for t in tokens])
        return
    rows = [(t.id, t.prefix or "-", t.label, when(t.created_at), when(t.last_used_at)) for t in tokens]
    headers = (_("ID"), _("PREFIX"), _("LABEL"), _("CREATED"), _("LAST USED"))
    echo_table(headers, rows, empty=_("%(email)s has no token.") % {"email": email})


@token.command("revoke")
@click.argument("token_reference", metavar="ID_OR_PREFIX")
@pass_runtime
def token_revoke(runtime: Runtime, token_reference: str) -> None:
    """Revoke a token at once, named by its id or its first characters (see `token list`), or the token itself."""
    users = runtime.services.users
    found = users.find_token(token_reference)
    users.revoke_token(None, found.user_id, found.id or 0)
    shown = f"{found.prefix}…, {found.label}" if found.prefix else found.label
    values = {"id": found.id, "token": shown, "email": users.get(found.user_id).email}
    click.echo(_("Revoked token %(id)s (%(token)s) of %(email)s.") % values)


def when(instant: dt.datetime | None) -> str:
    return instant.strftime("%Y-%m-%d %H:%M UTC") if instant else _("never")


COMMANDS: list[click.Command] = [user, token]
