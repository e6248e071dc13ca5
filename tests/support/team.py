"""A small team and one event, the cast of the notification tests.

- Camille: admin, French, the validator: the default preferences plus every deliverable sent to review;
- Alex Martin: member, English, the designer who took the poster slot (he added it, assigned to himself);
- Léa: member, French, opted in to review requests only;
- Sam: member, French, opted out of everything;
- Zoé: admin, deactivated.
"""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from eventflow.bootstrap import Services
from eventflow.core.commands import UserChanges
from eventflow.core.model import DEFAULT_NOTIFICATIONS, User

EVENT_DAY = dt.date(2026, 12, 5)


@frozen
class Team:
    camille: User
    alex: User
    lea: User
    sam: User
    zoe: User
    event_id: int
    slot_id: int

    @classmethod
    def make(cls, services: Services) -> Team:
        users = services.users
        camille = users.add(None, "camille@bars.fr", "Camille", role="admin")
        alex = users.add(None, "alex.martin@bars.fr", "Alex Martin", language="en")
        lea = users.add(None, "lea@bars.fr", "Léa", language="fr")
        sam = users.add(None, "sam@bars.fr", "Sam")
        zoe = users.add(None, "zoe@bars.fr", "Zoé", role="admin")
        camille = users.update(
            None, camille.id or 0, UserChanges(notifications=[*DEFAULT_NOTIFICATIONS, "review_requested"])
        )
        lea = users.update(None, lea.id or 0, UserChanges(notifications=["review_requested"]))
        sam = users.update(None, sam.id or 0, UserChanges(notifications=[]))
        zoe = users.update(None, zoe.id or 0, UserChanges(active=False))
        bar = services.bars.add(None, "Le Comptoir")
        card = services.events.create(None, "Soirée Disco", EVENT_DAY, [bar.id or 0])
        event_id = card.summary.event.id or 0
        slot = services.events.add_slot(alex, event_id, "Affiche été", "A3", assignee_id=alex.id)
        services.outbox.send_due()  # nothing queued so far; keeps the mailbox empty for the test
        return cls(camille, alex, lea, sam, zoe, event_id, slot.id or 0)
