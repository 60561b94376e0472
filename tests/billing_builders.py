"""Builders for billing tests: approved timesheets and late-cancellation charges, written as rows directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from coop.access import Actor
from coop.bookings.models import Booking, CancellationCharge, Timesheet
from coop.clock import local_date, utcnow
from coop.enums import Role
from coop.shifts.models import Shift, ShiftRequest

COORDINATOR = Actor(user_id=None, roles=frozenset({Role.coordinator}), name="coordinator")


def _shift(session: Session, client_id: int, role: str, starts_at: datetime, ends_at: datetime) -> Shift:
    request = ShiftRequest(client_id=client_id, role=role, headcount=1, created_at=utcnow())
    session.add(request)
    session.flush()
    shift = Shift(
        request_id=request.id,
        client_id=client_id,
        role=role,
        kind="custom",
        starts_at=starts_at,
        ends_at=ends_at,
        local_date=local_date(starts_at),
        status="booked",
        created_at=utcnow(),
    )
    session.add(shift)
    session.flush()
    return shift


def approved_timesheet(
    session: Session, *, client, member, starts_at: datetime, hours: int = 8, break_minutes: int = 30
) -> Timesheet:
    ends_at = starts_at + timedelta(hours=hours)
    shift = _shift(session, client.id, member.profession, starts_at, ends_at)
    booking = Booking(shift_id=shift.id, member_id=member.id, starts_at=starts_at, ends_at=ends_at, booked_at=utcnow())
    session.add(booking)
    session.flush()
    timesheet = Timesheet(
        booking_id=booking.id,
        member_id=member.id,
        client_id=client.id,
        started_at=starts_at,
        ended_at=ends_at,
        break_minutes=break_minutes,
        worked_minutes=hours * 60 - break_minutes,
        status="approved",
        submitted_at=utcnow(),
        decided_at=utcnow(),
    )
    session.add(timesheet)
    session.commit()
    return timesheet


def late_cancellation(session: Session, *, client, member, starts_at: datetime, minutes: int = 240):
    shift = _shift(session, client.id, member.profession, starts_at, starts_at + timedelta(hours=8))
    booking = Booking(
        shift_id=shift.id,
        member_id=member.id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        booked_at=utcnow(),
        status="cancelled",
        cancelled_at=utcnow(),
    )
    session.add(booking)
    session.flush()
    charge = CancellationCharge(
        shift_id=shift.id,
        client_id=client.id,
        booking_id=booking.id,
        charge_minutes=minutes,
        basis="cancelled 3 hours before the start",
        notice_hours_given=3,
        created_at=utcnow(),
    )
    session.add(charge)
    session.commit()
    return charge


def at(day: int, hour: int = 8, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)
