"""The Babel translator pages and e-mails share: catalog texts, dates and sizes in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest

from eventflow.adapters.translations import translator
from eventflow.core.model import Language

FR, EN = translator(Language.FR), translator(Language.EN)


def spaced(text: str) -> str:
    """``text`` with plain spaces: French keeps a number and its unit together with a (narrow) no-break space."""
    return " ".join(text.split())


def test_a_text_is_read_from_the_reader_catalog_and_falls_back_to_the_english() -> None:
    assert FR.gettext("Open the card") == "Ouvrir la fiche"
    assert EN.gettext("Open the card") == "Open the card"
    assert FR.gettext("A text no catalog has") == "A text no catalog has"
    assert FR.ngettext("%(num)d file", "%(num)d files", 2) == "%(num)d fichiers"


def test_a_date_is_written_the_way_the_reader_writes_it() -> None:
    day = dt.date(2026, 11, 25)
    assert (FR.format_date(day), EN.format_date(day)) == ("25 novembre 2026", "November 25, 2026")
    assert FR.format_date(day, "EEEE d MMMM") == "mercredi 25 novembre"


@pytest.mark.parametrize(
    ("size", "french", "english"),
    [
        (int(1.4 * 1024**3), "1,4 Go", "1.4 GB"),
        (350 * 1024**2, "350 Mo", "350 MB"),
        (5 * 1024**2 + 512 * 1024, "5,5 Mo", "5.5 MB"),
        (12 * 1024 + 300, "12 ko", "12 kB"),
        (12, "12 octets", "12 bytes"),
    ],
)
def test_a_size_is_shown_in_its_largest_unit_with_the_reader_decimals(size: int, french: str, english: str) -> None:
    assert (spaced(FR.format_size(size)), EN.format_size(size)) == (french, english)


def test_a_date_at_the_start_of_a_sentence_keeps_the_month_as_the_language_writes_it() -> None:
    """English months keep their capital ("Saturday 5 December", not "december"); French ones stay lower case."""
    from eventflow.entrypoints.web.pages.render import environment

    day = dt.date(2026, 12, 5)
    english = environment("en", "Europe/Paris").from_string('{{ fmt_date(day, "EEEE d MMMM") | capitalize }}')
    french = environment("fr", "Europe/Paris").from_string('{{ fmt_date(day, "EEEE d MMMM") | capitalize }}')
    assert english.render(day=day) == "Saturday 5 December"
    assert french.render(day=day) == "Samedi 5 décembre"
