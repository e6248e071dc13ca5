"""The words of every e-mail, in French and English, as plain text and HTML (every value escaped in the HTML)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from html.parser import HTMLParser

from attrs import frozen

from eventflow.core.model import Language

MONTHS = {
    Language.FR: (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    Language.EN: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

TEXTS: dict[Language, dict[str, str]] = {
    Language.FR: {
        "review_requested.subject": "À valider : {slot} — {event}",
        "review_requested.body": "{actor} a mis « {slot} » de « {event} » ({date}) en validation.",
        "approved.subject": "Validé : {slot} — {event}",
        "approved.body": "{actor} a validé « {slot} » de « {event} » ({date}).",
        "changes_requested.subject": "Modifications demandées : {slot} — {event}",
        "changes_requested.body": "{actor} demande des modifications sur « {slot} » de « {event} » ({date}).",
        "mention.subject": "{actor} vous a mentionné·e — {event}",
        "mention.body": "{actor} vous a mentionné·e dans un commentaire sur « {event} » ({date}) :",
        "digest.subject": "Récap du {today} : {late} en retard, {due} à rendre cette semaine",
        "digest.late": "En retard",
        "digest.due": "À rendre cette semaine (avant le {due})",
        "storage.subject": "eventflow : stockage à {percent} % du quota",
        "storage.body": (
            "Les fichiers occupent maintenant {used} Go sur {quota} Go ({percent} %). Archivez les soirées passées "
            "(eventflow archive) ou purgez les anciennes versions (eventflow purge) avant que les envois soient "
            "refusés."
        ),
        "open": "Ouvrir la fiche",
        "someone": "Quelqu'un",
        "footer": "Vous recevez ce message selon vos préférences de notification dans eventflow.",
    },
    Language.EN: {
        "review_requested.subject": "To review: {slot} — {event}",
        "review_requested.body": "{actor} moved “{slot}” of “{event}” ({date}) to review.",
        "approved.subject": "Approved: {slot} — {event}",
        "approved.body": "{actor} approved “{slot}” of “{event}” ({date}).",
        "changes_requested.subject": "Changes requested: {slot} — {event}",
        "changes_requested.body": "{actor} requested changes to “{slot}” of “{event}” ({date}).",
        "mention.subject": "{actor} mentioned you — {event}",
        "mention.body": "{actor} mentioned you in a comment on “{event}” ({date}):",
        "digest.subject": "Digest for {today}: {late} late, {due} due this week",
        "digest.late": "Late",
        "digest.due": "Due this week (by {due})",
        "storage.subject": "eventflow: storage at {percent}% of the quota",
        "storage.body": (
            "Stored files now use {used} GB of the {quota} GB quota ({percent}%). Archive past events "
            "(eventflow archive) or purge old versions (eventflow purge) before uploads are refused."
        ),
        "open": "Open the card",
        "someone": "Someone",
        "footer": "You get this e-mail because of your notification preferences in eventflow.",
    },
}


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


def say(language: Language, key: str, **values: object) -> str:
    return TEXTS[language][key].format(**values)


def long_date(day: dt.date, language: Language) -> str:
    month = MONTHS[language][day.month - 1]
    return f"{day.day} {month} {day.year}" if language is Language.FR else f"{month} {day.day}, {day.year}"


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


def compose(
    language: Language,
    subject: str,
    intro: str,
    link: str | None,
    sections: Sequence[Section] = (),
    quote_html: str | None = None,
) -> Mail:
    """A message as plain text and HTML: an intro, an optional quoted comment, sections, the card link, a footer."""
    footer = say(language, "footer")
    text = [intro]
    page = [f"<p>{html.escape(intro)}</p>"]
    if quote_html is not None:
        text.append(f"\n> {plain(quote_html)}")
        page.append(
            f'<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em">{quote_html}</blockquote>'
        )
    for section in sections:
        text.append(f"\n{section.title}")
        page.append(f"<h3>{html.escape(section.title)}</h3><ul>")
        for line, url in section.lines:
            text.append(f"- {line}" + (f"\n  {url}" if url else ""))
            shown = html.escape(line)
            page.append(f'<li><a href="{html.escape(url)}">{shown}</a></li>' if url else f"<li>{shown}</li>")
        page.append("</ul>")
    if link is not None:
        text.append(f"\n{say(language, 'open')}: {link}")
        page.append(f'<p><a href="{html.escape(link)}">{html.escape(say(language, "open"))}</a></p>')
    text.append(f"\n--\n{footer}")
    page.append(f'<p style="color:#777;font-size:small">{html.escape(footer)}</p>')
    body = "\n".join(page)
    return Mail(
        subject=subject,
        text="\n".join(text) + "\n",
        html=f'<!DOCTYPE html><html lang="{language.value}"><meta charset="utf-8"><body>{body}</body></html>',
    )
