"""The command line speaks its reader's language (``EVENTFLOW_LANGUAGE``, else the locale): summaries, tables, plans,
refusals, unusable settings and storage problem lines come from the same gettext catalogs as the pages; what scripts
read (``--json``) stays as it is."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from eventflow.bootstrap import Services
from eventflow.core.model import Event, User
from eventflow.core.services.storage import UNFINISHED_UPLOADS, UNKNOWN_OWNER, Leftover
from eventflow.entrypoints.cli import cli
from eventflow.entrypoints.cli.storage import describe
from tests.support import samples
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


@pytest.mark.parametrize(
    ("language", "env", "said"),
    [
        ("fr", {"EVENTFLOW_MAX_UPLOAD_MB": "lots"}, "Erreur : EVENTFLOW_MAX_UPLOAD_MB='lots' n'est pas un nombre"),
        ("en", {"EVENTFLOW_MAX_UPLOAD_MB": "lots"}, "Error: EVENTFLOW_MAX_UPLOAD_MB='lots' is not a number"),
        (
            "fr",
            {"EVENTFLOW_TIMEZONE": "Mars/Olympus"},
            "Erreur : EVENTFLOW_TIMEZONE='Mars/Olympus' n'est pas un fuseau horaire connu (par ex. Europe/Paris)",
        ),
        (
            "fr",
            {"EVENTFLOW_COLD_URL": "/srv/cold"},
            "Erreur : EVENTFLOW_COLD_URL='/srv/cold' n'est pas une URL de bucket (par ex. s3://BUCKET/PREFIX?",
        ),
        (
            "fr",
            {"EVENTFLOW_DATABASE_URL": "pas-une-url"},
            "Erreur : 'pas-une-url' n'est pas une URL de base de données (par ex. sqlite:///var/eventflow.db)",
        ),
        ("en", {"EVENTFLOW_DATABASE_URL": "not-a-url"}, "Error: 'not-a-url' is not a database URL"),
    ],
)
def test_a_setting_that_cannot_be_used_is_one_line_naming_it_in_the_reader_language(
    tmp_path: Path, language: str, env: dict[str, str], said: str
) -> None:
    refused = CliRunner().invoke(
        cli,
        ["bar", "list"],
        env={"EVENTFLOW_DATA_DIR": str(tmp_path), "EVENTFLOW_LANGUAGE": language, **env},
    )

    assert refused.exit_code == 1 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1 and refused.stderr.startswith(said), refused.stderr


@pytest.mark.parametrize(
    ("language", "missing", "count"),
    [
        ("fr", "fichier {id} ('poster.pdf') manque dans le stockage hot", "Erreur : 1 différence(s) entre la base"),
        ("en", "file {id} ('poster.pdf') is missing from the hot store", "Error: 1 difference(s) between the database"),
    ],
)
def test_the_storage_check_tells_each_difference_in_the_reader_language(
    services: Services, admin: User, event: Event, language: str, missing: str, count: str
) -> None:
    slot = services.events.card(event.id or 0).slots[0].slot
    poster = services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(samples.pdf(1)))
    services.files.hot.delete(poster.storage_key)

    checked = run_in(services, language, "storage", "check")

    assert checked.exit_code == 1 and checked.stdout == ""
    lines = checked.stderr.splitlines()
    assert lines[0].strip().startswith(missing.format(id=poster.id)), checked.stderr
    assert lines[-1].startswith(count)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "fr",
            "non copié : fichier {id} ('poster.pdf') : son contenu ne correspond plus à l'empreinte prise à l'envoi ; "
            "il n'a pas été copié",
        ),
        (
            "en",
            "not copied: file {id} ('poster.pdf'): its bytes no longer match the checksum taken at upload; "
            "it was not copied",
        ),
    ],
)
def test_a_file_a_migration_could_not_copy_is_named_in_the_reader_language(
    services: Services, admin: User, event: Event, tmp_path: Path, language: str, line: str
) -> None:
    slot = services.events.card(event.id or 0).slots[0].slot
    poster = services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(samples.pdf(1)))
    with open(services.files.hot.path(poster.storage_key) or "", "r+b") as rotten:
        rotten.write(b"%PDF-9")

    migrated = run_in(services, language, "storage", "migrate", "--to", str(tmp_path / "elsewhere"))

    assert migrated.exit_code == 1
    assert line.format(id=poster.id) in migrated.stderr.splitlines()[0], migrated.stderr


def test_what_ended_processes_left_is_told_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTFLOW_LANGUAGE", "fr")
    upload = Leftover(UNFINISHED_UPLOADS, "3f2a", 2 * 1024**2, UNKNOWN_OWNER)
    temporary = Leftover("hot store", "ab/.incoming-7-x1", 1000, "eventflow serve (pid 812) on web1")

    assert " ".join(describe(upload).split()) == (
        "envois inachevés : 3f2a (2 Mo) laissé par un processus ou un envoi inconnu (terminé)"
    )
    assert describe(temporary).startswith("stockage principal : ab/.incoming-7-x1")
