"""The door in Chromium: a page on another site cannot log the visitor's browser in as someone else (login CSRF), a
locked-out visitor is told when to try again, and the offline page tells the truth about waiting uploads."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.seed import MEMBER, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ATTACKER = "http://attacker.example/"


def attacker_page(app: str) -> str:
    """A page that posts the attacker's credentials to eventflow as soon as it opens, as a plain HTML form."""
    return f"""<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="{app}/api/session">
  <input name="email" value="{MEMBER}"><input name="password" value="{PASSWORD}">
</form>
<script>document.getElementById("f").submit()</script>"""


def test_a_form_on_another_site_does_not_log_the_browser_in(desktop: Any) -> None:
    page = desktop
    page.route(ATTACKER, lambda route: route.fulfill(body=attacker_page(page.base), content_type="text/html"))

    with page.expect_navigation(url=f"{page.base}/api/session") as landed:
        page.goto(ATTACKER)
    answer = landed.value

    assert answer.status in (403, 415), answer.status
    assert not [c for c in page.context.cookies() if c["name"].endswith("eventflow_session")]
    page.goto(page.base + "/")
    assert "/login" in page.url  # still a visitor: not logged in as the attacker's account


def test_a_visitor_locked_out_reads_when_to_try_again_as_a_french_sentence(desktop: Any) -> None:
    page = desktop
    email = "locked-out@bars.fr"
    for _ in range(5):  # the allowed failures, sent as a script would
        page.request.post(f"{page.base}/api/session", data={"email": email, "password": "wrong password"})
    page.goto(page.base + "/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', "still the wrong one")
    page.get_by_role("button", name="Se connecter").click()
    error = page.locator("#login-form .form-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "Trop de connexions échouées ; réessayez dans 15 min", error.inner_text()


def test_the_offline_page_says_waiting_files_go_on_by_themselves_and_retries_the_same_page(desktop: Any) -> None:
    page = desktop
    page.goto(page.base + "/offline")
    text = page.locator("main").inner_text()
    assert "ne sont pas perdus : ils repartent d'eux-mêmes" in text, text
    assert "renvoyez" not in text  # the upload queue resumes: nobody has to send a photo again
    assert page.get_by_role("link", name="Réessayer").get_attribute("href") == ""  # the page the network failed
