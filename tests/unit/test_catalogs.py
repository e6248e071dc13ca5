"""The texts people read and their translations: what ``pybabel extract`` finds with the project's settings
(``[tool.babel]`` in pyproject.toml) is exactly what each catalog holds, and French has every one of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "src" / "eventflow" / "locale"

MessageId = str | tuple[str, ...]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Every text of the code, extracted as ``scripts/translations`` does it (``pybabel extract`` in the project)."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        CommandLineInterface().run(["pybabel", "--quiet", "extract", "--output-file", str(pot)])
    with pot.open("rb") as handle:
        return read_po(handle)


def catalog_of(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def ids(catalog: Catalog) -> set[MessageId]:
    """The msgids of a catalog; a plural text is its (singular, plural) pair."""
    return {message.id for message in catalog if message.id}


def translates(message: Message | None) -> bool:
    """Whether gettext shows this entry: present, not fuzzy, and no plural form left empty."""
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def untranslated(texts: Catalog, catalog: Catalog) -> list[MessageId]:
    return sorted((m.id for m in texts if m.id and not translates(catalog.get(m.id))), key=str)


def test_every_text_people_read_has_a_french_translation(extracted: Catalog) -> None:
    assert untranslated(extracted, catalog_of("fr")) == []


def test_the_english_catalog_has_every_text_too(extracted: Catalog) -> None:
    assert untranslated(extracted, catalog_of("en")) == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_catalog_holds_exactly_the_texts_of_the_code(extracted: Catalog, language: str) -> None:
    held, used = ids(catalog_of(language)), ids(extracted)
    assert sorted(held - used, key=str) == []  # stale: no code shows them any more (scripts/translations drops them)
    assert sorted(used - held, key=str) == []


def test_extraction_reads_the_templates_the_scripts_messages_and_the_e_mails(extracted: Catalog) -> None:
    found = ids(extracted)
    assert "Quarter overview" in found  # a template's _()
    assert ("%(num)d file", "%(num)d files") in found  # a template's ngettext()
    assert "Upload failed" in found  # JS_MESSAGES, marked with N_()
    assert "Open the card" in found  # the e-mail layout's gettext() in the core
    assert "Approved: %(slot)s — %(event)s" in found  # the core's N_()


def test_the_check_names_a_text_french_lacks_or_only_guesses() -> None:
    french = catalog_of("fr")
    texts = Catalog()
    for text in ("Open the card", "Someone", "Upload failed", "A text nobody translated"):
        texts.add(text)
    french["Open the card"].string = ""
    french["Someone"].flags.add("fuzzy")  # what `pybabel update` leaves for a text close to an old one
    assert untranslated(texts, french) == ["A text nobody translated", "Open the card", "Someone"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_translation_keeps_the_placeholders_of_its_text(language: str) -> None:
    """A misspelt ``%(name)s`` would raise when the page or e-mail is written, not show a wrong word."""
    assert [(message.id, [str(e) for e in errors]) for message, errors in catalog_of(language).check()] == []
