"""One language at a time: every page, error pages included, read by a French user carries no English sentence, and
read by an English user no French one (issue 13, item 3). The check reads what a person sees or hears: the page's
text, its labels and placeholders, the title, and the texts its scripts hold for later (the ``#i18n`` JSON).

The giveaways are phrases the other language would never use; the seeded data (French event names and comments, the
bars' English screen names) is left out of them on purpose.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest

from eventflow.bootstrap import Services
from eventflow.core.errors import Conflict
from tests.support.browser import SCREENSHOTS, login
from tests.support.seed import ADMIN, MEMBER, PASSWORD, Seeded

ENGLISH_ADMIN = "eve@bars.fr"
ENGLISH_MEMBER = "ian@bars.fr"

#: English that must not show in a French page (whole words, case-sensitive where it matters).
ENGLISH = [
    r"\bNot Found\b",
    r"\bNot found\b",
    r"\bForbidden\b",
    r"\bdoes not exist\b",
    r"\bis larger than\b",
    r"\bchoose at least one bar\b",
    r"\bBack to the calendar\b",
    r"\bSomething went wrong\b",
    r"\bLog out\b",
    r"\bLog in\b",
    r"\bCalendar\b",
    r"\bStatistics\b",
    r"\bMy profile\b",
    r"\bTo do\b",
    r"\bIn review\b",
    r"\bChanges requested\b",
    r"\bReady for Screen\b",
    r"\bInvalid input\b",
    r"\brequired field\b",
    r"\bonly an admin\b",
    r"\bthere is nothing at this address\b",
    r"\bSave\b",
    r"\bCancel\b",
    r"\bClose\b",
    r"\bUpload failed\b",
    r"\bNetwork error\b",
    r"\bdays?\b",
    r"\bis not a date\b",
    r"\bwrite it\b",
    r"\d [MGk]B\b",
    r"\bbytes\b",
    r"\b(January|February|March|April|June|July|August|September|October|November)\b",
    r"\b(December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    r"\bthe\b",
    r"\band\b",
    r"\byour\b",
]
#: French that must not show in an English page.
FRENCH = [
    r"\bIntrouvable\b",
    r"\bAccès refusé\b",
    r"\bn'existe pas\b",
    r"\bdépasse\b",
    r"\bchoisissez\b",
    r"\bRetour au calendrier\b",
    r"\bDéconnexion\b",
    r"\bSe connecter\b",
    r"\bCalendrier\b",
    r"\bStatistiques\b",
    r"\bMon profil\b",
    r"\bÀ faire\b",
    r"\bÀ valider\b",
    r"\bApprouvé\b",
    r"\bSaisie invalide\b",
    r"\bobligatoire\b",
    r"\bEnregistrer\b",
    r"\bAnnuler\b",
    r"\bFermer\b",
    r"\bréessayez\b",
    r"\bjours?\b",
    r"\bn'est pas une date\b",
    r"\d [MGk]o\b",
    r"\boctets\b",
    r"\b(janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre)\b",
    r"\b(décembre|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    r"\bvotre\b",
    r"\bvous\b",
    r"\bavec\b",
]
#: What the seed writes in French whatever the reader's language (people's own words, not the app's).
SEEDED_FRENCH = ["Première version du poster, dites-moi !", "Végétal, néons et lumière chaude"]

#: Every page, for an admin; the error pages are reached as a person reaches them.
PAGES = [
    "/", "/calendar?view=week", "/calendar?view=quarter", "/review", "/matrix", "/stats", "/profile",
    "/admin/users", "/admin/bars", "/admin/themes", "/admin/templates", "/admin/storage", "/admin/review",
    "/admin/webhooks", "/admin/audit",
]  # fmt: skip
ERROR_PAGES = {
    "/events/999999": 404,
    "/no-such-page": 404,
    "/admin/no-such-section": 404,
    "/calendar?date=not-a-date": 422,
}


@pytest.fixture(scope="module")
def english_people(live: tuple[str, Services, Seeded]) -> None:
    for email, role in ((ENGLISH_ADMIN, "admin"), (ENGLISH_MEMBER, "member")):
        with contextlib.suppress(Conflict):  # the session's live app is shared: made once
            live[1].users.add(None, email, "Eve English", role=role, password=PASSWORD, language="en")


def what_people_read(page: Any) -> str:
    """The visible text, the labels read aloud, placeholders and titles, and the scripts' texts."""
    return page.evaluate(
        """() => {
        const parts = [document.title, document.body.innerText];
        for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], [alt]")) {
          for (const name of ["aria-label", "placeholder", "title", "alt"]) {
            const value = el.getAttribute(name);
            if (value) parts.push(value);
          }
        }
        const i18n = document.getElementById("i18n");
        if (i18n) parts.push(...Object.values(JSON.parse(i18n.textContent || "{}")));
        return parts.join("\\n");
      }"""
    )


