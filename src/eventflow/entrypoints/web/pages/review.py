"""What the card's review parts show beyond the card itself: the number of each pin or box on its version, and how
many remarks each version has."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from attrs import frozen

from eventflow.core.model import Comment

#: (deliverable id, version number)
VersionKey = tuple[int | None, int]


@frozen
class CardReview:
    markers: dict[int, int]  # comment id -> its number among the pins and boxes of its version (from 1)
    remarks: Counter[VersionKey]  # comments about each version (not replies, not deleted)

    @classmethod
    def of(cls, comments: Iterable[Comment]) -> CardReview:
        markers: dict[int, int] = {}
        drawn: Counter[VersionKey] = Counter()
        remarks: Counter[VersionKey] = Counter()
        for c in comments:  # oldest first: the first pin of a version is 1
            if c.anchor is None or c.deleted_at is not None or c.id is None:
                continue
            key = (c.deliverable_id, c.anchor.version)
            if c.parent_id is None:
                remarks[key] += 1
            if c.anchor.region is not None:
                drawn[key] += 1
                markers[c.id] = drawn[key]
        return cls(markers, remarks)
