"""Every upload to a slot is measured (Pillow, pypdfium2, PyAV) and checked against the slot's specs; the result stays
with the version, never blocks it, and an approval of a version that differs is noted in the activity."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from eventflow.bootstrap import Services
from eventflow.core.model import Deliverable, Event, Status, User
from eventflow.core.rules_specs import SpecCheck, SpecStatus, problem_text
from eventflow.core.services.events import SlotChange
from tests.support import samples

A4_PT, A3_PT = (595, 842), (842, 1191)


def named(services: Services, event: Event, name: str) -> Deliverable:
    return next(v.slot for v in services.events.card(event.id or 0).slots if v.slot.name == name)


def upload(services: Services, who: User, slot: Deliverable, filename: str, data: bytes) -> SpecCheck:
    services.assets.upload_version(who, slot.id or 0, filename, io.BytesIO(data), len(data))
    return shown_check(services, slot)


def shown_check(services: Services, slot: Deliverable) -> SpecCheck:
    """The check of the slot's latest version as the card shows it."""
    check = SpecCheck.from_stored(services.events.slot(slot.id or 0).versions[-1].spec_check)
    assert check is not None
    return check


def texts(check: SpecCheck) -> list[str]:
    return [problem_text(p, lambda s: s) for p in check.problems]


def test_a_wrong_size_led_video_is_stored_flagged_and_still_goes_to_review(
    services: Services, member: User, event: Event
) -> None:
    cube = named(services, event, "Cube LED")
    check = upload(services, member, cube, "cube.mp4", samples.mp4(width=192, height=108))
    assert check.status is SpecStatus.DIFFERS and texts(check) == ["192x108 instead of 1024x1024"]
    assert check.measured["width"] == 192 and check.measured["codec"] == "h264"
    assert services.events.slot(cube.id or 0).slot.status is Status.REVIEW


def test_a_pdf_is_measured_by_its_page_size_and_the_resolution_of_its_largest_picture(
    services: Services, member: User, event: Event
) -> None:
    poster = named(services, event, "Poster A3")
    check = upload(services, member, poster, "poster.pdf", samples.pdf_with_image(A4_PT, (595, 842)))
    assert texts(check) == ["A4 instead of A3", "51 dpi at A3 instead of 300"]  # 72 dpi on A4 is 51 on A3
    assert check.measured["paper"] == "A4" and check.measured["dpi"] == 72
    sharp = upload(services, member, poster, "poster-hd.pdf", samples.pdf_with_image(A3_PT, (3508, 4961)))
    assert sharp.status is SpecStatus.MATCH and sharp.measured["dpi"] == 300


def test_a_vector_pdf_of_the_right_size_matches(services: Services, member: User, event: Event) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(*A3_PT)
    out = io.BytesIO()
    doc.save(out)
    check = upload(services, member, named(services, event, "Poster A3"), "vector.pdf", out.getvalue())
    assert check.status is SpecStatus.MATCH and check.measured["dpi"] is None


def test_a_phone_video_held_upright_is_measured_upright_and_its_poster_stands(
    services: Services, member: User, event: Event
) -> None:
    story = services.events.add_slot(member, event.id or 0, "Story", "96x160 mp4")
    check = upload(services, member, story, "IMG_0042.mp4", samples.upright_phone_mp4(width=160, height=96))
    assert check.status is SpecStatus.MATCH and (check.measured["width"], check.measured["height"]) == (96, 160)
    version = services.events.slot(story.id or 0).versions[-1]
    _, preview = services.assets.preview(version.id or 0)
    with preview, Image.open(preview) as poster:
        assert poster.height > poster.width
        red, blue = poster.convert("RGB").getpixel((2, poster.height // 2)), poster.getpixel((poster.width - 3, 2))
    assert red[0] > 200 > red[2] and blue[2] > 200 > blue[0]  # the top of the frame turned to the left


def test_a_photo_on_a_pdf_slot_is_kept_and_says_what_it_is(services: Services, member: User, event: Event) -> None:
    check = upload(services, member, named(services, event, "Poster A3"), "IMG_2041.HEIC", samples.heic())
    assert texts(check) == ["HEIC instead of PDF"] and check.measured == {
        "kind": "image", "format": "heic", "width": 640, "height": 480
    }  # fmt: skip


def test_changed_specs_check_the_versions_again(services: Services, admin: User, member: User, event: Event) -> None:
    cube = named(services, event, "Cube LED")
    upload(services, member, cube, "cube.mp4", samples.mp4(width=192, height=108))
    services.events.update_slot(admin, cube.id or 0, SlotChange(specs="192x108 mp4"))
    assert shown_check(services, cube).status is SpecStatus.MATCH


def test_moodboard_photos_are_not_checked(services: Services, member: User, event: Event) -> None:
    photo = services.assets.upload_photo(member, event.id or 0, "deco", "bar.jpg", io.BytesIO(samples.photo_jpeg()))
    assert photo.spec_check is None


@pytest.mark.parametrize(("specs", "noted"), [("1024x1024 mp4", {"spec_check": "differs"}), ("192x108 mp4", {})])
def test_approving_a_version_that_differs_is_noted_in_the_activity(
    services: Services, admin: User, member: User, event: Event, specs: str, noted: dict[str, str]
) -> None:
    cube = named(services, event, "Cube LED")
    services.events.update_slot(admin, cube.id or 0, SlotChange(specs=specs))
    upload(services, member, cube, "cube.mp4", samples.mp4(width=192, height=108))
    services.events.update_slot(admin, cube.id or 0, SlotChange(status="approved"))
    approval = services.events.card(event.id or 0).activity[0]
    assert approval.action == "slot.updated" and approval.after == {
        "status": "approved",
        "approved_version": 1,
        **noted,
    }
