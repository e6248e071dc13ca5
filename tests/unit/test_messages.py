"""The core's errors are messages with values, translated where they are shown: in the reader's language, sizes in
their units, and never written with an f-string (which no catalog could hold)."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from eventflow.adapters.translations import translator
from eventflow.core import errors
from eventflow.core.i18n import N_, Message, Size, message_as_json, message_from_json, render
from eventflow.core.model import Language
from eventflow.entrypoints.cli.common import cli_language
from eventflow.entrypoints.web.errors import accepted_language

FR, EN = translator(Language.FR), translator(Language.EN)
SRC = Path(__file__).resolve().parents[2] / "src" / "eventflow"
#: Classes whose first argument is a text people read (``[tool.babel.extract_messages] keywords``).
MESSAGE_CLASSES = {"InvalidInput", "Conflict", "Forbidden", "NotAuthenticated", "UnsupportedMedia", "Unavailable"}
MESSAGE_CLASSES |= {"TryAgain", "EventflowError", "BodyError", "WrongValue", "ConfigError", "DatabaseError"}
#: Files whose configuration errors are still English f-strings, being rewritten on other branches (the S3 store on
#: ``obstore``, the bootstrap on the import-speed one): remove each from here once it is merged with messages.


def spaced(text: str) -> str:
    return " ".join(text.split())


def test_an_error_is_told_in_the_reader_language_with_its_values() -> None:
    missing = errors.NotFound("event", 9999)
    assert render(missing.message, FR) == "l'événement 9999 n'existe pas"
    assert render(missing.message, EN) == str(missing) == "event 9999 does not exist"
    bars = errors.InvalidInput("choose at least one bar", "bar_ids")
    assert (render(bars.message, FR), bars.field) == ("choisissez au moins un bar", "bar_ids")


def test_sizes_in_an_error_are_in_the_reader_units() -> None:
    too_big = errors.FileTooLarge(500 * 1024 * 1024)
    assert spaced(render(too_big.message, FR)) == "le fichier dépasse la limite de 500 Mo par fichier"
    assert render(too_big.message, EN) == "the file is larger than the 500 MB limit per file"
    full = errors.QuotaExceeded(3 * 1024**3, 1024**3 // 2)
    assert "3 Go" in spaced(render(full.message, FR)) and "512 Mo" in spaced(render(full.message, FR))


def test_nested_messages_are_translated_too() -> None:
    full = errors.StorageFull("database")
    assert "base de données" in render(full.message, FR)
    outdated = errors.Outdated("deliverable", 4)
    assert render(outdated.message, FR).startswith("livrable 4 a été modifié")


def test_a_message_not_in_the_catalog_shows_its_english() -> None:
    assert render(Message("%(a)s and %(b)s", {"a": 1, "b": Message("event")}), FR) == "1 and événement"


def test_a_message_stored_as_json_comes_back_whole_and_is_read_in_any_language() -> None:
    """What an inbox line keeps: its words and values, days and sizes and nested messages included, through JSON."""
    said = Message(
        N_("%(actor)s moved “%(event)s” from %(before)s to %(date)s; its deliverables are now due by %(due)s (J-7)."),
        {"actor": Message(N_("Someone")), "event": "Soirée « Disco »", "before": dt.date(2026, 12, 5),
         "date": dt.date(2026, 12, 12), "due": dt.date(2026, 12, 5), "version": 3, "ratio": 0.5,
         "size": Size(5 * 1024**2)},
    )  # fmt: skip
    stored = json.loads(json.dumps(message_as_json(said)))
    assert stored["values"]["date"] == {"$": "date", "v": "2026-12-12"}

    back = message_from_json(stored)

    assert back == said and isinstance(back.values["size"], Size) and type(back.values["date"]) is dt.date
    assert render(back, FR).startswith("Quelqu'un a déplacé « Soirée « Disco » » du 5 décembre 2026 au 12 décembre")
    assert render(back, EN).startswith("Someone moved “Soirée « Disco »” from December 5, 2026 to December 12, 2026")


def test_a_message_value_json_cannot_hold_is_refused_when_stored_and_when_read() -> None:
    with pytest.raises(TypeError, match="a day, not a moment"):
        message_as_json(Message("%(at)s", {"at": dt.datetime(2026, 12, 5, 20, 0)}))
    with pytest.raises(ValueError, match="unknown type"):
        message_from_json({"text": "%(x)s", "values": {"x": {"$": "colour", "v": "red"}}})


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", Language.FR),
        ("en-US,en;q=0.9", Language.EN),
        ("de-DE,en;q=0.5,fr;q=0.7", Language.FR),
        ("de-DE,en;q=0.5", Language.EN),
        ("de", Language.FR),  # neither: the app's default
        (None, Language.EN),  # no header at all: a program, which reads the source texts
        ("en;q=0, fr;q=0.1", Language.FR),
    ],
)
def test_a_visitor_gets_the_language_their_browser_prefers(header: str | None, language: Language) -> None:
    assert accepted_language(header) == language


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({"EVENTFLOW_LANGUAGE": "fr"}, Language.FR),
        ({"EVENTFLOW_LANGUAGE": "en", "LANG": "fr_FR.UTF-8"}, Language.EN),
        ({"LANG": "fr_FR.UTF-8"}, Language.FR),
        ({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, Language.EN),
        ({}, Language.EN),
    ],
)
def test_the_command_line_speaks_its_setting_then_the_locale(env: dict[str, str], language: Language) -> None:
    assert cli_language(env) == language


def calls_with_computed_texts() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            passed_on = isinstance(first, ast.Attribute) and first.attr == "message"  # another error's message
            made = isinstance(first, ast.Name | ast.Call)  # a Message built above (N_ inside)
            if name in MESSAGE_CLASSES and not (literal or passed_on or made):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(first)[:60]}")
    return found


def test_no_error_is_raised_with_a_text_no_catalog_can_hold() -> None:
    """An f-string or a concatenation is English for everyone: write "%(name)s" and pass name=… instead."""
    assert calls_with_computed_texts() == []
