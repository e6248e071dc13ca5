"""Realistic French sample data for a newcomer's first minute (``eventflow demo``), written through the services.

Dates are relative to the services' clock, so the calendar always shows the current quarter with an event in
every health state: green (all approved), orange (work in progress), red (late at J-7), none (every slot disabled).
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable, Sequence

from attrs import evolve, frozen
from PIL import Image, ImageDraw, ImageFont

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import Deliverable, Status
from eventflow.core.services.events import SlotChange

ADMIN_EMAIL = "camille.durand@bars.example"

CUBE = {"kind": "cube_led", "label": "Cube LED", "specs": "1024x1024 mp4"}
DOOR = {"kind": "door_led", "label": "Door LED", "specs": "1920x320 mp4"}
BARS = [
    ("Le Comptoir", "Lyon, Presqu'île", [CUBE, DOOR]),
    ("La Cale", "Bordeaux, Chartrons", [{"kind": "totem", "label": "Totem entrée", "specs": "1080x1920 mp4"}, DOOR]),
    ("Le Phare", "Nantes, Île de Nantes", [{**CUBE, "specs": "768x768 mp4"}]),
    ("L'Entrepôt", "Lille, Vieux-Lille", []),
]

TEMPLATES = [
    ("Poster A3", "A3 PDF 300 dpi", True, None),
    ("Flyer", "A5 recto-verso PDF 300 dpi", True, None),
    ("Story Instagram", "1080x1920 mp4, 15 s", True, None),
    ("Cube LED", "1024x1024 mp4", True, "cube_led"),
    ("Door LED", "1920x320 mp4", True, "door_led"),
    ("Totem", "1080x1920 mp4", True, "totem"),
    ("Carte cocktails", "A4 PDF 300 dpi", False, None),
]

THEMES = {
    1: ("Nuit Polaire", "Blanc, argent et cocktails chauds."),
    2: ("Saint-Valentin Néon", "Rose néon et karaoké en duo."),
    3: ("Printemps Électro", "DJ sets et fleurs fluo."),
    4: ("Poisson d'Avril", "Faux menus, vrais fous rires."),
    5: ("Fiesta Latina", "Salsa, mezcal et papel picado."),
    6: ("Fête de la Musique", "Scènes ouvertes dans chaque bar."),
    7: ("Tropical Summer", "Tiki, ananas et chemises à fleurs."),
    8: ("Beach Party", "Sable, transats et spritz."),
    9: ("Rentrée Rock", "Guitares, cuir et bière pression."),
    10: ("Oktoberfest", "Bretzels, chopes et dirndl."),
    11: ("Disco Fever", "Boules à facettes et paillettes."),
    12: ("Noël Pailleté", "Or, rouge et vin chaud."),
}

PEOPLE = [
    (ADMIN_EMAIL, "Camille Durand", "admin"),
    ("lea.bernard@bars.example", "Léa Bernard", "member"),
    ("hugo.petit@bars.example", "Hugo Petit", "member"),
    ("ines.moreau@bars.example", "Inès Moreau", "member"),
    ("julien.roux@bars.example", "Julien Roux", "member"),
]

#: What happens to an event's slots, by the health it should show.
Plan = Callable[[Sequence[Deliverable]], list[tuple[Deliverable, SlotChange]]]


def _all_approved(slots: Sequence[Deliverable]) -> list[tuple[Deliverable, SlotChange]]:
    return [(s, SlotChange(status=Status.APPROVED)) for s in slots]


def _flyer_missing(slots: Sequence[Deliverable]) -> list[tuple[Deliverable, SlotChange]]:
    """Red once inside J-7: everything approved but the flyer, still in review."""
    return [(s, SlotChange(status=Status.REVIEW if s.name == "Flyer" else Status.APPROVED)) for s in slots]


def _in_progress(slots: Sequence[Deliverable]) -> list[tuple[Deliverable, SlotChange]]:
    cycle = [Status.APPROVED, Status.REVIEW, Status.IN_PROGRESS, Status.CHANGES_REQUESTED, Status.TODO]
    return [(s, _decision(cycle[i % len(cycle)])) for i, s in enumerate(slots)]


def _decision(status: Status) -> SlotChange:
    """A status change, with the reason a request for changes needs."""
    if status is Status.CHANGES_REQUESTED:
        return SlotChange(status=status, reason="Le logo est trop petit et le fond trop sombre : on retente ?")
    return SlotChange(status=status)


def _untouched(slots: Sequence[Deliverable]) -> list[tuple[Deliverable, SlotChange]]:
    return []


def _all_disabled(slots: Sequence[Deliverable]) -> list[tuple[Deliverable, SlotChange]]:
    return [(s, SlotChange(enabled=False)) for s in slots]


#: (days from today, name, bar indexes, plan, description)
EVENTS: list[tuple[int, str, list[int], Plan, str]] = [
    (-47, "Soirée Quiz Musical", [0, 1], _all_approved, "Blind test en équipes, lots offerts par la maison."),
    (-19, "Afterwork des Vendanges", [1], _all_approved, "Dégustation de vins du Bordelais."),
    (-5, "Karaoké Géant", [2], _flyer_missing, "Le flyer n'a jamais été validé : la soirée est passée en rouge."),
    (3, "Nuit Disco", [0, 2], _flyer_missing, "Boule à facettes XXL ; le flyer attend encore sa validation."),
    (9, "Concert Jazz Manouche", [1, 3], _all_approved, "Trio live, réservation conseillée."),
    (13, "Silent Party", [0], _in_progress, "Trois canaux de casques, trois DJ."),
    (17, "Apéro Privatisé", [3], _all_disabled, "Soirée privée : aucun support de communication."),
    (26, "Réveillon Pailleté", [0, 1, 2, 3], _in_progress, "Le grand soir de l'année dans les quatre bars."),
    (40, "Brunch Gueule de Bois", [2, 3], _untouched, "Brunch musical du premier dimanche."),
]


@frozen
class DemoReport:
    bars: int
    templates: int
    themes: int
    events: int
    users: int
    admin_email: str
    admin_password: str


def is_empty(services: Services) -> bool:
    with services.uow() as uow:
        return not uow.has_data()


def seed(services: Services) -> DemoReport:
    """Fill an empty database in one transaction; refuses one that already has users, bars or events.

    A failure halfway leaves the database as it was, and the files stored until then are deleted (after a crash the
    database is still empty; ``eventflow storage check`` reports the files left behind)."""
    stored_before = set(services.files.hot.list_keys())
    try:
        with services.reads.one_transaction():
            return _seed(services)
    except BaseException:
        for key in set(services.files.hot.list_keys()) - stored_before:
            services.files.hot.delete(key)
        raise


def _seed(services: Services) -> DemoReport:
    if not is_empty(services):
        raise errors.Conflict("the database already has data; `eventflow demo` only fills an empty one")
    password = secrets.token_urlsafe(12)
    people = _add_people(services, password)
    bar_ids = _add_bars(services)
    _add_templates(services)
    themes = _add_themes(services, services.clock.today())
    for offset, name, bars, plan, description in EVENTS:
        _add_event(services, offset, name, [bar_ids[i] for i in bars], plan, description, people)
    return DemoReport(len(BARS), len(TEMPLATES), themes, len(EVENTS), len(PEOPLE), ADMIN_EMAIL, password)


def _add_people(services: Services, admin_password: str) -> list[int]:
    """The admin can log in; the members have no password until an admin sets one."""
    added = [
        services.users.add(None, email, name, role, admin_password if role == "admin" else None)
        for email, name, role in PEOPLE
    ]
    return [u.id or 0 for u in added]


def _add_bars(services: Services) -> list[int]:
    added = [services.bars.add(None, name, location, {"screens": screens}) for name, location, screens in BARS]
    return [b.id or 0 for b in added]


def _add_templates(services: Services) -> None:
    for name, specs, is_default, kind in TEMPLATES:
        services.templates.add(None, name, specs, is_default, kind)


def _add_themes(services: Services, today: dt.date) -> int:
    """The current quarter's months and the three after it."""
    first_month = (today.month - 1) // 3 * 3 + 1
    months = [(today.year + (first_month - 1 + i) // 12, (first_month - 1 + i) % 12 + 1) for i in range(6)]
    for year, month in months:
        name, description = THEMES[month]
        services.themes.set(None, f"{year:04d}-{month:02d}", name, description)
    return len(months)


def _add_event(
    services: Services, offset: int, name: str, bar_ids: list[int], plan: Plan, description: str, people: list[int]
) -> None:
    """The event, its slots assigned to the designers, their files sent, and the admin's decisions on them."""
    reviewer, designers = services.users.get(people[0]), people[1:]
    day = services.clock.today() + dt.timedelta(days=offset)
    card = services.events.create(None, name, day, bar_ids, description)
    slots = [view.slot for view in card.slots]
    changes = {s.id: c for s, c in plan(slots)}
    for i, slot in enumerate(slots):
        change = evolve(changes.get(slot.id, SlotChange()), assignee_id=designers[i % len(designers)])
        if change.status in WITH_A_FILE:  # sent by its designer, as they would have
            designer = services.users.get(designers[i % len(designers)])
            mockup = io.BytesIO(_mockup(name, slot.name, i))
            services.assets.upload_version(designer, slot.id or 0, f"{slot.name} — {name}.png", mockup)
        services.events.update_slot(reviewer, slot.id or 0, change)


#: Slots in these states were sent a file: the demo gives them a mock-up, as a designer would have.
WITH_A_FILE = {Status.REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED}
PALETTE = [(79, 70, 229), (219, 39, 119), (5, 150, 105), (217, 119, 6), (37, 99, 235), (124, 58, 237)]


def _mockup(event_name: str, slot_name: str, index: int) -> bytes:
    """A small poster-like PNG: the night's name on a coloured background."""
    image = Image.new("RGB", (600, 800), PALETTE[index % len(PALETTE)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 760), outline=(255, 255, 255), width=6)
    font = ImageFont.load_default(size=44)
    draw.multiline_text((300, 360), f"{event_name}\n{slot_name}", fill=(255, 255, 255), font=font, anchor="mm",
                        align="center")  # fmt: skip
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
