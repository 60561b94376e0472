"""Booking, cancelling and timesheets: who may, what they are told, and what is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from coop.bookings.models import Booking, CancellationCharge
from coop.clock import travel_to, utcnow
from coop.history import HistoryEvent
from coop.notify import service as notify
from coop.notify.models import Notification
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for


@pytest.fixture
def ward(session):
    ward = make_client(session, kind="ward", name="Ward A4")
    other = make_client(session, kind="ward", name="Ward B2")
    coordinator = make_user(session, roles={"coordinator"})
    contact = make_user(session, roles={"client"}, client_id=ward.id, name="Sister Price")
    other_contact = make_user(session, roles={"client"}, client_id=other.id)
    nia = make_member(session, with_user=True, name="Nia")
    owain = make_member(session, with_user=True, name="Owain")
    teacher = make_member(session, profession="supply_teacher", with_user=True)
    people = dict(
        ward_id=ward.id,
        other_id=other.id,
        coordinator=bearer(coordinator),
        contact=bearer(contact),
        other_contact=bearer(other_contact),
        nia=bearer(user_for(session, nia)),
        nia_id=nia.id,
        owain=bearer(user_for(session, owain)),
        owain_id=owain.id,
        teacher=bearer(user_for(session, teacher)),
    )
    session.commit()
    return people


def post_shift(api, people, *, starts_in_hours=48, hours=8, headcount=1, **extra):
    start = utcnow().replace(microsecond=0) + timedelta(hours=starts_in_hours)
    body = {
        "client_id": people["ward_id"],
        "role": "nurse",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours)).isoformat(),
        "headcount": headcount,
        **extra,
    }
    response = api.post("/api/shift-requests", json=body, headers=people["contact"])
    assert response.status_code == 201, response.text
    return response.json()


def test_a_request_makes_one_shift_per_person_per_day(api, ward):
    request = post_shift(api, ward, headcount=2, repeat_days=3)
    assert len(request["shifts"]) == 6 and {s["status"] for s in request["shifts"]} == {"open"}


def test_a_client_requests_only_for_their_own_organisation(api, ward):
    start = utcnow() + timedelta(days=2)
    body = {
        "client_id": ward["other_id"],
        "role": "nurse",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
    }
    assert api.post("/api/shift-requests", json=body, headers=ward["contact"]).status_code == 403
    assert api.post("/api/shift-requests", json=body, headers=ward["nia"]).status_code == 403


def test_a_request_needs_aware_times_in_order(api, ward):
    start = utcnow() + timedelta(days=2)
    body = {
        "client_id": ward["ward_id"],
        "role": "nurse",
        "starts_at": "2027-01-05T08:00:00",
        "ends_at": "2027-01-05T16:00:00",
    }
    naive = api.post("/api/shift-requests", json=body, headers=ward["contact"])
    assert naive.status_code == 422 and "starts_at" in naive.json()["detail"]
    backwards = body | {"starts_at": start.isoformat(), "ends_at": (start - timedelta(hours=1)).isoformat()}
    assert api.post("/api/shift-requests", json=backwards, headers=ward["contact"]).status_code == 422
    unknown = {"client_id": ward["ward_id"], "role": "nurse", "pattern": "brunch", "on": "2027-01-05"}
    response = api.post("/api/shift-requests", json=unknown, headers=ward["contact"])
    assert response.status_code == 422 and response.json()["field"] == "pattern"


def test_a_ward_night_pattern_across_the_clock_change_is_13_hours(api, ward):
    with travel_to(datetime(2026, 10, 1, tzinfo=UTC)):
        body = {"client_id": ward["ward_id"], "role": "nurse", "pattern": "night", "on": "2026-10-24"}
        shift = api.post("/api/shift-requests", json=body, headers=ward["contact"]).json()["shifts"][0]
    assert shift["hours"] == 13.0


def test_a_client_sees_only_their_own_requests(api, ward):
    request = post_shift(api, ward)
    assert api.get(f"/api/shift-requests/{request['id']}", headers=ward["other_contact"]).status_code == 403
    assert api.get("/api/shift-requests", headers=ward["other_contact"]).json()["count"] == 0
    assert api.get("/api/shift-requests", headers=ward["contact"]).json()["count"] == 1
    assert api.get("/api/shift-requests", headers=ward["nia"]).status_code == 403


def test_the_second_member_is_told_the_shift_is_taken(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    assert api.post(f"/api/shifts/{shift_id}/book", headers=ward["nia"]).status_code == 201
    late = api.post(f"/api/shifts/{shift_id}/book", headers=ward["owain"])
    assert late.status_code == 409 and late.json()["code"] == "shift_taken"


def test_an_ineligible_member_gets_409_with_the_rule(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    refused = api.post(f"/api/shifts/{shift_id}/book", headers=ward["teacher"])
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_profession"
    api.post(
        f"/api/clients/{ward['ward_id']}/do-not-send", json={"member_id": ward["owain_id"]}, headers=ward["contact"]
    )
    blocked = api.post(f"/api/shifts/{shift_id}/book", headers=ward["owain"])
    assert blocked.status_code == 409 and blocked.json()["code"] == "do_not_send"
    assert blocked.json()["reasons"][0]["detail"]


def test_a_member_cannot_book_two_overlapping_shifts(api, ward):
    first = post_shift(api, ward)["shifts"][0]["id"]
    second = post_shift(api, ward, starts_in_hours=50)["shifts"][0]["id"]
    assert api.post(f"/api/shifts/{first}/book", headers=ward["nia"]).status_code == 201
    clash = api.post(f"/api/shifts/{second}/book", headers=ward["nia"])
    assert clash.status_code == 409 and clash.json()["code"] == "overlap"


def test_a_retried_booking_with_the_same_idempotency_key_returns_the_first_answer(api, ward, session):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    headers = ward["nia"] | {"Idempotency-Key": "tap-123"}
    first = api.post(f"/api/shifts/{shift_id}/book", headers=headers)
    again = api.post(f"/api/shifts/{shift_id}/book", headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert len(session.exec(select(Booking).where(Booking.shift_id == shift_id)).all()) == 1


def test_a_member_books_only_for_themselves_and_coordinators_say_for_whom(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    assert (
        api.post(f"/api/shifts/{shift_id}/book", json={"member_id": ward["owain_id"]}, headers=ward["nia"]).status_code
        == 403
    )
    assert api.post(f"/api/shifts/{shift_id}/book", headers=ward["coordinator"]).status_code == 422
    assert api.post(f"/api/shifts/{shift_id}/book", headers=ward["contact"]).status_code == 403
    assert api.post("/api/shifts/99999/book", headers=ward["nia"]).status_code == 404


def test_a_coordinator_records_a_shift_already_worked_that_was_arranged_by_phone(api, ward):
    start = utcnow().replace(microsecond=0) - timedelta(days=2)
    body = {
        "client_id": ward["ward_id"],
        "role": "nurse",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
    }
    assert api.post("/api/shift-requests", json=body, headers=ward["contact"]).status_code == 422
    shift_id = api.post("/api/shift-requests", json=body, headers=ward["coordinator"]).json()["shifts"][0]["id"]
    booked = api.post(f"/api/shifts/{shift_id}/book", json={"member_id": ward["nia_id"]}, headers=ward["coordinator"])
    assert booked.status_code == 201


def test_a_member_cancels_in_good_time_and_the_shift_reopens_and_the_client_is_told(api, ward, session):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    booking = api.post(f"/api/shifts/{shift_id}/book", headers=ward["nia"]).json()
    assert booking["can_cancel"] is True
    assert api.post(f"/api/bookings/{booking['id']}/cancel", headers=ward["owain"]).status_code == 403
    cancelled = api.post(f"/api/bookings/{booking['id']}/cancel", json={"reason": "ill"}, headers=ward["nia"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.get(f"/api/shifts/{shift_id}", headers=ward["contact"]).json()["status"] == "open"
    kinds = [n.kind for n in session.exec(select(Notification)).all()]
    assert "booking_cancelled_by_member" in kinds
    assert api.post(f"/api/shifts/{shift_id}/book", headers=ward["owain"]).status_code == 201


def test_a_member_cannot_cancel_inside_twelve_hours(api, ward):
    shift_id = post_shift(api, ward, starts_in_hours=6)["shifts"][0]["id"]
    booking = api.post(f"/api/shifts/{shift_id}/book", headers=ward["nia"]).json()
    refused = api.post(f"/api/bookings/{booking['id']}/cancel", headers=ward["nia"])
    assert refused.status_code == 409 and refused.json()["code"] == "too_late_to_cancel"
    assert api.post(f"/api/bookings/{booking['id']}/cancel", headers=ward["coordinator"]).status_code == 200


def test_a_late_client_cancellation_is_charged_and_an_early_one_is_not(api, ward, session):
    late = post_shift(api, ward, starts_in_hours=10, hours=12)["shifts"][0]["id"]
    early = post_shift(api, ward, starts_in_hours=72)["shifts"][0]["id"]
    api.post(f"/api/shifts/{late}/book", headers=ward["nia"])
    api.post(f"/api/shifts/{early}/book", headers=ward["owain"])
    terms = api.get(f"/api/shifts/{late}/cancellation-terms", headers=ward["contact"]).json()
    assert terms["late"] is True and terms["charge_minutes"] == 240
    assert api.post(f"/api/shifts/{late}/cancel", headers=ward["other_contact"]).status_code == 403
    assert api.post(f"/api/shifts/{late}/cancel", headers=ward["contact"]).json()["charge_minutes"] == 240
    assert api.post(f"/api/shifts/{early}/cancel", headers=ward["contact"]).json()["late"] is False
    charges = session.exec(select(CancellationCharge)).all()
    assert [(c.shift_id, c.charge_minutes) for c in charges] == [(late, 240)]
    again = api.post(f"/api/shifts/{late}/cancel", headers=ward["contact"])
    assert again.status_code == 409


def test_a_queried_timesheet_is_resolved_by_a_coordinator_keeping_the_old_values(api, ward, session):
    shift = post_shift(api, ward, starts_in_hours=24)["shifts"][0]
    booking = api.post(f"/api/shifts/{shift['id']}/book", headers=ward["nia"]).json()
    start = datetime.fromisoformat(shift["starts_at"])
    url = f"/api/bookings/{booking['id']}/timesheet"
    body = {"started_at": start.isoformat(), "ended_at": (start + timedelta(hours=9)).isoformat()}
    early = api.post(url, json=body, headers=ward["nia"])
    assert early.status_code == 409 and early.json()["code"] == "shift_not_started"
    with travel_to(start + timedelta(hours=10)):
        sheet = api.post(url, json=body, headers=ward["nia"]).json()
        assert sheet["break_minutes"] == 20 and sheet["worked_minutes"] == 9 * 60 - 20  # RULES §0.6 default
        assert api.post(f"/api/timesheets/{sheet['id']}/approve", headers=ward["nia"]).status_code == 403
        assert api.post(f"/api/timesheets/{sheet['id']}/approve", headers=ward["other_contact"]).status_code == 403
        queried = api.post(
            f"/api/timesheets/{sheet['id']}/query", json={"comment": "Left at 16:00"}, headers=ward["contact"]
        )
        assert queried.json()["status"] == "queried"
        assert (
            api.post(
                f"/api/timesheets/{sheet['id']}/resolve", json={"comment": "x"}, headers=ward["contact"]
            ).status_code
            == 403
        )
        settled = api.post(
            f"/api/timesheets/{sheet['id']}/resolve",
            headers=ward["coordinator"],
            json={"ended_at": (start + timedelta(hours=8)).isoformat(), "comment": "Agreed with the ward"},
        )
        assert settled.json()["status"] == "approved" and settled.json()["worked_minutes"] == 8 * 60 - 20
    resolved = session.exec(
        select(HistoryEvent).where(HistoryEvent.entity == "timesheet", HistoryEvent.action == "resolved")
    ).one()
    assert resolved.data["before"]["worked_minutes"] == 9 * 60 - 20
    mine = api.get("/api/me/shifts", headers=ward["nia"]).json()
    assert mine[0]["timesheet_status"] == "approved" and mine[0]["status"] == "completed"


def test_notifications_are_queued_with_the_change_and_retried_until_sent(api, ward, session, engine):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    api.post(f"/api/shifts/{shift_id}/book", headers=ward["nia"])

    class Broken:
        def send(self, **_):
            raise ConnectionError("smtp down")

    assert notify.deliver_pending(engine, Broken()) == (0, 2)
    waiting = session.exec(select(Notification)).all()
    assert all(n.sent_at is None and n.attempts == 1 and "smtp down" in n.last_error for n in waiting)
    sender = notify.LogSender()
    with travel_to(utcnow() + timedelta(minutes=5)):
        assert notify.deliver_pending(engine, sender) == (2, 0)
    subjects = sorted(subject for _to, subject, _body in sender.sent)
    assert subjects[0].startswith("Booked: Ward A4") and subjects[1].startswith("You are booked")


def test_welsh_speakers_get_their_notifications_in_welsh(session):
    from coop.notify.models import Notification as N

    note = N(
        email="a@b.c",
        language="cy",
        kind="shift_booked_member",
        data={"client": "Ward A4", "starts_at": "2026-12-07T07:00:00+00:00"},
        created_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    subject, body = notify.render(note)
    assert subject.startswith("Rydych wedi") and "Ward A4" in subject and "Rhag" in subject


def test_the_calendar_feed_lists_booked_shifts_at_a_secret_address(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    api.post(f"/api/shifts/{shift_id}/book", headers=ward["nia"])
    link = api.get("/api/me/calendar", headers=ward["nia"]).json()
    assert link["webcal"].startswith("webcal://")
    feed = api.get(link["url"].split("8000", 1)[-1])
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert feed.text.count("BEGIN:VEVENT") == 1 and "Ward A4" in feed.text
    assert api.get("/calendar/not-a-token.ics").status_code == 404
    assert api.get("/api/me/calendar", headers=ward["contact"]).status_code == 403


def test_a_whole_request_is_cancelled_at_once(api, ward, session):
    request = post_shift(api, ward, headcount=2, repeat_days=2)
    api.post(f"/api/shifts/{request['shifts'][0]['id']}/book", headers=ward["nia"])
    cancelled = api.post(f"/api/shift-requests/{request['id']}/cancel", headers=ward["contact"])
    assert cancelled.status_code == 200 and len(cancelled.json()) == 4
    shown = api.get(f"/api/shift-requests/{request['id']}", headers=ward["contact"]).json()
    assert shown["status"] == "cancelled" and {s["status"] for s in shown["shifts"]} == {"cancelled"}
    again = api.post(f"/api/shift-requests/{request['id']}/cancel", headers=ward["contact"])
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_cancel"


def test_a_shift_keeps_its_history_of_who_did_what_and_when(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    booking = api.post(f"/api/shifts/{shift_id}/book", headers=ward["nia"]).json()
    api.post(f"/api/bookings/{booking['id']}/cancel", headers=ward["nia"])
    events = api.get(f"/api/shifts/{shift_id}/history", headers=ward["contact"]).json()
    steps = [(e["entity"], e["action"], e["from_state"], e["to_state"]) for e in events]
    assert steps == [
        ("shift_request", "requested", None, "open"),
        ("booking", "booked", None, "booked"),
        ("shift", "booked", "open", "booked"),
        ("booking", "cancelled_by_member", "booked", "cancelled"),
        ("shift", "reopened", "booked", "open"),
    ]
    assert events[1]["by"] == "Nia"
    assert api.get(f"/api/shifts/{shift_id}/history", headers=ward["other_contact"]).status_code == 403
    assert api.get(f"/api/shifts/{shift_id}/history", headers=ward["nia"]).status_code == 403


def _booked_by_nia(api, people) -> tuple[dict, datetime, dict]:
    """A shift starting in 24 hours, booked by Nia: her booking, its start and a timesheet body for 8 hours."""
    shift = post_shift(api, people, starts_in_hours=24)["shifts"][0]
    booking = api.post(f"/api/shifts/{shift['id']}/book", headers=people["nia"]).json()
    start = datetime.fromisoformat(shift["starts_at"])
    return booking, start, {"started_at": start.isoformat(), "ended_at": (start + timedelta(hours=8)).isoformat()}


def _refused(response, status: int = 403) -> None:
    assert response.status_code == status, response.text
    assert response.json()["detail"] and response.json()["code"] == "forbidden"


def test_a_member_cannot_see_or_fill_in_another_members_booking_or_timesheet(api, ward):
    booking, start, body = _booked_by_nia(api, ward)
    with travel_to(start + timedelta(hours=9)):
        _refused(api.post(f"/api/bookings/{booking['id']}/timesheet", json=body, headers=ward["owain"]))
        assert api.get("/api/timesheets", headers=ward["nia"]).json() == []
        sheet = api.post(f"/api/bookings/{booking['id']}/timesheet", json=body, headers=ward["nia"])
        assert sheet.status_code == 201
        _refused(api.post(f"/api/bookings/{booking['id']}/timesheet", json=body, headers=ward["owain"]))
    _refused(api.get(f"/api/bookings/{booking['id']}", headers=ward["owain"]))
    _refused(api.get(f"/api/timesheets/{sheet.json()['id']}", headers=ward["owain"]))
    assert api.get("/api/timesheets", headers=ward["owain"]).json() == []
    assert api.get(f"/api/timesheets/{sheet.json()['id']}", headers=ward["nia"]).json()["worked_minutes"] == 8 * 60 - 20


def test_only_coordinators_see_a_shifts_candidates(api, ward):
    shift_id = post_shift(api, ward)["shifts"][0]["id"]
    _refused(api.get(f"/api/shifts/{shift_id}/candidates", headers=ward["nia"]))
    _refused(api.get(f"/api/shifts/{shift_id}/candidates", headers=ward["contact"]))
    shown = api.get(f"/api/shifts/{shift_id}/candidates", headers=ward["coordinator"])
    assert shown.status_code == 200 and {c["member_id"] for c in shown.json()["eligible"]} >= {ward["nia_id"]}


def test_another_clients_contact_cannot_read_approve_or_query_a_timesheet(api, ward):
    booking, start, body = _booked_by_nia(api, ward)
    with travel_to(start + timedelta(hours=9)):
        sheet_id = api.post(f"/api/bookings/{booking['id']}/timesheet", json=body, headers=ward["nia"]).json()["id"]
        _refused(api.get(f"/api/timesheets/{sheet_id}", headers=ward["other_contact"]))
        _refused(api.post(f"/api/timesheets/{sheet_id}/approve", headers=ward["other_contact"]))
        query = {"comment": "Who is this?"}
        _refused(api.post(f"/api/timesheets/{sheet_id}/query", json=query, headers=ward["other_contact"]))
        assert api.get("/api/timesheets", headers=ward["other_contact"]).json() == []
        assert api.get(f"/api/timesheets?client_id={ward['ward_id']}", headers=ward["other_contact"]).json() == []
        assert api.get(f"/api/timesheets/{sheet_id}", headers=ward["contact"]).json()["status"] == "submitted"
        approved = api.post(f"/api/timesheets/{sheet_id}/approve", headers=ward["contact"])
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
