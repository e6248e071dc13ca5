"""Realistic French sample data for a newcomer's first minute (``eventflow demo``), written through the services.

Dates are relative to the services' clock, so the calendar always shows the current quarter with an event in
every health state: green (all approved), orange (work in progress), red (late at J-7), none (every slot disabled).

Behind them, a year of past nights gives the J-7 statistics and the risk forecast a history to learn from: each
deliverable started some days before its J-7, was sent, looked at (sometimes sent back) and approved, a few nights
late. The services stamp every change with the present, so that year is written straight into the repositories
with its own dates, as the services would have recorded it then (``_add_history``).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from attrs import define, evolve, field, frozen

from eventflow.bootstrap import Services
from eventflow.core import errors, rules, rules_specs
from eventflow.core.clock import FixedClock
from eventflow.core.model import Activity, Asset, Deliverable, Event, Screen, Status
from eventflow.core.ports import MediaPreview, UnitOfWork
from eventflow.core.services.events import SlotChange
from eventflow.demo_files import Mockup, mockup

ADMIN_EMAIL = "camille.durand@bars.example"

CUBE = Screen("cube_led", "Cube LED", "1024x1024 mp4")
DOOR = Screen("door_led", "Door LED", "1920x320 mp4")
BARS = [
    ("Le Comptoir", "Lyon, Presqu'île", [CUBE, DOOR]),
    ("La Cale", "Bordeaux, Chartrons", [Screen("totem", "Totem entrée", "1080x1920 mp4"), DOOR]),
    ("Le Phare", "Nantes, Île de Nantes", [evolve(CUBE, specs="768x768 mp4")]),
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


def _barely_started(slots: Sequence[Deliverable]) -> list[tuple[Deliverable, SlotChange]]:
    """Likely to be late: one file waits for a look, nothing else is started."""
    return [(slots[0], SlotChange(status=Status.REVIEW))]


def _all_disabled(slots: Sequence[Deliverable]) -> list[tuple[Deliverable, SlotChange]]:
    return [(s, SlotChange(enabled=False)) for s in slots]


#: (days from today, name, bar indexes, plan, description)
EVENTS: list[tuple[int, str, list[int], Plan, str]] = [
    (-47, "Soirée Quiz Musical", [0, 1], _all_approved, "Blind test en équipes, lots offerts par la maison."),
    (-19, "Afterwork des Vendanges", [1], _all_approved, "Dégustation de vins du Bordelais."),
    (-5, "Karaoké Géant", [2], _flyer_missing, "Le flyer n'a jamais été validé : la soirée est passée en rouge."),
    (3, "Nuit Disco", [0, 2], _flyer_missing, "Boule à facettes XXL ; le flyer attend encore sa validation."),
    (9, "Concert Jazz Manouche", [1, 3], _all_approved, "Trio live, réservation conseillée."),
    (10, "Soirée Mousse", [1], _barely_started, "Presque rien n'est commencé à J-10 : la prévision la dit à risque."),
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
    with _no_mail(services, people):
        for offset, name, bars, plan, description in EVENTS:
            _add_event(services, offset, name, [bar_ids[i] for i in bars], plan, description, people)
        past = _add_history(services, bar_ids, people[0], people[1:])
    return DemoReport(len(BARS), len(TEMPLATES), themes, len(EVENTS) + past, len(PEOPLE), ADMIN_EMAIL, password)


def _add_people(services: Services, admin_password: str) -> list[int]:
    """The admin can log in; the members have no password until an admin sets one."""
    added = [
        services.users.add(None, email, name, role, admin_password if role == "admin" else None)
        for email, name, role in PEOPLE
    ]
    return [u.id or 0 for u in added]


@contextmanager
def _no_mail(services: Services, people: list[int]) -> Iterator[None]:
    """The demo's made-up past lands in everyone's notifications but queues no e-mail (dozens a person, to addresses
    that do not exist, at the first ``serve``); afterwards each person gets the usual e-mails again."""
    wanted = {}
    with services.uow() as uow:
        for user_id in people:
            user = uow.users.get_for_update(user_id)
            assert user is not None
            wanted[user_id], user.notifications = user.notifications, []
            uow.users.update(user)
        uow.commit()
    yield
    with services.uow() as uow:
        for user_id, notifications in wanted.items():
            user = uow.users.get_for_update(user_id)
            assert user is not None
            user.notifications = notifications
            uow.users.update(user)
        uow.commit()


def _add_bars(services: Services) -> list[int]:
    added = [services.bars.add(None, name, location, screens) for name, location, screens in BARS]
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
    """A night and its deliverables; a past night's work is done when it was due, twelve days before the night."""
    day = services.clock.today() + dt.timedelta(days=offset)
    with _back_then(services, min(services.clock.now(), services.clock.start_of(day) - WORKED_BEFORE)):
        _plan_night(services, day, name, bar_ids, plan, description, people)


