"""The member's private calendar feed of their bookings."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from coop.access import Actor, require_role
from coop.bookings.models import Booking
from coop.clients.models import Client
from coop.clock import LONDON, utcnow
from coop.enums import BookingStatus, Role
from coop.errors import NotFound
from coop.members.models import Member
from coop.shifts.models import Shift


def calendar_url(session: Session, actor: Actor, public_url: str) -> str:
    require_role(actor, Role.member)
    member = session.get(Member, actor.member_id)
    return f"{public_url.rstrip('/')}/calendar/{member.calendar_token}.ics"


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")


def _ics_time(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%Y%m%dT%H%M%S")


def calendar_feed(session: Session, token: str) -> str:
    """The member's booked shifts as iCalendar (RFC 5545), found by the feed's secret token."""
    member = session.exec(select(Member).where(Member.calendar_token == token)).first()
    if member is None:
        raise NotFound("No calendar at this address.")
    since = utcnow() - timedelta(days=60)
    rows = session.exec(
        select(Booking, Shift, Client)
        .join(Shift, Shift.id == Booking.shift_id)
        .join(Client, Client.id == Shift.client_id)
        .where(Booking.member_id == member.id, Booking.status != BookingStatus.cancelled, Booking.ends_at >= since)
        .order_by(Booking.starts_at)
    ).all()
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Co-op cover//Shifts//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_escape('Co-op shifts: ' + member.name)}",
        "X-WR-TIMEZONE:Europe/London",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "TZNAME:BST",
        "DTSTART:19700329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "TZNAME:GMT",
        "DTSTART:19701025T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for booking, shift, client in rows:
        where = ", ".join(p for p in (client.name, client.address, client.postcode) if p)
        lines += [
            "BEGIN:VEVENT",
            f"UID:booking-{booking.id}@coop-cover",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Europe/London:{_ics_time(booking.starts_at)}",
            f"DTEND;TZID=Europe/London:{_ics_time(booking.ends_at)}",
            f"SUMMARY:{_ics_escape(client.name + ' (' + shift.kind.replace('_', ' ') + ')')}",
            f"LOCATION:{_ics_escape(where)}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
