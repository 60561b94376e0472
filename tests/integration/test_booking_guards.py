"""The database itself refuses double booking, even when the code above it is bypassed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from coop.bookings.models import Booking
from coop.clock import utcnow
from coop.shifts.models import Shift, ShiftRequest
from tests.factories import make_client, make_member


def _shift(session, client_id, start, hours=8):
    request = ShiftRequest(client_id=client_id, role="nurse", headcount=1, created_at=utcnow())
    session.add(request)
    session.flush()
    shift = Shift(
        request_id=request.id,
        client_id=client_id,
        role="nurse",
        kind="early",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        local_date=start.date(),
        created_at=utcnow(),
    )
    session.add(shift)
    session.commit()
    return shift


def _book(session, shift, member_id, status="booked"):
    session.add(
        Booking(
            shift_id=shift.id,
            member_id=member_id,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            status=status,
            booked_at=utcnow(),
        )
    )
    session.commit()


def test_the_database_allows_one_live_booking_per_shift(session):
    ward = make_client(session)
    shift = _shift(session, ward.id, utcnow() + timedelta(days=1))
    first, second = make_member(session), make_member(session)
    _book(session, shift, first.id, status="cancelled")
    _book(session, shift, first.id)
    with pytest.raises(IntegrityError):
        _book(session, shift, second.id)


def test_the_database_refuses_a_member_two_overlapping_live_bookings(session):
    ward = make_client(session)
    start = utcnow() + timedelta(days=1)
    one, two = _shift(session, ward.id, start), _shift(session, ward.id, start + timedelta(hours=4))
    after = _shift(session, ward.id, start + timedelta(hours=8))
    member = make_member(session)
    _book(session, one, member.id)
    _book(session, after, member.id)  # back to back is not an overlap
    with pytest.raises(IntegrityError):
        _book(session, two, member.id)
    session.rollback()
    _book(session, two, member.id, status="cancelled")  # a cancelled booking may overlap