#: When the work on a demo night was done, for a night already past.
WORKED_BEFORE = dt.timedelta(days=12) - dt.timedelta(hours=11)


@contextmanager
def _back_then(services: Services, instant: dt.datetime) -> Iterator[None]:
    """The services' clock says ``instant`` (the services stamp every change with the present)."""
    present = services.ctx.clock
    services.ctx.clock = FixedClock(services.settings.timezone, current=instant)
    try:
        yield
    finally:
        services.ctx.clock = present


def _plan_night(
    services: Services, day: dt.date, name: str, bar_ids: list[int], plan: Plan, description: str, people: list[int]
) -> None:
    """The event, its slots assigned to the designers, their files sent, and the admin's decisions on them."""
    reviewer, designers = services.users.get(people[0]), people[1:]
    card = services.events.create(None, name, day, bar_ids, description)
    slots = [view.slot for view in card.slots]
    changes = {s.id: c for s, c in plan(slots)}
    for i, slot in enumerate(slots):
        change = evolve(changes.get(slot.id, SlotChange()), assignee_id=designers[i % len(designers)])
        if change.status in WITH_A_FILE:  # sent by its designer, as they would have
            designer = services.users.get(designers[i % len(designers)])
            made = mockup(slot.specs, f"{name}\n{slot.name}", PALETTE[i % len(PALETTE)])
            filename = f"{slot.name} — {name}.{made.extension}"
            services.assets.upload_version(designer, slot.id or 0, filename, io.BytesIO(made.data))
        services.events.update_slot(reviewer, slot.id or 0, change)


#: Slots in these states were sent a file: the demo gives them a mock-up, as a designer would have.
WITH_A_FILE = {Status.REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED}
PALETTE = [(79, 70, 229), (219, 39, 119), (5, 150, 105), (217, 119, 6), (37, 99, 235), (124, 58, 237)]


# -- a year of history -------------------------------------------------------------------------------------------
#: The past nights: one every ``HISTORY_EVERY`` days, from a year ago to ``HISTORY_UNTIL`` days ago.
HISTORY_DAYS, HISTORY_EVERY, HISTORY_UNTIL = 364, 12, 55
HISTORY_NAMES = ("Soirée Salsa", "Nuit Électro", "Quiz Musical", "Karaoké", "Concert Rock", "Soirée Années 80",
                 "Open Mic", "Nuit Latino", "Blind Test", "Soirée Jeux", "DJ Set Vinyle", "Nuit Funk")  # fmt: skip
#: Usual days of work from starting a deliverable to sending its file, per type.
WORK_DAYS = {"Poster A3": 3.5, "Flyer": 2.5, "Story Instagram": 1.5, "Cube LED": 4.5, "Door LED": 3.5, "Totem": 4.0}
#: How a night goes: (share of nights, days of margin before J-7 at which work starts).
PACES = ((0.65, (2.0, 6.0)), (0.25, (0.0, 2.5)), (0.10, (-4.0, 0.5)))  # early, just in time, started late


