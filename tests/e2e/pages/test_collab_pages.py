"""The card's conversation and activity, the audit-log page, the outbox box, notification preferences, headers."""

from __future__ import annotations

import io
import re

from eventflow.bootstrap import Services
from eventflow.core.model import Event, OutboxMessage, OutboxStatus, User
from eventflow.core.services.events import SlotChange
from tests.support.samples import photo_jpeg
from tests.support.seed import poster_pdf
from tests.support.web import Browser


def comment_items(html: str) -> list[tuple[str, str]]:
    """(comment id, depth) of every comment shown, in page order."""
    return re.findall(r'class="comment depth-(\d)[^"]*" data-comment-id="(\d+)"', html)


def slot_ids(services: Services, event: Event) -> list[int]:
    return [v.slot.id or 0 for v in services.events.card(event.id or 0).slots]


def test_replies_are_shown_under_their_parent_indented(
    services: Services, as_admin_browser: Browser, admin: User, member: User, event: Event
) -> None:
    first = services.comments.add(admin, event.id or 0, "Qui fait le flyer ?")
    second = services.comments.add(member, event.id or 0, "Le néon arrive lundi")
    reply = services.comments.add(member, event.id or 0, "Moi !", parent_id=first.id)
    deeper = services.comments.add(admin, event.id or 0, "Merci", parent_id=reply.id)
    html = as_admin_browser.get(f"/events/{event.id}").text
    expected = [("0", first.id), ("1", reply.id), ("2", deeper.id), ("0", second.id)]
    assert comment_items(html) == [(depth, str(comment_id)) for depth, comment_id in expected]
    assert html.count('data-action="reply-comment"') == 4


