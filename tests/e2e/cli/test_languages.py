"""The command line speaks its reader's language (``EVENTFLOW_LANGUAGE``, else the locale): summaries, tables, plans
and refusals come from the same gettext catalogs as the pages; what scripts read (``--json``) stays as it is."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from eventflow.bootstrap import Services
from eventflow.entrypoints.cli import cli
from tests.support.cli import rows


def run_in(services: Services, language: str, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), obj=services, env={"EVENTFLOW_LANGUAGE": language})


def test_event_list_and_card_in_french_then_in_english(services: Services, planned: Callable[..., int]) -> None:
    event_id = planned()

    french = run_in(services, "fr", "event", "list")
    card = run_in(services, "fr", "event", "show", str(event_id))
    english = run_in(services, "en", "event", "list")

    assert french.exit_code == card.exit_code == english.exit_code == 0, french.output + card.output
    assert rows(french.stdout)[0] == ["ID", "DATE", "NOM", "BARS", "THÈME", "COMPTE À REBOURS", "SANTÉ", "RETARD"]
    assert rows(french.stdout)[1][2] == "Nuit Disco"
    assert "Tout est attendu pour le 2026-12-05 (J-7)." in card.stdout
    assert rows(card.stdout)[2][:3] == ["ID", "LIVRABLE", "BAR"]
    assert rows(english.stdout)[0] == ["ID", "DATE", "NAME", "BARS", "THEME", "COUNTDOWN", "HEALTH", "LATE"]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("fr", "Aucun bar pour l'instant : ajoutez-en un avec `eventflow bar add`."),
        ("en", "No bars yet: add one with `eventflow bar add`."),
    ],
)
def test_an_empty_list_says_so_in_the_reader_language(services: Services, language: str, said: str) -> None:
    assert run_in(services, language, "bar", "list").stdout == f"{said}\n"


def test_a_storage_plan_is_told_in_french(services: Services) -> None:
    french = run_in(services, "fr", "archive", "--dry-run")
    english = run_in(services, "en", "purge", "--dry-run")

    spaced = " ".join(french.stdout.split())  # Babel writes a no-break space between a number and its unit
    assert spaced.startswith("Archiverait 0 fichier(s), 0 octet, de 0 événement(s) :"), french.output
    assert english.stdout.startswith("Would purge 0 file(s), 0 bytes, of 0 event(s):"), english.output


def test_the_database_status_in_french(services: Services) -> None:
    shown = run_in(services, "fr", "db", "status")

    assert shown.exit_code == 0, shown.output
    assert "Révision : aucune (base vide)" in shown.stdout
    assert shown.stdout.endswith("En retard : lancez `eventflow db upgrade`.\n")


def test_a_refusal_of_the_command_line_itself_is_in_french(services: Services) -> None:
    hot = str(services.settings.files_dir)

    refused = run_in(services, "fr", "storage", "migrate", "--to", hot)

    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == "Erreur : --to désigne le stockage hot lui-même : indiquez un autre emplacement\n"


def test_json_for_scripts_stays_the_same_in_every_language(services: Services, planned: Callable[..., int]) -> None:
    planned()
    for args in (["bar", "list", "--json"], ["event", "list", "--json"]):
        french, english = run_in(services, "fr", *args), run_in(services, "en", *args)

        assert french.exit_code == english.exit_code == 0
        assert french.stdout == english.stdout
