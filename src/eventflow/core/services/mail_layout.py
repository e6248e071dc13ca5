"""How an e-mail is laid out, as plain text and HTML (every value escaped in the HTML); its words come from the
gettext catalogs through a ``Translator``."""

from __future__ import annotations

import html
from collections.abc import Sequence
from html.parser import HTMLParser

from attrs import frozen

from eventflow.core.ports import Translator

QUOTE_STYLE = "border-left:3px solid #ccc;margin:0;padding-left:1em"


@frozen
class Mail:
    subject: str
    text: str
    html: str


@frozen
class Section:
    """A titled part of a message: lines of text, each optionally with a link."""

    title: str
    lines: Sequence[tuple[str, str | None]]


def plain(rich_text: str) -> str:
    """The words of sanitised rich text, without its tags."""
    parser = _TextOnly()
    parser.feed(rich_text)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "p", "li", "div"}:
            self.parts.append(" ")


FOOTER_STYLE = "color:#777;font-size:small"
#: How the card's link starts in the HTML of a message (a bundle writes it once under messages that share it).
LINK_HTML = '<p><a href="'
TEXT_FOOTER = "\n--\n"


def footer_text(texts: Translator) -> str:
    return texts.gettext("You get this e-mail because of your notification preferences in eventflow.")


def compose(
    texts: Translator,
    subject: str,
    intro: str,
    link: str | None,
    sections: Sequence[Section] = (),
    quote_html: str | None = None,
) -> Mail:
    """A message as plain text and HTML: an intro, an optional quoted comment, sections, the card link, a footer."""
    footer = footer_text(texts)
    open_card = texts.gettext("Open the card")
    text = [intro]
    page = [f"<p>{html.escape(intro)}</p>"]
    if quote_html is not None:
        text.append(f"\n> {plain(quote_html)}")
        page.append(f'<blockquote style="{QUOTE_STYLE}">{quote_html}</blockquote>')
    for section in sections:
        text.append(f"\n{section.title}")
        page.append(f"<h3>{html.escape(section.title)}</h3><ul>")
        for line, url in section.lines:
            text.append(f"- {line}" + (f"\n  {url}" if url else ""))
            shown = html.escape(line)
            page.append(f'<li><a href="{html.escape(url)}">{shown}</a></li>' if url else f"<li>{shown}</li>")
        page.append("</ul>")
    if link is not None:
        text.append("\n" + texts.gettext("Open the card: %(link)s") % {"link": link})
        page.append(f'{LINK_HTML}{html.escape(link)}">{html.escape(open_card)}</a></p>')
    text.append(f"{TEXT_FOOTER}{footer}")
    page.append(f'<p style="{FOOTER_STYLE}">{html.escape(footer)}</p>')
    return _mail(texts, subject, text, page)


def bundle(texts: Translator, mails: Sequence[Mail], nights: Sequence[str] = ()) -> Mail:
    """Several messages composed for one reader as one e-mail, its subject naming the ``nights`` they are about:
    messages with the same subject under it once, the card's link they share written once (after them, or at the
    end when every message links to the same card), one footer at the end."""
    num = len(mails)
    if nights:
        named = ", ".join(nights[:2]) + ("…" if len(nights) > 2 else "")
        subject = texts.ngettext("%(nights)s: %(num)d update", "%(nights)s: %(num)d updates", num)
        subject %= {"nights": named, "num": num}
    else:
        subject = texts.ngettext("eventflow: %(num)d update", "eventflow: %(num)d updates", num) % {"num": num}
    footer = f'<p style="{FOOTER_STYLE}">'
    bodies, text_link = _without_shared_link([mail.text.split(TEXT_FOOTER)[0].strip() for mail in mails], "://")
    inners = [mail.html.split("<body>", 1)[-1].rsplit("</body>", 1)[0].split(footer)[0].strip() for mail in mails]
    inners, page_link = _without_shared_link(inners, LINK_HTML)
    by_subject: dict[str, list[int]] = {}
    for index, mail in enumerate(mails):
        by_subject.setdefault(mail.subject, []).append(index)
    text: list[str] = []
    page: list[str] = []
    for heading, indexes in by_subject.items():
        lines, link = _without_shared_link([bodies[i] for i in indexes], "://")
        text.append(f"{heading}\n{'=' * len(heading)}\n" + "\n\n".join([*lines, *([link] if link else [])]) + "\n")
        parts, link = _without_shared_link([inners[i] for i in indexes], LINK_HTML)
        page.append(f"<h2>{html.escape(heading)}</h2>\n" + "\n".join([*parts, *([link] if link else [])]))
    text.extend([text_link + "\n"] if text_link else [])
    page.extend([page_link] if page_link else [])
    text.append(f"{TEXT_FOOTER.lstrip()}{footer_text(texts)}")
    page.append(f"{footer}{html.escape(footer_text(texts))}</p>")
    return _mail(texts, subject, text, page)


def _without_shared_link(bodies: Sequence[str], link_mark: str) -> tuple[list[str], str | None]:
    """The bodies without the link line they all end with, and that line (none when they do not all share it)."""
    last = bodies[-1].rsplit("\n", 1)[-1] if bodies else ""
    if len(bodies) < 2 or link_mark not in last or not all(body.endswith("\n" + last) for body in bodies):
        return list(bodies), None
    return [body.removesuffix(last).rstrip() for body in bodies], last


def _mail(texts: Translator, subject: str, text: Sequence[str], page: Sequence[str]) -> Mail:
    body = "\n".join(page)
    return Mail(
        subject=subject,
        text="\n".join(text) + "\n",
        html=f'<!DOCTYPE html><html lang="{texts.language.value}"><meta charset="utf-8"><body>{body}</body></html>',
    )