@define
class _Night:
    """One past night being written: its deliverables' changes, stamped when they happened."""

    uow: UnitOfWork
    services: Services
    event: Event
    rng: random.Random
    previews: dict[Mockup, MediaPreview]
    entries: list[Activity] = field(factory=list)

    def step(self, slot: Deliverable, status: Status, at: dt.datetime, actor: int | None) -> None:
        before = slot.status
        slot.status, slot.status_since = status, at
        slot.approved_at = at if status is Status.APPROVED else None
        self.record("slot.updated", slot.id, at, actor, {"status": before.value}, {"status": status.value})

    def send(self, slot: Deliverable, at: dt.datetime, designer: int) -> None:
        version = 1 + sum(1 for a in self.entries if a.entity_id == slot.id and a.action == "asset.version_added")
        made = mockup(slot.specs, f"{slot.name}\nv{version}", PALETTE[version % len(PALETTE)])
        filename = f"{slot.name} — {self.event.name} v{version}.{made.extension}"
        hot = self.services.files.hot
        blob = hot.put(io.BytesIO(made.data))
        measured = self.measured(made)
        preview = hot.put(io.BytesIO(measured.image.data)) if measured.image else None
        self.uow.assets.add(
            Asset(self.event.id or 0, filename, made.content_type, blob.size, blob.sha256, blob.key, designer, at,
                  deliverable_id=slot.id, version=version, preview_key=preview.key if preview else None,
                  preview_size=preview.size if preview else 0,
                  media_info={**measured.facts, "preview": "ready" if preview else "unavailable"},
                  spec_check=rules_specs.check_file(slot.specs, made.content_type, measured.facts).stored())
        )  # fmt: skip
        before = slot.status
        slot.status, slot.status_since, slot.approved_at = Status.REVIEW, at, None
        after = {"version": version, "filename": filename, "status": Status.REVIEW.value}
        self.record("asset.version_added", slot.id, at, designer, {"status": before.value}, after)

    def measured(self, made: Mockup) -> MediaPreview:
        """The file's facts and preview, as the upload would have made them (once per distinct mock-up)."""
        if made not in self.previews:
            self.previews[made] = self.services.assets.probe.preview(io.BytesIO(made.data), made.content_type)
        return self.previews[made]

    def record(self, action: str, slot_id: int | None, at: dt.datetime, actor: int | None,
               before: dict[str, object], after: dict[str, object]) -> None:  # fmt: skip
        self.entries.append(Activity(action, "deliverable", slot_id, at, actor, self.event.id, before, after))

    def work(self, slot: Deliverable, start: dt.datetime, designer: int, reviewer: int) -> None:
        """Started (said so three times out of four), sent, looked at (sent back now and then), approved; now and
        then a deliverable is sent back and never done."""
        days = WORK_DAYS.get(slot.name, 3.0)
        if self.rng.random() < 0.75:
            self.step(slot, Status.IN_PROGRESS, start, designer)
        at = start + dt.timedelta(days=days * self.rng.uniform(0.6, 1.1))
        for round_ in range(3):
            self.send(slot, at, designer)
            at += dt.timedelta(days=self.rng.uniform(0.2, 1.8))
            if self.rng.random() < 0.02:  # sent back, and never sent again
                self.step(slot, Status.CHANGES_REQUESTED, at, reviewer)
                return
            if round_ < 2 and self.rng.random() < 0.3:
                self.step(slot, Status.CHANGES_REQUESTED, at, reviewer)
                at += dt.timedelta(days=days * self.rng.uniform(0.2, 0.5))
                continue
            self.step(slot, Status.APPROVED, at, reviewer)
            return


def _add_history(services: Services, bar_ids: list[int], admin: int, designers: list[int]) -> int:
    """The past year's nights with everything that happened to their deliverables; how many nights."""
    rng = random.Random(14)
    nights = history_nights(services.clock.today())
    _add_past_themes(services, nights)
    previews: dict[Mockup, MediaPreview] = {}
    with services.uow() as uow:
        templates = uow.templates.list()
        for i, day in enumerate(nights):
            bars = [b for b in (uow.bars.get(x) for x in rng.sample(bar_ids, rng.choice((1, 1, 2)))) if b]
            created = services.clock.start_of(day - dt.timedelta(days=rng.randint(25, 45))) + dt.timedelta(hours=10)
            event = uow.events.add(Event(HISTORY_NAMES[i % len(HISTORY_NAMES)], day, [b.id or 0 for b in bars],
                                         created_by=admin, created_at=created))  # fmt: skip
            night = _Night(uow, services, event, rng, previews)
            night.entries.append(Activity("event.created", "event", event.id, created, admin, event.id,
                                          after={"name": event.name, "date": day.isoformat()}))  # fmt: skip
            margin = _pace(rng)
            due = services.clock.start_of(rules.due_date(day)) + dt.timedelta(hours=18)
            for j, slot in enumerate(rules.generate_slots(event.id or 0, bars, templates)):
                slot.assignee_id = designers[(i + j) % len(designers)]
                uow.deliverables.add(slot)
                lead = WORK_DAYS.get(slot.name, 3.0) + margin + rng.uniform(-0.5, 0.5)
                start = max(created, due - dt.timedelta(days=lead + 1.5))
                night.work(slot, start, slot.assignee_id, admin)
                uow.deliverables.update(slot)
            for entry in sorted(night.entries, key=lambda a: a.at):
                uow.activity.add(entry)
        uow.commit()
    return len(nights)


def history_nights(today: dt.date) -> list[dt.date]:
    """The days of the past nights of the demo's history."""
    return [today - dt.timedelta(days=d) for d in range(HISTORY_DAYS, HISTORY_UNTIL - 1, -HISTORY_EVERY)]


def _pace(rng: random.Random) -> float:
    draw = rng.random()
    for share, (low, high) in PACES:
        if draw < share:
            return rng.uniform(low, high)
        draw -= share
    return 0.0


def _add_past_themes(services: Services, nights: Sequence[dt.date]) -> None:
    for year, month in sorted({(d.year, d.month) for d in nights}):
        if services.themes.for_month(year, month) is None:
            name, description = THEMES[month]
            services.themes.set(None, f"{year:04d}-{month:02d}", name, description)
