"""Load the facts eligibility needs, in bulk: a few queries for any number of members and shifts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from coop.bookings.models import Booking
from coop.clients import service as client_service
from coop.clients.models import Client
from coop.members import service as member_service
from coop.members.models import AvailabilityException, AvailabilityWindow, Member
from coop.policy import Policy
from coop.shifts.eligibility import HeldShift, MemberFacts, ShiftFacts
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
    credentials = member_service.credentials_of(session, ids)
    windows: dict[int, list] = defaultdict(list)
    days_off: dict[int, list] = defaultdict(list)
    held: dict[int, list[HeldShift]] = defaultdict(list)
    if ids:
        for w in session.exec(select(AvailabilityWindow).where(col(AvailabilityWindow.member_id).in_(ids))).all():
            windows[w.member_id].append((w.weekday, w.starts, w.ends))
        for d in session.exec(select(AvailabilityException).where(col(AvailabilityException.member_id).in_(ids))).all():
            days_off[d.member_id].append((d.starts_on, d.ends_on))
        bookings = session.exec(
            select(Booking).where(
                col(Booking.member_id).in_(ids),
                Booking.status != "cancelled",
                Booking.ends_at > window_from - CONTEXT,
                Booking.starts_at < window_to + CONTEXT,
            )
        ).all()
        for b in bookings:
            held[b.member_id].append(
                HeldShift(b.shift_id, b.starts_at, b.ends_at, is_night(b.starts_at, b.ends_at, policy))
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


def blocked_by_client(session: Session, client_ids: Iterable[int]) -> dict[int, set[int]]:
    lists = client_service.lists_for(session, list(set(client_ids)))
    return {cid: entry["do_not_send"] for cid, entry in lists.items()}


def preferred_by_client(session: Session, client_ids: Iterable[int]) -> dict[int, set[int]]:
    lists = client_service.lists_for(session, list(set(client_ids)))
    return {cid: entry["preferred"] for cid, entry in lists.items()}


def clients_worked_for(session: Session, member_ids: list[int], *, before: datetime) -> dict[int, set[int]]:
    """The clients each member has worked for before: a live booking that started before `before`."""
    found: dict[int, set[int]] = defaultdict(set)
    if member_ids:
        rows = session.exec(
            select(Booking.member_id, Shift.client_id)
            .join(Shift, Shift.id == Booking.shift_id)
            .where(col(Booking.member_id).in_(member_ids), Booking.status != "cancelled", Booking.starts_at < before)
            .distinct()
        ).all()
        for member_id, client_id in rows:
            found[member_id].add(client_id)
    return found
