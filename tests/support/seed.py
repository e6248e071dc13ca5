"""A realistic team for the browser journeys, seeded through the services relative to the real "today"."""

from __future__ import annotations

import datetime as dt
import io

from attrs import frozen
from PIL import Image, ImageDraw

from eventflow.bootstrap import Services
from eventflow.core.model import Screen
from eventflow.core.services.events import SlotChange

PASSWORD = "correct horse battery"
ADMIN = "ada@bars.fr"
MEMBER = "max@bars.fr"


def poster_pdf(title: str, hue: int = 0) -> bytes:
    """A one-page A-format poster (a coloured gradient and a title) as a PDF, so previews show something."""
    width, height = 420, 595
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y * 255 // height
        draw.line([(0, y), (width, y)], fill=((90 + hue + shade // 3) % 256, 40, 160 + shade // 4))
    draw.rectangle([30, 380, width - 30, 470], fill=(255, 255, 255))
    draw.text((50, 410), title, fill=(20, 20, 40))
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72)
    return out.getvalue()


@frozen
class Seeded:
    red_event_id: int  # J-6, flyer not approved
    soon_event_id: int  # J-9: the J-7 deadline is in two days
    review_slot_id: int  # a poster waiting in "À valider"
    review_event_id: int


def seed(services: Services) -> Seeded:
    today = services.clock.today()
    ada = services.users.add(None, ADMIN, "Ada Lovelace", role="admin", password=PASSWORD)
    max_ = services.users.add(None, MEMBER, "Max Designer", password=PASSWORD)
    services.users.add(None, "chloe@bars.fr", "Chloé Manager", password=PASSWORD)
    cube = Screen("cube_led", "Cube LED", "1024x1024 mp4")
    door = Screen("door_led", "Door LED", "1920x320 mp4")
    perchoir = services.bars.add(None, "Le Perchoir", "Paris 11", [cube])
    syndicat = services.bars.add(None, "Le Syndicat", "Paris 10", [door])
    services.bars.add(None, "La Commune", "Paris 3")
    services.templates.add(None, "Poster A3", "A3 PDF 300 dpi", is_default=True)
    services.templates.add(None, "Flyer", "A6 PDF recto-verso", is_default=True)
    services.templates.add(None, "Cube LED", "1024x1024 mp4", is_default=True, hardware_kind="cube_led")
    services.templates.add(None, "Door LED", "1920x320 mp4", is_default=True, hardware_kind="door_led")
    for offset, theme in ((1, "Eden Reborn"), (2, "Neon Jungle")):
        month = (today.replace(day=1) + dt.timedelta(days=32 * offset)).replace(day=1)
        services.themes.set(None, month.strftime("%Y-%m"), theme, "Végétal, néons et lumière chaude")

    def event(name: str, days: int, bars: list[int]) -> int:
        card = services.events.create(ada, name, today + dt.timedelta(days=days), bars)
        return card.summary.event.id or 0

    red = event("Soirée Disco", 6, [perchoir.id or 0])
    soon = event("Nuit Tropicale", 9, [perchoir.id or 0, syndicat.id or 0])
    green = event("Jazz Brunch", 15, [syndicat.id or 0])
    for view in services.events.card(green).slots:
        services.events.update_slot(ada, view.slot.id or 0, SlotChange(status="approved"))
    review_event = event("Techno Bunker", 24, [perchoir.id or 0])
    poster = next(v.slot for v in services.events.card(review_event).slots if v.slot.name == "Poster A3")
    data = poster_pdf("TECHNO BUNKER - 19.12")
    services.assets.upload_version(max_, poster.id or 0, "poster-bunker.pdf", io.BytesIO(data), len(data))
    services.comments.add(max_, review_event, "Première version du poster, dites-moi !")
    event("Karaoké Night", -12, [syndicat.id or 0])
    return Seeded(red_event_id=red, soon_event_id=soon, review_slot_id=poster.id or 0, review_event_id=review_event)
