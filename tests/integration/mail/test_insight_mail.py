"""The forecasts in the e-mails, read back from the real SMTP server: nights at risk in the daily digest, when the
quota will be full and what archiving would free in the 80 % alert."""

from __future__ import annotations

import datetime as dt
import html
import io

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.services import record
from eventflow.core.services.events import SlotChange
from tests.support import samples
from tests.support.mail import BASE_URL, Mailbox
from tests.support.team import Team


def past_posters(services: Services, clock: FixedClock, team: Team, count: int = 6, days: int = 5) -> None:
    """``count`` past nights whose "Affiche été" took ``days`` days from the start of work to approval."""
    today = clock.current
    bar = services.bars.list()[0]
    for i in range(count):
        night = dt.date(2026, 10, 1) - dt.timedelta(days=7 * i)
        clock.current = clock.start_of(night - dt.timedelta(days=15)) + dt.timedelta(hours=9)
        event_id = services.events.create(None, f"Soirée {i}", night, [bar.id or 0]).summary.event.id or 0
        slot = services.events.add_slot(None, event_id, "Affiche été", "A3", assignee_id=team.alex.id)
        services.events.update_slot(None, slot.id or 0, SlotChange(status="in_progress"))
        clock.advance(days=days)
        services.events.update_slot(None, slot.id or 0, SlotChange(status="approved"))
    clock.current = today
    services.outbox.send_due()


def test_the_digest_flags_a_night_likely_to_be_late_with_its_reasons(
    services: Services, team: Team, mailbox: Mailbox, clock: FixedClock
) -> None:
    past_posters(services, clock, team)  # Soirée Disco's poster is due on 28 November, in three days, not started
    mailbox.received.clear()

    services.digest.run()
    services.outbox.send_due()

    alex = " ".join(mailbox.to("alex.martin@bars.fr")[0].part("plain").split())
    assert "At risk (100%) — Soirée Disco (December 5, 2026)" in alex
    assert "- Affiche été: usually 5 days from start to approval, 3 days left before J-7" in alex
    assert f"{BASE_URL}/events/{team.event_id}" in alex
    camille = mailbox.to("camille@bars.fr")[0]
    assert "À risque (100 %) — Soirée Disco (5 décembre 2026)" in camille.part("plain").replace("\u202f", " ")
    assert "Affiche été : d'habitude 5 jours du début à la validation" in html.unescape(camille.part("html"))


def test_the_digest_says_nothing_of_risk_when_the_work_is_on_track(
    services: Services, team: Team, mailbox: Mailbox, clock: FixedClock
) -> None:
    past_posters(services, clock, team, days=2)
    mailbox.received.clear()

    services.digest.run()
    services.outbox.send_due()

    assert "At risk" not in mailbox.to("alex.martin@bars.fr")[0].part("plain")


def test_the_storage_alert_says_when_the_quota_will_be_full_and_what_archiving_would_free(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    asset = services.assets.upload_version(team.alex, team.slot_id, "affiche.png", io.BytesIO(samples.png()))
    services.outbox.send_due()
    mailbox.received.clear()
    used = asset.size + asset.preview_size  # all uploaded today: the pace is that many bytes a day
    with services.uow() as uow:
        after = {"percent": 25, "used_bytes": used, "quota_bytes": 4 * used}  # three days of that pace left
        record(services.ctx, uow, None, "storage.alert", "storage", None, after=after)
        uow.commit()
    services.outbox.send_due()

    body = " ".join(mailbox.to("camille@bars.fr")[0].part("plain").split())
    assert "Prévision" in body
    assert "Au rythme des envois des 90 derniers jours, le quota sera plein le 28 novembre 2026." in body
    assert "Archiver les events de plus de 30 jours libérerait 0 octet." in body