def giveaways(text: str, patterns: list[str]) -> list[str]:
    for seeded in SEEDED_FRENCH:
        text = text.replace(seeded, "")
    found = []
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            line = next(line for line in text.splitlines() if match.group(0) in line)
            found.append(f"{match.group(0)!r} in {line.strip()[:120]!r}")
    return found


def visit(page: Any, path: str, status: int, patterns: list[str], name: str) -> list[str]:
    answer = page.goto(page.base + path)
    assert answer is not None and answer.status == status, f"{path}: {answer.status if answer else None}"
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"one-language-{name}-{page.profile}.png"), full_page=False)
    return [f"{path}: {found}" for found in giveaways(what_people_read(page), patterns)]


def every_page(page: Any, seeded: Seeded, patterns: list[str], lang: str) -> Iterator[str]:
    for path in [*PAGES, f"/events/{seeded.review_event_id}"]:
        yield from visit(page, path, 200, patterns, f"{lang}-{re.sub(r'[^a-z0-9]+', '-', path).strip('-') or 'home'}")
    for path, status in ERROR_PAGES.items():
        yield from visit(page, path, status, patterns, f"{lang}-error-{status}")


def test_a_french_admin_reads_no_english_on_any_page(desktop: Any, live: tuple[str, Services, Seeded]) -> None:
    login(desktop, ADMIN, PASSWORD)
    assert list(every_page(desktop, live[2], ENGLISH, "fr")) == []


def test_an_english_admin_reads_no_french_on_any_page(
    desktop: Any, live: tuple[str, Services, Seeded], english_people: None
) -> None:
    login(desktop, ENGLISH_ADMIN, PASSWORD)
    assert list(every_page(desktop, live[2], FRENCH, "en")) == []


@pytest.mark.parametrize(("email", "patterns", "lang"), [(MEMBER, ENGLISH, "fr"), (ENGLISH_MEMBER, FRENCH, "en")])
def test_the_forbidden_page_speaks_the_member_language(
    desktop: Any, english_people: None, email: str, patterns: list[str], lang: str
) -> None:
    login(desktop, email, PASSWORD)
    assert visit(desktop, "/admin/users", 403, patterns, f"{lang}-error-403") == []
    heading = desktop.locator("h1").inner_text()
    assert heading == {"fr": "Accès refusé", "en": "Forbidden"}[lang]
    assert desktop.locator("header.topbar").count() == 1  # the app's layout, not a bare message


def test_the_login_page_and_a_visitor_error_follow_the_browser_language(browser: Any, live: Any) -> None:
    chromium = browser[1]
    playwright = browser[0]
    for locale, patterns, heading, device in (
        ("fr-FR", ENGLISH, "Introuvable", {"viewport": {"width": 1024, "height": 800}}),
        ("fr-FR", ENGLISH, "Introuvable", playwright.devices["Pixel 7"]),
        ("en-GB", FRENCH, "Not found", {"viewport": {"width": 1024, "height": 800}}),
    ):
        context = chromium.new_context(**device, locale=locale)
        try:
            page = context.new_page()
            page.base, page.profile = live[0], "phone" if "user_agent" in device else "1024"
            assert visit(page, "/no-such-page", 404, patterns, f"{locale}-visitor-404") == []
            assert page.locator("h1").inner_text() == heading
        finally:
            context.close()


def test_the_new_night_form_speaks_french_and_forgets_its_error_once_a_bar_is_chosen(desktop: Any) -> None:
    """The API's refusal shows in the form in French, and goes as soon as the person picks a bar."""
    login(desktop, ADMIN, PASSWORD)
    desktop.goto(desktop.base + "/calendar")
    desktop.locator('[data-action="new-event"]').first.click()
    dialog = desktop.locator("dialog[open]")
    form = dialog.locator("form[data-api]")
    form.locator('input[name="name"]').fill("Nuit sans bar")
    for box in form.locator('input[type="checkbox"][name="bar_ids"]').all():
        box.uncheck()
    form.locator('[type="submit"]').click()
    error = form.locator(".form-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "Choisissez au moins un bar"  # the server's words, as a sentence
    form.locator('input[type="checkbox"][name="bar_ids"]').first.check()
    assert error.is_hidden()


def test_api_errors_shown_in_the_ui_are_in_the_reader_language(
    desktop: Any, live: tuple[str, Services, Seeded], english_people: None
) -> None:
    for email, expected in ((ADMIN, "l'événement 999999 n'existe pas"), (ENGLISH_ADMIN, "event 999999 does not exist")):
        login(desktop, email, PASSWORD)
        answer = desktop.request.get(desktop.base + "/api/events/999999")
        assert answer.status == 404 and answer.json()["description"] == expected
        desktop.context.clear_cookies()
