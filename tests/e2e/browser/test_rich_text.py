"""The brief's editor in Chromium, on a desktop and on a phone: bold, a bulleted list and a link made with the toolbar,
hostile HTML pasted in and cleaned, saved, then shown after a reload with its formatting and a link that opens in a
new tab without a way back to the app. Also a PDF's preview captioned for what it is."""

from __future__ import annotations

import re
from typing import Any

import pytest

from eventflow.bootstrap import Services
from tests.e2e.browser.test_collab import expect, fresh_event
from tests.support.browser import SCREENSHOTS, login, shot
from tests.support.seed import Seeded

pytestmark = [pytest.mark.browser, pytest.mark.slow]
Live = tuple[str, Services, Seeded]
PLAYLIST = "https://example.com/playlist"
HOSTILE_PASTE = (
    '<p style="color:red;font-size:40px" onclick="window.pwned=1">Collé <b>fort</b></p>'
    '<script>window.pwned=2</script><img src="/x" onerror="window.pwned=3">'
)


def paste_html(page: Any, html: str) -> None:
    """A real paste (Ctrl+V) of what copying from another web page puts on the clipboard: HTML and its text."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base)
    page.evaluate(
        """(html) => navigator.clipboard.write([new ClipboardItem({
          "text/html": new Blob([html], { type: "text/html" }),
          "text/plain": new Blob(["Collé fort"], { type: "text/plain" }),
        })])""",
        html,
    )
    page.keyboard.press("Control+V")


def select_backwards(editor: Any, word: str) -> None:
    """Shift+← until the browser selects ``word``, then until Trix has read that selection. Trix re-renders what was
    just typed a moment later, which can drop the first key; and it reads the selection after it changed, so a toolbar
    button pressed before then acts on the previous one (a link on "laylist")."""
    page = editor.page
    for _ in range(2 * len(word)):
        if page.evaluate("window.getSelection().toString()") == word:
            break
        page.keyboard.press("Shift+ArrowLeft")
    page.wait_for_function(
        "([element, length]) => {"
        " const [start, end] = element.editor.getSelectedRange(); return end - start == length }",
        arg=[editor.element_handle(), len(word)],
    )


def wait_for_trix_to_save(editor: Any, html: str) -> None:
    """Trix copies its document into the form's hidden input after each change, a moment later: a form sent at once
    (faster than anyone clicks) would carry the text before the last keys."""
    expect(editor.page.locator(f"#{editor.get_attribute('input')}")).to_have_value(re.compile(re.escape(html)))


def test_a_brief_with_bold_a_list_and_a_link_is_saved_and_shown_after_a_reload(page: Any, live: Live) -> None:
    event_id = fresh_event(live[1], f"Nuit Paillettes {page.profile}")
    page.context.route(
        f"{PLAYLIST}*", lambda route: route.fulfill(body="<title>Playlist</title>", content_type="text/html")
    )
    login(page)
    page.goto(f"{page.base}/events/{event_id}")
    panel = page.locator('section[aria-labelledby="brief-title"]')
    panel.locator(".edit-brief summary").click()
    editor = panel.locator("trix-editor").first
    toolbar = panel.locator("trix-toolbar").first
    expect(editor).to_be_visible()
    expect(toolbar.locator('[data-trix-attribute="bold"]')).to_have_attribute("title", "Gras")  # the catalogs' words
    expect(toolbar.locator('[data-trix-action="attachFiles"]')).to_be_hidden()  # no attachments

    editor.click()
    page.keyboard.type("Dress code : ")
    toolbar.locator('[data-trix-attribute="bold"]').click()
    page.keyboard.type("or et noir")
    toolbar.locator('[data-trix-attribute="bold"]').click()
    page.keyboard.press("Enter")
    toolbar.locator('[data-trix-attribute="bullet"]').click()
    page.keyboard.type("paillettes")
    page.keyboard.press("Enter")
    page.keyboard.type("boule à facettes")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("Playlist")
    expect(editor).to_contain_text("Playlist")  # typed in before it is selected
    wait_for_trix_to_save(editor, "Playlist")
    select_backwards(editor, "Playlist")
    toolbar.locator('[data-trix-action="link"]').click()
    url = toolbar.locator('input[name="href"]')
    expect(url).to_be_visible()
    expect(url).to_have_attribute("placeholder", "Collez ou tapez une adresse web (https://…)")
    shot(page, "rich-brief-link-dialog", full_page=False)
    url.fill(PLAYLIST)
    toolbar.locator('[data-trix-method="setAttribute"]').click()
    expect(editor.locator(f'a[href="{PLAYLIST}"]')).to_have_text("Playlist")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    paste_html(page, HOSTILE_PASTE)
    expect(editor).to_contain_text("Collé fort")
    assert page.evaluate("window.pwned") is None
    assert editor.locator("[style], img, script").count() == 0  # the editor kept the words, not the rest
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(SCREENSHOTS / f"rich-brief-panel-{page.profile}.png"))
    shot(page, "rich-brief-editor", full_page=False)
    if page.profile == "desktop":
        page.set_viewport_size({"width": 1024, "height": 800})
        panel.scroll_into_view_if_needed()
        shot(page, "rich-brief-editor-1024", full_page=False)
        page.set_viewport_size({"width": 1440, "height": 900})

    wait_for_trix_to_save(editor, "Collé <strong>fort")
    panel.locator('button[type="submit"]').click()
    expect(panel.locator('[data-rich-shown="brief"] strong')).to_have_text(["or et noir", "fort"])  # card reloaded
    stored = live[1].events.card(event_id).summary.event.brief
    assert "<strong>or et noir</strong>" in stored and "<li>paillettes</li><li>boule à facettes</li>" in stored
    assert f'<a href="{PLAYLIST}"' in stored and "style" not in stored and "pwned" not in stored
    assert stored.endswith("Collé <strong>fort</strong></div>"), stored  # no empty lines left at the end

    page.reload()
    shown = page.locator('[data-rich-shown="brief"]')
    expect(shown.locator("strong")).to_have_text(["or et noir", "fort"])  # the pasted bold is kept, not its style
    expect(shown).to_contain_text("Collé fort")
    expect(shown.locator("ul > li")).to_have_text(["paillettes", "boule à facettes"])
    link = shown.locator("a")
    expect(link).to_have_text("Playlist")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    shown.scroll_into_view_if_needed()
    shot(page, "rich-brief-shown", full_page=False)
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == PLAYLIST and tab.evaluate("window.opener") is None
    tab.close()

    # the editor opens again on what was saved
    panel.locator(".edit-brief summary").click()
    expect(panel.locator("trix-editor").first.locator("strong")).to_have_text(["or et noir", "fort"])
    expect(panel.locator("trix-editor").first.locator("li")).to_have_count(2)


def test_a_pdf_preview_on_a_phone_says_it_is_the_first_page(phone: Any, live: Live) -> None:
    page = phone
    login(page)
    page.goto(f"{page.base}/events/{live[2].review_event_id}")
    button = page.locator(f'tr.slot[data-slot-id="{live[2].review_slot_id}"] [data-action="preview"]')
    expect(button.locator("img.thumb")).to_have_attribute("title", "Première page du PDF")
    button.click()
    note = page.locator("#preview [data-pv-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Première page du PDF")
    expect(note).to_contain_text("Ouvrez le fichier pour voir toutes les pages.")
    shot(page, "pdf-preview-caption", full_page=False)


def test_the_editor_also_works_in_a_card_opened_over_the_review_queue(desktop: Any, live: Live) -> None:
    page = desktop
    login(page)
    page.goto(f"{page.base}/review")
    page.locator(f'.review-item[data-slot-id="{live[2].review_slot_id}"] a[data-open-card]').first.click()
    panel = page.locator('#overlay section[aria-labelledby="brief-title"]')
    panel.locator(".edit-brief summary").click()
    editor = panel.locator("trix-editor").first
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Lumière ")
    wait_for_trix_to_save(editor, "Lumière&nbsp;")  # rendered: a key pressed meanwhile can be dropped
    page.keyboard.press("Control+I")
    page.keyboard.type("stroboscopique")
    wait_for_trix_to_save(editor, "<em>stroboscopique</em>")
    panel.locator('button[type="submit"]').click()
    expect(panel.locator('[data-rich-shown="brief"] em')).to_have_text("stroboscopique")  # the card reloaded in place
    panel.locator(".edit-brief summary").click()  # and its new editor starts from what was saved
    expect(panel.locator("trix-editor").first.locator("em")).to_have_text("stroboscopique")
    assert "<em>stroboscopique</em>" in live[1].events.card(live[2].review_event_id).summary.event.brief


def test_the_editor_of_a_card_raises_no_content_security_policy_error(page: Any, live: Live) -> None:
    """Trix adds its own <style>: it carries the response's nonce, which the policy allows, and nothing else inline."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    event_id = fresh_event(live[1], f"Nuit Sans Reproche {page.profile}")
    login(page)
    answer = page.goto(f"{page.base}/events/{event_id}")
    policy = answer.headers["content-security-policy"]
    nonce = page.evaluate("document.querySelector('meta[name=trix-csp-nonce]').nonce")
    assert nonce and f"style-src 'self' 'nonce-{nonce}';" in policy
    page.locator('section[aria-labelledby="brief-title"] .edit-brief summary').click()
    editor = page.locator("trix-editor").first
    expect(editor).to_be_visible()
    styles = page.evaluate("[...document.querySelectorAll('style[data-tag-name]')].map((s) => s.nonce === $0)"
                           .replace("$0", repr(nonce)))  # fmt: skip
    assert styles and all(styles)  # Trix's styles, each with the nonce
    assert editor.evaluate("(e) => getComputedStyle(e).display") == "block"  # and applied: Trix's own rule
    kept = page.reload()  # the same page again: the server's kept copy, with this response's nonce
    expect(page.locator("trix-editor").first).to_be_attached()
    nonce_again = page.evaluate("document.querySelector('meta[name=trix-csp-nonce]').nonce")
    assert nonce_again != nonce and f"'nonce-{nonce_again}'" in kept.headers["content-security-policy"]
    assert page.locator("trix-toolbar").first.evaluate("(e) => getComputedStyle(e).display") == "block"
    assert refused == []
