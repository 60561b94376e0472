"""No double booking, ever: a storm of truly concurrent requests against a real server.

Many members race for few shifts, and each member also races to book shifts that overlap one another.
It runs on PostgreSQL (row locks, a partial unique index and an exclusion constraint) and SQLite.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from sqlmodel import select

from coop.bookings.models import Booking
from coop.clock import utcnow
from coop.shifts.models import Shift, ShiftRequest
from tests.conftest import bearer
from tests.factories import make_client, make_member, user_for
from tests.server import serving

MEMBERS = 30
SAME_TIME_SHIFTS = 5  # all at the same hours, on different wards: a member may hold only one
LATER_SHIFTS = 3


def _shift(session, client_id: int, start) -> int:
    request = ShiftRequest(client_id=client_id, role="nurse", headcount=1, created_at=utcnow())
    session.add(request)
    session.flush()
    shift = Shift(
        request_id=request.id,
        client_id=client_id,
        role="nurse",
        kind="early",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        local_date=start.date(),
        created_at=utcnow(),
    )
    session.add(shift)
    session.commit()
    return shift.id


def test_a_booking_storm_books_every_shift_once_and_tells_every_loser_why(app, session):
    wards = [make_client(session, kind="ward", name=f"Ward {n}") for n in range(SAME_TIME_SHIFTS)]
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    same_time = [_shift(session, ward.id, start) for ward in wards]
    later = [_shift(session, wards[n].id, start + timedelta(days=2)) for n in range(LATER_SHIFTS)]
    members = [make_member(session, with_user=True, max_hours_per_week=60) for _ in range(MEMBERS)]
    tokens = {m.id: bearer(user_for(session, m)) for m in members}
    session.commit()

    attempts = [(m.id, s) for m in members for s in same_time + later]
    random.Random(7).shuffle(attempts)
    start_gate = threading.Barrier(16)
    local = threading.local()

    def attempt(pair):
        member_id, shift_id = pair
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=60)
            start_gate.wait()
        response = local.client.post(f"/api/shifts/{shift_id}/book", headers=tokens[member_id])
        return member_id, shift_id, response.status_code, response.json()

    with serving(app) as base, ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, attempts))

    statuses = Counter(status for *_, status, _body in results)
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] == SAME_TIME_SHIFTS + LATER_SHIFTS
    losers = [body for *_, status, body in results if status == 409]
    assert all(body["code"] in {"shift_taken", "overlap", "rest_too_short"} and body["detail"] for body in losers)

    session.expire_all()
    live = session.exec(select(Booking).where(Booking.status != "cancelled")).all()
    assert Counter(b.shift_id for b in live) == Counter(same_time + later)  # every shift exactly once
    by_member: dict[int, list[Booking]] = {}
    for booking in live:
        by_member.setdefault(booking.member_id, []).append(booking)
    for held in by_member.values():
        for a in held:
            for b in held:
                assert a.id == b.id or not (a.starts_at < b.ends_at and b.starts_at < a.ends_at)
    assert {s.status for s in session.exec(select(Shift)).all()} == {"booked"}