def test_comments_about_a_slot_are_tagged_and_counted_on_its_row(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    poster, cube = slot_ids(services, event)
    services.comments.add(admin, event.id or 0, "Le logo est trop petit", deliverable_id=poster)
    services.comments.add(admin, event.id or 0, "Et la date ?", deliverable_id=poster)
    html = as_admin_browser.get(f"/events/{event.id}").text
    assert f'data-slot="{poster}"' in html and f'data-slot="{cube}"' not in html
    row = html[html.index(f'data-slot-id="{poster}"') :]
    assert re.search(r'data-action="slot-comments".*?</span> 2</button>', row, re.S)
    assert f'<option value="{poster}">Poster A3 (2)</option>' in html


def test_own_comments_can_be_edited_and_deleted_and_leave_a_trace(
    services: Services, as_member_browser: Browser, admin: User, member: User, event: Event
) -> None:
    mine = services.comments.add(member, event.id or 0, "Brouillon")
    theirs = services.comments.add(admin, event.id or 0, "Pas à toi")
    edited = as_member_browser.send("PATCH", f"/api/comments/{mine.id}", json={"text": "Version finale"})
    assert edited.status_code == 200
    gone = services.comments.add(member, event.id or 0, "Oups")
    assert as_member_browser.send("DELETE", f"/api/comments/{gone.id}").status_code == 200
    html = as_member_browser.get(f"/events/{event.id}").text

    def item(comment_id: int | None) -> str:
        start = html.index(f'data-comment-id="{comment_id}"')
        return html[start : html.index("</li>", start)]

    assert "Version finale" in item(mine.id) and "(modifié)" in item(mine.id)
    assert 'data-action="edit-comment"' in item(mine.id) and 'data-action="delete-comment"' in item(mine.id)
    assert 'data-action="edit-comment"' not in item(theirs.id) and 'data-action="delete-comment"' not in item(theirs.id)
    assert "message supprimé" in item(gone.id) and "Oups" not in html
    assert 'data-action="reply-comment"' not in item(gone.id)


def test_an_admin_may_delete_any_comment_but_edit_only_their_own(
    services: Services, as_admin_browser: Browser, member: User, event: Event
) -> None:
    theirs = services.comments.add(member, event.id or 0, "Salut")
    html = as_admin_browser.get(f"/events/{event.id}").text
    start = html.index(f'data-comment-id="{theirs.id}"')
    item = html[start : html.index("</li>", start)]
    assert 'data-action="delete-comment"' in item and 'data-action="edit-comment"' not in item


def test_mentions_of_real_people_are_highlighted_and_rich_text_stays_sanitised(
    services: Services, as_admin_browser: Browser, admin: User, member: User, event: Event
) -> None:
    text = '@max regarde <a href="mailto:x@max.fr">ici</a> @nobody <script>alert(1)</script><b>ok</b>'
    services.comments.add(admin, event.id or 0, text)
    html = as_admin_browser.get(f"/events/{event.id}").text
    assert '<span class="mention">@max</span>' in html
    assert 'href="mailto:x@max.fr"' in html  # an address inside a tag is left alone
    assert "@nobody" in html and '<span class="mention">@nobody' not in html
    assert "<b>ok</b>" in html and "alert(1)" not in html


def test_the_activity_stream_can_be_filtered_and_names_comment_edits_and_deletions(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    note = services.comments.add(admin, event.id or 0, "Un")
    services.comments.edit(admin, note.id or 0, "Deux")
    services.comments.delete(admin, note.id or 0)
    html = as_admin_browser.get(f"/events/{event.id}").text
    for kind in ("files", "statuses", "comments"):
        assert f'data-action="activity-filter" data-kind="{kind}"' in html
    assert re.search(r'<li data-kind="comments">.*?a modifié un commentaire', html, re.S)
    assert re.search(r'<li data-kind="comments">.*?a supprimé un commentaire', html, re.S)
    assert '<li data-kind="other">' in html  # the event's creation


def upload_poster(services: Services, user: User, event: Event) -> int:
    data = poster_pdf("NUIT DISCO")
    slot = slot_ids(services, event)[0]
    asset = services.assets.upload_version(user, slot, "poster.pdf", io.BytesIO(data), len(data))
    return asset.id or 0


def test_a_pdf_shown_inline_may_be_framed_by_the_app_only(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    asset_id = upload_poster(services, admin, event)
    inline = as_admin_browser.get(f"/api/assets/{asset_id}/content")
    assert inline.status_code == 200 and inline.headers["Content-Disposition"].startswith("inline")
    assert inline.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in inline.headers["Content-Security-Policy"]
    assert inline.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")  # still no script
    download = as_admin_browser.get(f"/api/assets/{asset_id}/content", params={"download": "1"})
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Frame-Options"] == "DENY"
    assert download.headers["Content-Security-Policy"].startswith("sandbox")
    page = as_admin_browser.get(f"/events/{event.id}")
    assert "frame-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert 'data-kind="pdf"' in page.text


def test_a_file_size_is_shown_in_the_reader_units(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    asset = services.assets.upload_version(admin, slot_ids(services, event)[0], "photo.jpg", io.BytesIO(photo_jpeg()))
    kilobytes = round(asset.size / 1024)
    assert 1 <= kilobytes < 1000
    assert re.search(rf"v1 · {kilobytes}\s?ko<", as_admin_browser.get(f"/events/{event.id}").text)  # French default
    assert as_admin_browser.send("PATCH", "/api/me", json={"language": "en"}).status_code == 200
    assert f"v1 · {kilobytes} kB<" in as_admin_browser.get(f"/events/{event.id}").text


def test_script_like_files_stay_sandboxed_attachments(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    slot = slot_ids(services, event)[0]
    asset = services.assets.upload_version(admin, slot, "logo.svg", io.BytesIO(svg), len(svg))
    result = as_admin_browser.get(f"/api/assets/{asset.id}/content")
    assert result.headers["Content-Disposition"].startswith("attachment")
    assert result.headers["Content-Security-Policy"].startswith("sandbox")
    assert result.headers["X-Frame-Options"] == "DENY"


def test_the_audit_log_page_answers_who_deleted_what_with_the_same_filters_in_its_csv_link(
    services: Services, as_admin_browser: Browser, admin: User, member: User, event: Event
) -> None:
    note = services.comments.add(member, event.id or 0, "<b>Le DJ annule</b>")
    services.comments.delete(admin, note.id or 0)
    html = as_admin_browser.get("/admin/audit", params={"person": admin.email, "entity_type": "comment", "to": ""}).text
    rows = re.findall(r'<tr data-action-name="([\w.]+)">', html)
    assert rows == ["comment.deleted"]
    assert "Ada Admin" in html and "a supprimé un commentaire" in html
    assert "Le DJ annule" in html and "<b>Le DJ annule</b>" not in html  # the text that was removed, as plain words
    assert f'href="/admin/audit.csv?person={admin.email.replace("@", "%40")}&amp;entity_type=comment"' in html
    assert 'href="/admin/audit" aria-current="page"' in html


def test_the_audit_log_page_labels_approvals_and_refuses_a_bad_date(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    services.events.update_slot(admin, slot_ids(services, event)[0], SlotChange(status="approved"))
    html = as_admin_browser.get("/admin/audit", params={"action": "slot.updated"}).text
    assert re.search(r"a approuvé\s*<span", html) and "Approuvé — Prêt pour l'écran" not in html.split("<tbody>")[0]
    bad = as_admin_browser.get("/admin/audit", params={"from": "2026-13-01"})
    assert bad.status_code == 422 and "2026-13-01" in bad.text


def test_the_audit_log_page_is_for_admins(as_member_browser: Browser) -> None:
    assert as_member_browser.get("/admin/audit").status_code == 403


def test_admins_see_e_mails_that_failed_with_a_retry_button(
    services: Services, as_admin_browser: Browser, clock: object
) -> None:
    now = services.clock.now()
    with services.ctx.uow() as uow:
        failed = OutboxMessage("mention", "max@bars.fr", "Ada vous a mentionné", "…", now, now)
        failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, 6, "550 mailbox unavailable"
        uow.outbox.add(failed)
        uow.commit()
    html = as_admin_browser.get("/admin/audit").text
    assert "Ada vous a mentionné" in html and "550 mailbox unavailable" in html and "6 tentatives" in html
    assert 'data-action="retry-mail"' in html


def test_my_notifications_are_saved_from_the_profile_page(as_member_browser: Browser, member: User) -> None:
    html = as_member_browser.get("/profile").text
    for kind in ("assigned", "review_outcome", "mention", "following", "reminders", "digest"):
        assert f'name="notifications" value="{kind}" data-list checked' in html
    assert 'name="notifications" value="review_requested" data-list>' in html  # every review: opt-in
    assert 'href="/profile"' in as_member_browser.get("/calendar").text  # reachable from the user menu
    saved = as_member_browser.send("PATCH", "/api/me", json={"notifications": ["mention"], "language": "en"})
    assert saved.status_code == 200
    html = as_member_browser.get("/profile").text
    assert 'value="mention" data-list checked' in html and 'value="digest" data-list>' in html
    assert "My notifications" in html and 'value="en" checked' in html


def test_the_audit_log_shows_every_kind_of_slot_change(
    services: Services, as_admin_browser: Browser, admin: User, member: User, event: Event
) -> None:
    poster, cube = slot_ids(services, event)
    services.events.update_slot(admin, poster, SlotChange(assignee_id=member.id))
    services.events.update_slot(admin, cube, SlotChange(enabled=False))
    services.events.update_slot(admin, poster, SlotChange(status="approved"))
    resp = as_admin_browser.get("/admin/audit")
    assert resp.status_code == 200
    assert "a approuvé" in resp.text and resp.text.count("<tr") >= 4


def test_the_audit_log_shows_the_reason_of_a_request_for_changes(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    poster, _ = slot_ids(services, event)
    services.events.update_slot(admin, poster, SlotChange(status="changes_requested", reason="Logo <b>plus gros</b>"))
    page = as_admin_browser.get("/admin/audit").text
    assert "<dt>Motif</dt>" in page and "Logo plus gros" in page and "<b>plus" not in page
