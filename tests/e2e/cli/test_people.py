"""``eventflow user`` and ``eventflow token``."""

from __future__ import annotations

import json

import pytest

from eventflow.bootstrap import Services
from eventflow.core.errors import NotAuthenticated
from eventflow.core.services.audit import AuditQuery
from tests.support.cli import Run, assert_one_line_error, rows, stored

PASSWORD = "correct horse battery"


def test_user_add_then_list_shows_an_aligned_table(run: Run, services: Services) -> None:
    added = run("user", "add", "Ada@Bars.fr", "--name", "Ada Lovelace", "--role", "admin", "--password", PASSWORD)
    assert added.exit_code == 0, added.output
    assert "Added admin Ada Lovelace <ada@bars.fr> (id 1)." in added.stdout
    run("user", "add", "max@bars.fr", "--name", "Max", "--password", PASSWORD)

    listed = run("user", "list")

    assert rows(listed.stdout) == [
        ["ID", "E-MAIL", "NAME", "ROLE", "ACTIVE"],
        ["1", "ada@bars.fr", "Ada Lovelace", "admin", "yes"],
        ["2", "max@bars.fr", "Max", "member", "yes"],
    ]
    lines = listed.stdout.splitlines()
    assert lines[0].index("NAME") == lines[1].index("Ada Lovelace") == lines[2].index("Max")
    assert services.users.authenticate("ada@bars.fr", PASSWORD).is_admin


def test_user_list_json_is_an_array_of_objects_with_ids(run: Run) -> None:
    run("user", "add", "ada@bars.fr", "--name", "Ada", "--password", PASSWORD)

    listed = json.loads(run("user", "list", "--json").stdout)

    assert listed == [
        {"id": 1, "email": "ada@bars.fr", "name": "Ada", "role": "member", "active": True, "language": "fr"}
    ]


def test_an_empty_list_says_how_to_add_one(run: Run) -> None:
    assert "eventflow user add" in run("user", "list").stdout
    assert json.loads(run("user", "list", "--json").stdout) == []


def test_without_password_option_the_password_is_asked_twice_hidden(run: Run, services: Services) -> None:
    result = run("user", "add", "ada@bars.fr", "--name", "Ada", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.stdout
    assert PASSWORD not in result.stdout
    assert services.users.authenticate("ada@bars.fr", PASSWORD).email == "ada@bars.fr"


def test_a_mistyped_confirmation_asks_again(run: Run, services: Services) -> None:
    typed = f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n"

    result = run("user", "add", "ada@bars.fr", "--name", "Ada", input=typed)

    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert services.users.authenticate("ada@bars.fr", PASSWORD)


def test_a_short_prompted_password_is_refused_and_nothing_is_stored(run: Run, services: Services) -> None:
    result = run("user", "add", "ada@bars.fr", "--name", "Ada", input="short\nshort\n")

    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the password must have at least 8 characters"
    assert services.users.list() == []


def test_a_bad_email_is_reported_before_asking_for_a_password(run: Run, services: Services) -> None:
    result = run("user", "add", "not-an-email", "--name", "Ada")

    assert_one_line_error(result, "'not-an-email' is not a valid e-mail address")
    assert stored(services)["users"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ADA@bars.fr", "--name", "Other", "--password", PASSWORD], "a user with e-mail ada@bars.fr already exists"),
        (["new@bars.fr", "--name", "New", "--role", "boss", "--password", PASSWORD], "role must be one of admin"),
        (["new@bars.fr", "--name", "New", "--password", "short"], "at least 8 characters"),
        (["new@bars.fr", "--name", "   ", "--password", PASSWORD], "name must not be empty"),
    ],
)
def test_user_add_errors_are_one_line_and_store_nothing(
    run: Run, services: Services, args: list[str], message: str
) -> None:
    run("user", "add", "ada@bars.fr", "--name", "Ada", "--password", PASSWORD)
    before = stored(services)

    result = run("user", "add", *args)

    assert_one_line_error(result, message)
    assert stored(services) == before


def test_a_missing_name_is_a_usage_error(run: Run) -> None:
    result = run("user", "add", "ada@bars.fr")

    assert result.exit_code == 2
    assert "Missing option '--name'" in result.stderr


def test_deactivate_locks_the_user_out_and_refuses_them_a_token(run: Run, services: Services) -> None:
    run("user", "add", "max@bars.fr", "--name", "Max", "--password", PASSWORD)
    token = run("token", "create", "max@bars.fr").stdout.strip()

    result = run("user", "deactivate", "MAX@bars.fr")

    assert result.exit_code == 0
    assert result.stdout == "Deactivated Max <max@bars.fr>.\n"
    assert rows(run("user", "list").stdout)[1][-1] == "no"
    with pytest.raises(NotAuthenticated):
        services.users.user_for_token(token)
    assert_one_line_error(run("token", "create", "max@bars.fr"), "max@bars.fr is deactivated and cannot get a token")


