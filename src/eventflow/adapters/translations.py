"""The ``Translations`` port with Babel: the gettext catalogs of ``eventflow/locale`` and CLDR's dates and units.

Pages and e-mails read the same catalogs through :func:`translator`. Each ``.po`` file is compiled in memory once per
process (no ``.mo`` file to build or ship); the formats are cached, since Babel is slow and a page shows the same days,
instants and sizes again and again.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from importlib import resources

from attrs import frozen
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from babel.units import format_unit

from eventflow.core.model import Language

#: Units of a size, largest first, with the number pattern each is shown with.
SIZE_UNITS = (
    ("digital-gigabyte", 1024**3, "#,##0.#"),
    ("digital-megabyte", 1024**2, "#,##0.#"),
    ("digital-kilobyte", 1024, "#,##0"),
)


def load_catalog(language: Language) -> NullTranslations:
    """The catalog of ``language``, compiled in memory from its ``.po`` file (English is the source text)."""
    po = resources.files("eventflow") / "locale" / language.value / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language.value)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


@frozen
class BabelTranslator:
    """A language's catalog and formats (a ``Translator``, plus the plural and instant formats the pages use)."""

    language: Language
    catalog: NullTranslations

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def format_date(self, day: dt.date, format: str = "long") -> str:
        return _format_date(day, format, self.language.value)

    def format_instant(self, instant: dt.datetime, timezone: dt.tzinfo, format: str = "d MMM HH:mm") -> str:
        return _format_instant(instant, format, timezone, self.language.value)

    def format_size(self, size: int) -> str:
        return _format_size(size, self.language.value)


@functools.cache
def translator(language: Language) -> BabelTranslator:
    """The ``Translations`` port: one translator per language and process, its catalog read on first use."""
    return BabelTranslator(language, load_catalog(language))


@functools.lru_cache(maxsize=8192)
def _format_date(day: dt.date, format: str, language: str) -> str:
    return format_date(day, format, locale=language)


@functools.lru_cache(maxsize=8192)
def _format_instant(instant: dt.datetime, format: str, timezone: dt.tzinfo, language: str) -> str:
    return format_datetime(instant, format, tzinfo=timezone, locale=language)


@functools.lru_cache(maxsize=4096)
def _format_size(size: int, language: str) -> str:
    for unit, scale, pattern in SIZE_UNITS:
        if size >= scale:
            return format_unit(size / scale, unit, length="short", format=pattern, locale=language)
    # CLDR's short English byte is "byte" whatever the number: the long name says "12 bytes" ("12 octets").
    return format_unit(size, "digital-byte", length="long", locale=language)
