"""Review rules: the current version, where an anchor may point, who may approve, which remarks are about the version
waiting for a look."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eventflow.core import errors
from eventflow.core.model import Anchor, Asset, Comment, Deliverable, TeamSettings
from eventflow.core.rules_review import check_anchor, check_approver, current_version, remarks_on

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
MAX, LEA = 7, 8


def version(number: int, content_type: str = "application/pdf", **media: Any) -> Asset:
    return Asset(
        event_id=1, filename=f"v{number}", content_type=content_type, size=10, sha256="0" * 64, storage_key="k",
        uploaded_by=MAX, created_at=T0 + dt.timedelta(hours=number), deliverable_id=3, version=number,
        media_info=media, id=100 + number,
    )  # fmt: skip


SLOT = Deliverable(event_id=1, name="Poster", id=3)
PDF_V1 = version(1, pages=3)
VIDEO_V2 = version(2, "video/mp4", duration=12.5)
IMAGE_V3 = version(3, "image/png", width=800, height=600)
VERSIONS = [PDF_V1, VIDEO_V2, IMAGE_V3]


def test_the_current_version_is_the_chosen_one_else_the_latest() -> None:
    assert current_version(SLOT, VERSIONS) is IMAGE_V3
    slot = Deliverable(event_id=1, name="Poster", id=3, current_version=1)
    assert current_version(slot, VERSIONS) is PDF_V1
    gone = Deliverable(event_id=1, name="Poster", id=3, current_version=9)
    assert current_version(gone, VERSIONS) is IMAGE_V3
    assert current_version(SLOT, []) is None


@pytest.mark.parametrize(
    "anchor",
    [
        Anchor(1),
        Anchor(1, page=1),
        Anchor(1, page=3),
        Anchor(2, time=0),
        Anchor(2, time=12.5),
        Anchor(3, region=(0.25, 0.5, 0.5, 0.5)),
        Anchor(3, region=(1.0, 1.0, 0.0, 0.0)),  # a pin in the corner
        Anchor(1, region=(0.1, 0.1, 0.2, 0.2)),  # a box on a PDF's preview
    ],
)
def test_an_anchor_on_a_version_and_one_spot_it_has_is_accepted(anchor: Anchor) -> None:
    check_anchor(anchor, VERSIONS)


@pytest.mark.parametrize(
    ("anchor", "message"),
    [
        (Anchor(4), "this deliverable has no version 4"),
        (Anchor(1, page=4), "v1 has pages 1 to 3, not 4"),
        (Anchor(1, page=0), "v1 has pages 1 to 3, not 0"),
        (Anchor(3, page=1), "v3 (v3) has no pages"),
        (Anchor(2, time=12.6), "the time of v2 must be 0 to 12.5 s, not 12.6"),
        (Anchor(2, time=-1), "the time of v2 must be 0 to 12.5 s, not -1"),
        (Anchor(2, time=float("nan")), "the time of v2 must be 0 to 12.5 s, not nan"),
        (Anchor(1, time=1), "v1 (v1) is not a video: it has no time"),
        (Anchor(3, region=(0.5, 0.5, 0.6, 0.1)), "every number from 0 to 1, inside it"),
        (Anchor(3, region=(-0.1, 0.5, 0.1, 0.1)), "every number from 0 to 1, inside it"),
        (Anchor(3, region=(0.1, 0.5, 0.1, float("inf"))), "every number from 0 to 1, inside it"),
        (Anchor(1, page=1, region=(0.1, 0.1, 0.1, 0.1)), "one spot at most"),
        (Anchor(2, page=1, time=1), "one spot at most"),
    ],
)
def test_a_bad_anchor_is_refused_naming_the_anchor_and_why(anchor: Anchor, message: str) -> None:
    with pytest.raises(errors.InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")) as refused:
        check_anchor(anchor, VERSIONS)
    assert refused.value.field == "anchor"


def test_a_pdf_whose_pages_were_not_counted_takes_any_page_from_one() -> None:
    unknown = version(1)  # its preview failed: no page count
    check_anchor(Anchor(1, page=40), [unknown])
    with pytest.raises(errors.InvalidInput):
        check_anchor(Anchor(1, page=0), [unknown])


def test_with_a_second_pair_of_eyes_the_uploader_of_the_current_version_may_not_approve_it() -> None:
    strict, relaxed = TeamSettings(second_pair_of_eyes=True), TeamSettings()
    check_approver(relaxed, IMAGE_V3, MAX)
    check_approver(strict, IMAGE_V3, LEA)
    check_approver(strict, IMAGE_V3, None)  # the operator at the command line
    check_approver(strict, None, MAX)  # nothing uploaded: nothing to look at twice
    with pytest.raises(errors.Forbidden, match="you uploaded v3: the team requires a second pair of eyes"):
        check_approver(strict, IMAGE_V3, MAX)


def comment(minutes_after_v3: int, anchor: Anchor | None = None, **fields: Any) -> Comment:
    values: dict[str, Any] = {"deliverable_id": 3, **fields}
    at = IMAGE_V3.created_at + dt.timedelta(minutes=minutes_after_v3)
    return Comment(event_id=1, author_id=LEA, text="…", created_at=at, anchor=anchor, **values)


def test_the_remarks_on_the_current_version_are_anchored_to_it_or_written_since_it_arrived() -> None:
    comments = [
        comment(5, Anchor(3, region=(0.1, 0.1, 0, 0))),  # pinned on v3
        comment(6),  # about the slot, after v3 arrived
        comment(-30),  # about the slot, before v3: about an older version
        comment(7, Anchor(2, time=3)),  # about v2
        comment(8, Anchor(3), parent_id=1),  # a reply: part of its thread, not a new remark
        comment(9, Anchor(3), deleted_at=T0),
        comment(10, deliverable_id=4),  # another slot
        comment(11, deliverable_id=None),  # the event
    ]
    assert remarks_on(SLOT, IMAGE_V3, comments) == 2
    assert remarks_on(SLOT, None, comments) == 0
