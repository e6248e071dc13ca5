"""A calendar feed (``core.services.feeds.FeedCalendar``) written as iCalendar (RFC 5545) with ``icalendar``.

Every entry is an all-day event (``DTSTART;VALUE=DATE`` and ``DTEND`` the day after): a date has no time zone, so
every calendar app shows it on the same day. ``UID`` stays the same for a night, its deadline or a slot; ``SEQUENCE``
and ``LAST-MODIFIED`` grow when the night changes, so subscribed apps move it. ``DTSTAMP`` is the last change too,
never "now": the same data always gives the same bytes, which the ``ETag`` relies on. ``STATUS`` is ``CANCELLED``
for the entries of a cancelled night (kept in the feed so that apps update their copy), ``CONFIRMED`` otherwise.
"""

from __future__ import annotations

import datetime as dt

import icalendar

from eventflow.core.services.feeds import CalendarItem, FeedCalendar

PRODID = "-//eventflow//calendar feed//EN"
#: How often a subscribed app should read the feed again (apps may take longer).
REFRESH = dt.timedelta(hours=1)


def to_ical(feed: FeedCalendar) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", feed.name)
    calendar.add("x-wr-calname", feed.name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for item in feed.items:
        calendar.add_component(_event(item))
    return bytes(calendar.to_ical())


def _event(item: CalendarItem) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.modified)
    event.add("last-modified", item.modified)
    event.add("sequence", item.sequence)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + dt.timedelta(days=1))
    event.add("summary", item.summary)
    event.add("description", f"{item.description}\n{item.url}" if item.url else item.description)
    if item.url:
        event.add("url", item.url)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return event