def test_token_create_prints_a_working_bearer_token(run: Run, services: Services) -> None:
    run("user", "add", "max@bars.fr", "--name", "Max", "--password", PASSWORD)

    result = run("token", "create", "max@bars.fr")

    assert result.exit_code == 0
    assert services.users.user_for_token(result.stdout.strip()).email == "max@bars.fr"


@pytest.mark.parametrize(
    "args",
    [["user", "deactivate", "nobody@bars.fr"], ["token", "create", "nobody@bars.fr"]],
)
def test_an_unknown_user_is_one_line(run: Run, args: list[str]) -> None:
    assert_one_line_error(run(*args), "user nobody@bars.fr does not exist")


def test_set_password_asks_twice_and_the_new_one_works(run: Run, services: Services) -> None:
    run("user", "add", "max@bars.fr", "--name", "Max", "--password", PASSWORD)

    result = run("user", "set-password", "max@bars.fr", input="brand new secret\nbrand new secret\n")

    assert result.exit_code == 0, result.output
    assert "Password changed for max@bars.fr." in result.stdout
    assert services.users.authenticate("max@bars.fr", "brand new secret")
    with pytest.raises(NotAuthenticated):
        services.users.authenticate("max@bars.fr", PASSWORD)


def test_set_password_of_an_unknown_user_fails_before_asking(run: Run) -> None:
    result = run("user", "set-password", "nobody@bars.fr")

    assert_one_line_error(result, "user nobody@bars.fr does not exist")


def test_set_password_keeps_the_old_one_when_the_new_one_is_too_short(run: Run, services: Services) -> None:
    run("user", "add", "max@bars.fr", "--name", "Max", "--password", PASSWORD)

    result = run("user", "set-password", "max@bars.fr", input="short\nshort\n")

    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: the password must have at least 8 characters"
    assert services.users.authenticate("max@bars.fr", PASSWORD)


@pytest.fixture
def max_tokens(run: Run) -> list[str]:
    """Max has two tokens (ids 1 and 2)."""
    run("user", "add", "max@bars.fr", "--name", "Max", "--password", PASSWORD)
    return [run("token", "create", "max@bars.fr").stdout.strip() for _ in range(2)]


def test_token_list_shows_ids_and_prefixes_never_the_secrets(run: Run, max_tokens: list[str]) -> None:
    listed = run("token", "list", "max@bars.fr")

    assert listed.exit_code == 0, listed.output
    table = rows(listed.stdout)
    assert table[0] == ["ID", "PREFIX", "LABEL", "CREATED", "LAST USED"]
    assert [(r[0], r[1], r[2], r[-1]) for r in table[1:]] == [
        ("1", max_tokens[0][:11], "cli", "never"),
        ("2", max_tokens[1][:11], "cli", "never"),
    ]
    assert not any(secret in listed.stdout for secret in max_tokens)
    as_json = json.loads(run("token", "list", "max@bars.fr", "--json").stdout)
    assert [(t["id"], t["prefix"], t["last_used_at"]) for t in as_json] == [
        (1, max_tokens[0][:11], None),
        (2, max_tokens[1][:11], None),
    ]


@pytest.mark.parametrize("reference", ["id", "prefix", "whole token"])
def test_token_revoke_by_id_prefix_or_the_token_itself_stops_it_at_once(
    run: Run, services: Services, max_tokens: list[str], reference: str
) -> None:
    given = {"id": "2", "prefix": max_tokens[1][:11], "whole token": max_tokens[1]}[reference]

    result = run("token", "revoke", given)

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Revoked token 2 ({max_tokens[1][:11]}…, cli) of max@bars.fr.\n"
    with pytest.raises(NotAuthenticated):
        services.users.user_for_token(max_tokens[1])
    assert services.users.user_for_token(max_tokens[0]).email == "max@bars.fr"  # the other one still works
    newest = services.audit.search(None, AuditQuery(entity_type="token"))[0].entry
    assert (newest.action, newest.entity_id) == ("token.revoked", 2)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("7", "token 7 does not exist"),
        ("ef_doesnotexist", "token ef_doesnotexist does not exist"),
        ("ef_", "give the token's id (`eventflow token list EMAIL`) or at least its first 11 characters"),
    ],
)
def test_token_revoke_of_an_unknown_token_is_one_line_and_exit_1(
    run: Run, services: Services, max_tokens: list[str], given: str, message: str
) -> None:
    assert_one_line_error(run("token", "revoke", given), message)
    assert all(services.users.user_for_token(secret) for secret in max_tokens)
