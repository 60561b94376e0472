"""Issue 29: an Idempotency-Key is bound to the request it was first sent with, and its retry gets the first
answer as it was given; a member's second tap on a shift they hold is told so."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import select

from coop.bookings.models import Booking, IdempotencyRecord
from tests.api.test_booking_rules import post_shift
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for
from tests.server import serving


@pytest.fixture
def ward(session):
    ward = make_client(session, kind="ward", name="Ward A4")
    nia = make_member(session, with_user=True, name="Nia")
    owain = make_member(session, with_user=True, name="Owain")
    people = dict(
        ward_id=ward.id,
        coordinator=bearer(make_user(session, roles={"coordinator"})),
        contact=bearer(make_user(session, roles={"client"}, client_id=ward.id)),
        nia=bearer(user_for(session, nia)),
        nia_id=nia.id,
        owain=bearer(user_for(session, owain)),
        owain_id=owain.id,
    )
    session.commit()
    return people


def book(api, shift_id, headers, key=None, body=None):
    extra = {"Idempotency-Key": key} if key else {}
    return api.post(f"/api/shifts/{shift_id}/book", headers=headers | extra, json=body)


def test_a_key_sent_again_for_a_different_shift_is_refused_and_books_nothing(api, ward, session):
    first = post_shift(api, ward)["shifts"][0]["id"]
    second = post_shift(api, ward, starts_in_hours=96)["shifts"][0]["id"]
    assert book(api, first, ward["nia"], key="tap-1").status_code == 201

    reused = book(api, second, ward["nia"], key="tap-1")
    assert reused.status_code == 422
    assert reused.json()["field"] == "Idempotency-Key"
    assert "different request" in reused.json()["detail"]
    assert session.exec(select(Booking).where(Booking.shift_id == second)).all() == []
    # A fresh key books the second shift.
    assert book(api, second, ward["nia"], key="tap-2").status_code == 201


def test_a_key_sent_again_with_a_different_body_is_refused(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    coordinator = ward["coordinator"]
    booked = book(api, shift_id, coordinator, key="desk-1", body={"member_id": ward["nia_id"]})
    assert booked.status_code == 201
    other = book(api, shift_id, coordinator, key="desk-1", body={"member_id": ward["owain_id"]})
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    same = book(api, shift_id, coordinator, key="desk-1", body={"member_id": ward["nia_id"]})
    assert same.status_code == 201 and same.json() == booked.json()


def test_keys_are_each_users_own(api, ward):
    first = post_shift(api, ward)["shifts"][0]["id"]
    second = post_shift(api, ward, starts_in_hours=96)["shifts"][0]["id"]
    assert book(api, first, ward["nia"], key="tap-1").status_code == 201
    owain = book(api, second, ward["owain"], key="tap-1")
    assert owain.status_code == 201 and owain.json()["member_id"] == ward["owain_id"]


def test_a_replay_after_the_booking_was_cancelled_returns_the_first_answer(api, ward, session):
    shift_id = post_shift(api, ward, starts_in_hours=72)["shifts"][0]["id"]
    first = book(api, shift_id, ward["nia"], key="tap-9")
    assert first.status_code == 201 and first.json()["status"] == "booked"
    cancelled = api.post(f"/api/bookings/{first.json()['id']}/cancel", headers=ward["nia"])
    assert cancelled.status_code == 200, cancelled.text

    again = book(api, shift_id, ward["nia"], key="tap-9")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert len(session.exec(select(Booking).where(Booking.shift_id == shift_id)).all()) == 1


def test_the_record_keeps_the_requests_fingerprint_and_the_answer(api, ward, session):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    answer = book(api, shift_id, ward["nia"], key="tap-5").json()
    record = session.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == "tap-5")).one()
    assert record.response == answer and record.result_id == answer["id"] and len(record.fingerprint) == 64


def test_a_member_who_taps_book_twice_is_told_they_already_hold_the_shift(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    assert book(api, shift_id, ward["nia"]).status_code == 201

    again = book(api, shift_id, ward["nia"])
    assert again.status_code == 409
    assert again.json()["code"] == "already_booked_by_you"
    assert "already hold" in again.json()["detail"]

    taken = book(api, shift_id, ward["owain"])
    assert taken.status_code == 409 and taken.json()["code"] == "shift_taken"


def test_a_coordinator_booking_the_member_who_holds_the_shift_is_told_so(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    assert book(api, shift_id, ward["nia"]).status_code == 201
    again = book(api, shift_id, ward["coordinator"], body={"member_id": ward["nia_id"]})
    assert again.status_code == 409 and again.json()["code"] == "already_booked_by_member"


def test_one_key_sent_at_once_for_two_shifts_books_one_and_refuses_the_other(app, api, ward, session):
    shifts = [post_shift(api, ward)["shifts"][0]["id"], post_shift(api, ward, starts_in_hours=96)["shifts"][0]["id"]]
    gate = threading.Barrier(2)
    with serving(app) as base:

        def attempt(shift_id: int) -> int:
            gate.wait()
            headers = ward["nia"] | {"Idempotency-Key": "double-tap"}
            return httpx.post(f"{base}/api/shifts/{shift_id}/book", headers=headers, timeout=60).status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            codes = sorted(pool.map(attempt, shifts))
    assert codes == [201, 422]
    assert len(session.exec(select(Booking).where(Booking.member_id == ward["nia_id"])).all()) == 1
