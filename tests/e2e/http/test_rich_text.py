"""The brief and notes are rich text: what the editor writes is kept, anything hostile sent straight to the API is
dropped before it is stored and again before it is shown, links open in a new tab that cannot reach back, briefs
written as plain text keep their line breaks, and what cannot show HTML (the calendar feed) gets plain text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import falcon.testing
import icalendar
import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Event, User
from eventflow.core.rich_text import as_text
from tests.support.web import Api, Browser

#: What Trix writes for a heading, bold and italic and struck text, a line break, both lists, a quote, code, a link.
TRIX_HTML = (
    "<h1>Dress code</h1>"
    "<div><strong>Gold</strong> &amp; <em>black</em>, <del>no jeans</del><br>doors at 22:00</div>"
    "<ul><li>glitter</li><li>disco ball</li></ul>"
    "<ol><li>warm-up</li><li>show</li></ol>"
    "<blockquote>Keep it classy</blockquote>"
    "<pre>#BOOGIE</pre>"
    '<div>Playlist: <a href="https://example.com/playlist?a=1&amp;b=2">the playlist</a></div>'
)

#: Hostile rich text sent straight to the API, and what must not survive it.
HOSTILE = {
    "script tag": ("<div>ok</div><script>alert(1)</script>", ["<script", "alert(1)"]),
    "script in a block": ("<div>ok<script>document.cookie</script></div>", ["<script", "document.cookie"]),
    "onerror image": ('<div>ok<img src="x" onerror="alert(1)"></div>', ["<img", "onerror"]),
    "event handler on a kept tag": ('<div onclick="alert(1)" onmouseover="x()">ok</div>', ["onclick", "onmouseover"]),
    "javascript link": ('<div><a href="javascript:alert(1)">ok</a></div>', ["javascript:"]),
    "javascript link in disguise": ('<div><a href=" JaVaScRiPt&#58;alert(1)">ok</a></div>', ["javascript", "alert"]),
    "javascript link with a tab": ('<div><a href="java\tscript:alert(1)">ok</a></div>', ["script:", "alert"]),
    "data link": ('<div><a href="data:text/html;base64,PHNjcmlwdD4=">ok</a></div>', ["data:"]),
    "vbscript link": ('<div><a href="vbscript:msgbox(1)">ok</a></div>', ["vbscript", "msgbox"]),
    "style attribute": ('<div style="position:fixed;inset:0;background:url(//evil)">ok</div>', ["style", "evil"]),
    "style element": ("<style>body{display:none}</style><div>ok</div>", ["<style", "display:none"]),
    "iframe": ('<iframe src="https://evil.example"></iframe><div>ok</div>', ["<iframe", "evil"]),
    "svg onload": ('<svg onload="alert(1)"><circle/></svg><div>ok</div>', ["<svg", "onload"]),
    "form": ('<form action="https://evil.example"><input name="password"></form><div>ok</div>', ["<form", "<input"]),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.ex"><div>ok</div>', ["<meta", "evil"]),
    "link target and opener": (
        '<div><a href="https://example.com" target="_self" rel="opener" onclick="x()">ok</a></div>',
        ["_self", 'opener"', "onclick"],
    ),
}


class _Inner(HTMLParser):
    """Finds the inner HTML of the ``<div data-rich-shown=FIELD>`` of a page, as the page has it."""

    def __init__(self, page: str, field: str) -> None:
        super().__init__(convert_charrefs=False)
        self.field, self.depth, self.start, self.end = field, 0, -1, -1
        self.lines = [0]
        for line in page.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))

    def position(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "div" or self.end >= 0:
            return
        if self.depth:
            self.depth += 1
        elif ("data-rich-shown", self.field) in attrs:
            self.depth, self.start = 1, self.position() + len(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.end = self.position()


@pytest.fixture
def page_reader(client: falcon.testing.TestClient, member: User) -> Browser:
    """The member reading pages with a session cookie, as a browser does."""
    return Browser(client, member.email)


def brief_of(page: str, field: str = "brief") -> str:
    """The shown rich text of ``field`` in a card page."""
    finder = _Inner(page, field)
    finder.feed(page)
    assert finder.end >= 0, f"no {field} shown"
    return page[finder.start : finder.end]


def editor_value(page: str, field: str = "brief") -> str:
    """What the editor of ``field`` starts from (the hidden input's value, unescaped)."""
    found = re.search(rf'<input type="hidden" name="{field}" id="{field}-input-\d+" value="([^"]*)">', page)
    assert found, f"no editor for {field}"
    return html.unescape(found.group(1))


def links_of(fragment: str) -> list[str]:
    return re.findall(r"<a\b[^>]*>", fragment)


def test_what_the_editor_writes_is_kept_and_shown_with_its_formatting(
    as_member: Api, page_reader: Browser, event: Event
) -> None:
    notes = "<div>Call <em>Léa</em></div>"
    saved = as_member.patch(f"/api/events/{event.id}", json={"brief": TRIX_HTML, "notes": notes})
    assert saved.status_code == 200, saved.text
    for tag in ("<h1>", "<strong>", "<em>", "<del>", "<br>", "<ul><li>", "<ol><li>", "<blockquote>", "<pre>"):
        assert tag in saved.json["brief"]
    assert saved.json["notes"] == "<div>Call <em>Léa</em></div>"
    [link] = links_of(saved.json["brief"])
    assert 'href="https://example.com/playlist?a=1&amp;b=2"' in link

    page = page_reader.get(f"/events/{event.id}").text
    shown = brief_of(page)
    assert "<h1>Dress code</h1>" in shown and "<ul><li>glitter</li><li>disco ball</li></ul>" in shown
    assert "<strong>Gold</strong> &amp; <em>black</em>, <del>no jeans</del><br>doors at 22:00" in shown
    [link] = links_of(shown)  # clickable, in a new tab that cannot reach back to the app
    assert 'href="https://example.com/playlist?a=1&amp;b=2"' in link
    assert 'target="_blank"' in link and 'rel="noopener noreferrer"' in link
    assert brief_of(page, "notes") == "<div>Call <em>Léa</em></div>"
    # the editor starts from the same HTML, escaped in its attribute
    assert "<h1>Dress code</h1>" in editor_value(page) and "simple HTML" not in page


@pytest.mark.parametrize("hostile, banned", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_html_sent_to_the_api_is_neither_stored_nor_shown(
    as_member: Api, page_reader: Browser, services: Services, event: Event, hostile: str, banned: list[str]
) -> None:
    created = as_member.post(
        "/api/events", json={"name": "Nuit XSS", "date": "2026-12-19", "bar_ids": event.bar_ids, "notes": hostile}
    )
    patched = as_member.patch(f"/api/events/{event.id}", json={"brief": hostile})
    assert created.status_code == 201 and patched.status_code == 200
    with services.uow() as uow:
        stored = [uow.events.get(event.id or 0).brief, uow.events.get(created.json["id"]).notes]  # type: ignore[union-attr]
    page = page_reader.get(f"/events/{event.id}").text
    for text in [*stored, patched.json["brief"], created.json["notes"], brief_of(page), editor_value(page)]:
        assert "ok" in text  # the harmless part stays
        for word in banned:
            assert word.lower() not in text.lower(), f"{word!r} survived in {text!r}"
    for link in links_of(brief_of(page)):
        assert 'target="_blank"' in link and 'rel="noopener noreferrer"' in link


def test_rich_text_stored_before_todays_rules_is_sanitised_again_when_shown(
    page_reader: Browser, services: Services, event: Event
) -> None:
    """A row written by an older version (or by hand in the database) is held to today's rules on the page."""
    with services.uow() as uow:
        row = uow.events.get_for_update(event.id or 0)
        assert row is not None
        row.brief = '<p onclick="x()">Old <a href="javascript:alert(1)">trap</a></p><script>alert(2)</script>'
        uow.events.update(row)
        uow.commit()
    page = page_reader.get(f"/events/{event.id}").text
    shown = brief_of(page)
    assert shown.startswith("<p>Old <a") and "trap</a></p>" in shown
    assert "javascript" not in page and "alert(" not in page and "onclick" not in shown


def test_a_brief_written_as_plain_text_keeps_its_line_breaks(
    as_member: Api, page_reader: Browser, services: Services, admin: User, event: Event
) -> None:
    """Briefs typed in the old plain box (kept as they were: no migration) and plain text sent by scripts."""
    legacy = "Dress code: gold\nDoors at 22:00\n\n- glitter\n- disco ball & 2 < 3"
    with services.uow() as uow:  # as the old plain box stored it: sanitised, newlines kept
        row = uow.events.get_for_update(event.id or 0)
        assert row is not None
        row.brief = services.ctx.sanitize(legacy)
        uow.events.update(row)
        uow.commit()
    as_member.patch(f"/api/events/{event.id}", json={"notes": "line one\nline two"})
    page = page_reader.get(f"/events/{event.id}").text
    assert brief_of(page) == "Dress code: gold<br>Doors at 22:00<br><br>- glitter<br>- disco ball &amp; 2 &lt; 3"
    assert brief_of(page, "notes") == "line one<br>line two"
    assert editor_value(page) == "Dress code: gold<br>Doors at 22:00<br><br>- glitter<br>- disco ball &amp; 2 &lt; 3"


def test_an_emptied_brief_says_so_and_the_label_no_longer_asks_for_html(
    page_reader: Browser, as_member: Api, event: Event
) -> None:
    assert as_member.patch(f"/api/events/{event.id}", json={"brief": "<div>first</div>"}).status_code == 200
    assert as_member.patch(f"/api/events/{event.id}", json={"brief": ""}).status_code == 200
    page = page_reader.get(f"/events/{event.id}").text
    assert "Pas encore de brief." in brief_of(page) and editor_value(page) == ""
    assert "HTML" not in page.split('id="brief-title"')[1].split("</section>")[0]


def test_a_night_with_a_description_but_no_brief_does_not_say_it_has_no_brief(
    page_reader: Browser, services: Services, admin: User, event: Event
) -> None:
    described = services.events.create(admin, "Nuit Disco", "2026-12-19", event.bar_ids, "Boule à facettes XXL")
    page = page_reader.get(f"/events/{described.summary.event.id}").text
    brief_panel = page.split('id="brief-title"')[1].split("</section>")[0]
    assert "Boule à facettes XXL" in brief_panel
    assert "Pas encore de brief." not in brief_panel
    assert "Pas encore de brief." in page_reader.get(f"/events/{event.id}").text


def test_the_calendar_feed_gives_the_brief_as_plain_text(
    as_member: Api, client: falcon.testing.TestClient, event: Event
) -> None:
    assert as_member.patch(f"/api/events/{event.id}", json={"brief": TRIX_HTML}).status_code == 200
    url = as_member.post("/api/me/feed").json["url"]
    calendar = icalendar.Calendar.from_ical(client.simulate_get(url.split("8000", 1)[1]).content)
    [night] = [e for e in calendar.walk("VEVENT") if str(e["uid"]) == f"event-{event.id}@eventflow"]
    description = str(night["description"])
    assert "<" not in description and "&amp;" not in description
    assert "Dress code\nGold & black, no jeans\ndoors at 22:00\n- glitter\n- disco ball\n1. warm-up\n2. show" in (
        description
    )
    assert "the playlist (https://example.com/playlist?a=1&b=2)" in description


@pytest.mark.parametrize(
    "rich, text",
    [
        ("<div>a<br>b</div><div>c</div>", "a\nb\nc"),
        ("<ul><li>one</li><li>two<ul><li>deep</li></ul></li></ul>", "- one\n- two\n  - deep"),
        (
            '<div><a href="mailto:lea@bars.fr">Léa</a> <a href="https://x.fr">https://x.fr</a></div>',
            "Léa (lea@bars.fr) https://x.fr",
        ),
        ("plain\ntext &amp; more\n\n\n\nend", "plain\ntext & more\n\nend"),
        ("<p>para one</p><p>para two</p>", "para one\n\npara two"),
        ("<pre>keep\n   spaces</pre>", "keep\n   spaces"),
        ("", ""),
    ],
)
def test_rich_text_as_plain_text(rich: str, text: str) -> None:
    assert as_text(rich) == text


@pytest.mark.parametrize(
    "sent, kept",
    [
        ("<div>Doors at 22:00</div><div><br></div><div><br></div>", "<div>Doors at 22:00</div>"),
        ("<div>Pasted <strong>bold</strong><br><br></div>", "<div>Pasted <strong>bold</strong></div>"),
        ("<ul><li>one</li></ul><div><br></div>", "<ul><li>one</li></ul>"),
        ("<div>a<br>b</div>", "<div>a<br>b</div>"),
        ("<div><br></div>", ""),
    ],
)
def test_empty_lines_left_at_the_end_by_the_editor_are_not_kept(
    as_member: Api, event: Event, sent: str, kept: str
) -> None:
    assert as_member.patch(f"/api/events/{event.id}", json={"brief": sent}).json["brief"] == kept


def test_the_audit_log_shows_a_changed_brief_as_words_and_lines(
    as_member: Api, client: falcon.testing.TestClient, admin: User, event: Event
) -> None:
    assert as_member.patch(f"/api/events/{event.id}", json={"brief": TRIX_HTML}).status_code == 200
    page = Browser(client, admin.email).get("/admin/audit").text
    assert "Dress code\nGold &amp; black, no jeans\ndoors at 22:00" in page and "Dress codeGold" not in page
