"""Load the facts eligibility needs, in bulk: a few queries for any number of members and shifts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from coop.bookings.models import Booking
from coop.clients import service as client_service
from coop.clients.models import Client
from coop.clock import local_date
from coop.eligibility.rules import HeldShift, MemberFacts, ShiftFacts
from coop.enums import BookingStatus
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member
from coop.policy import Policy
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.timing import is_night

# Held shifts this far either side of the shifts in question matter (rest, weeks, runs of days).
CONTEXT = timedelta(days=8)


def shift_facts(session: Session, shifts: list[Shift], policy: Policy) -> dict[int, ShiftFacts]:
    requests = (
        {
            r.id: r
            for r in session.exec(
                select(ShiftRequest).where(col(ShiftRequest.id).in_({s.request_id for s in shifts}))
            ).all()
        }
        if shifts
        else {}
    )
    clients = (
        {c.id: c for c in session.exec(select(Client).where(col(Client.id).in_({s.client_id for s in shifts}))).all()}
        if shifts
        else {}
    )
    facts = {}
    for shift in shifts:
        request, client = requests[shift.request_id], clients[shift.client_id]
        facts[shift.id] = ShiftFacts(
            id=shift.id,
            client_id=shift.client_id,
            role=shift.role,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            local_date=shift.local_date,
            min_grade=request.min_grade,
            skills=tuple(request.skills),
            welsh_medium=request.welsh_medium,
            client_location=(client.latitude, client.longitude),
            night=is_night(shift.starts_at, shift.ends_at, policy),
        )
    return facts


def member_facts(
    session: Session,
    members: list[Member],
    *,
    window_from: datetime,
    window_to: datetime,
    policy: Policy,
) -> dict[int, MemberFacts]:
    """Facts for each member, with the shifts they hold between window_from and window_to (± CONTEXT)."""
    ids = [m.id for m in members]
    # Columns, not ORM instances: the rules read a few fields of thousands of rows (bench/candidates.py).
    credentials: dict[int, list] = defaultdict(list)
    windows: dict[int, list] = defaultdict(list)
    days_off: dict[int, list] = defaultdict(list)
    held: dict[int, list[HeldShift]] = defaultdict(list)
    for chunk in _chunks(ids):
        for row in session.exec(
            select(
                Credential.member_id,
                Credential.kind,
                Credential.verified_on,
                Credential.expires_on,
                Credential.dbs_workforce,
            ).where(col(Credential.member_id).in_(chunk))
        ).all():
            credentials[row.member_id].append(row)
        for member_id, weekday, starts, ends in session.exec(
            select(
                AvailabilityWindow.member_id,
                AvailabilityWindow.weekday,
                AvailabilityWindow.starts,
                AvailabilityWindow.ends,
            ).where(col(AvailabilityWindow.member_id).in_(chunk))
        ).all():
            windows[member_id].append((weekday, starts, ends))
        for member_id, starts_on, ends_on in session.exec(
            select(
                AvailabilityException.member_id, AvailabilityException.starts_on, AvailabilityException.ends_on
            ).where(col(AvailabilityException.member_id).in_(chunk))
        ).all():
            days_off[member_id].append((starts_on, ends_on))
        for member_id, shift_id, starts_at, ends_at in session.exec(
            select(Booking.member_id, Booking.shift_id, Booking.starts_at, Booking.ends_at).where(
                col(Booking.member_id).in_(chunk),
                Booking.status != BookingStatus.cancelled,
                Booking.ends_at > window_from - CONTEXT,
                Booking.starts_at < window_to + CONTEXT,
            )
        ).all():
            held[member_id].append(
                HeldShift(shift_id, starts_at, ends_at, is_night(starts_at, ends_at, policy), local_date(starts_at))
            )
    return {
        m.id: MemberFacts(
            id=m.id,
            name=m.name,
            status=m.status,
            profession=m.profession,
            grade=m.grade,
            skills=list(m.skills),
            welsh_level=m.welsh_level,
            max_hours_per_week=m.max_hours_per_week,
            max_travel_km=m.max_travel_km,
            opted_out_48h=m.opted_out_48h,
            location=(m.latitude, m.longitude),
            care_started_on=m.care_started_on,
            credentials=credentials[m.id],
            windows=windows[m.id],
            days_off=days_off[m.id],
            held=held[m.id],
        )
        for m in members
    }


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    """Keep IN lists under SQLite's parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def blocked_by_client(session: Session, client_ids: Iterable[int]) -> dict[int, set[int]]:
    lists = client_service.lists_for(session, list(set(client_ids)))
    return {cid: entry["do_not_send"] for cid, entry in lists.items()}


def preferred_by_client(session: Session, client_ids: Iterable[int]) -> dict[int, set[int]]:
    lists = client_service.lists_for(session, list(set(client_ids)))
    return {cid: entry["preferred"] for cid, entry in lists.items()}


def clients_worked_for(session: Session, member_ids: list[int], *, before: datetime) -> dict[int, set[int]]:
    """The clients each member has worked for before: a live booking that had ended by `before`."""
    found: dict[int, set[int]] = defaultdict(set)
    if member_ids:
        rows = session.exec(
            select(Booking.member_id, Shift.client_id)
            .join(Shift, Shift.id == Booking.shift_id)
            .where(
                col(Booking.member_id).in_(member_ids),
                Booking.status != BookingStatus.cancelled,
                Booking.ends_at <= before,
            )
            .distinct()
        ).all()
        for member_id, client_id in rows:
            found[member_id].add(client_id)
    return found
