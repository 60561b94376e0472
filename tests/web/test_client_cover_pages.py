"""A client contact's cover pages on the demo co-op: request cover, see who is coming, cancel, timesheets."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coop.auth import service as auth_service
from coop.auth.models import User
from coop.bookings import timesheets as timesheet_service
from coop.bookings.models import CancellationCharge, Timesheet
from coop.bookings.schemas import TimesheetIn
from coop.clock import LONDON, today_local, travel_to
from coop.cover import service as cover_service
from coop.shifts.models import Shift, ShiftRequest
from demo import DEMO_PASSWORD
from tests.web.conftest import csrf_from, post_form, sign_in


def _contact(client: TestClient, email: str) -> None:
    sign_in(client, email, DEMO_PASSWORD)
    post_form(client, "/language", {"lang": "en", "next": "/client"}, page="/client")


def _actor(app, email: str):
    with Session(app.state.engine, expire_on_commit=False) as db:
        user = db.exec(select(User).where(User.email == email)).one()
        return auth_service.actor_for(db, user)


def _next_booked_shift(app, email: str):
    actor = _actor(app, email)
    with Session(app.state.engine, expire_on_commit=False) as db:
        shifts = cover_service.list_shifts(db, actor, status="booked", from_date=today_local()).data
        return next(s for s in shifts if s.member_name)


def test_the_form_suits_the_kind_of_client_with_tomorrow_by_default(demo_app):
    with TestClient(demo_app) as client:
        _contact(client, "school@demo.coop")
        school = client.get("/client/cover").text
        assert f'value="{(today_local() + timedelta(days=1)).isoformat()}"' in school
        assert "Which part of the day" in school
        assert "Morning session, 08:30–12:00" in school and "Afternoon session, 12:45–15:30" in school
        assert "Number of school days" in school
        assert '<option value="M3">M3</option>' in school  # the supply teachers' ladder
    with TestClient(demo_app) as client:
        _contact(client, "ward@demo.coop")
        ward = client.get("/client/cover").text
        assert "Which shift" in ward
        for name in ("Early, 07:00–15:00", "Late, 14:00–22:00", "Night, 20:00–08:00", "Long day, 07:30–20:00"):
            assert name in ward
        assert '<option value="5">5</option>' in ward  # nursing bands
    with TestClient(demo_app) as client:
        _contact(client, "care@demo.coop")
        care = client.get("/client/cover").text
        assert "Which visit or shift" in care
        assert "Morning visit, 07:00–09:00" in care and "Bedtime visit, 20:00–21:00" in care


def test_a_school_requests_cover_and_sees_the_shifts_listed(demo_app):
    with TestClient(demo_app) as client:
        _contact(client, "school@demo.coop")
        form = client.get("/client/cover").text
        candidate = re.search(r'name="preferred" value="(\d+)"', form).group(1)
        first = today_local() + timedelta(days=7)
        while first.weekday() != 0:
            first += timedelta(days=1)
        response = client.post(
            "/client/cover",
            data={
                "csrf_token": csrf_from(form),
                "on": first.isoformat(),
                "pattern": "am",
                "repeat_days": "5",
                "headcount": "1",
                "min_grade": "M2",
                "skills": "SEN, year 6",
                "welsh_medium": "yes",
                "preferred": candidate,
                "notes": "Year 6, Mrs Jones's class",
            },
        )
        assert re.fullmatch(r"/client/requests/\d+", response.url.path)
        assert "Your request is sent: 5 shifts." in response.text
        assert response.text.count("Who is coming:") == 5
        assert "Grade M2 or above, SEN, year 6, Welsh-medium" in response.text
        assert "Morning session" in response.text and "08:30–12:00" in response.text
        listed = client.get("/client/requests").text
        assert response.url.path in listed
        request_id = int(response.url.path.rsplit("/", 1)[1])
    with Session(demo_app.state.engine) as db:
        stored = db.get(ShiftRequest, request_id)
        assert stored.skills == ["SEN", "year 6"] and stored.welsh_medium and stored.min_grade == "M2"
        assert stored.preferred_member_ids == [int(candidate)]
        days = db.exec(select(Shift.local_date).where(Shift.request_id == request_id)).all()
        assert sorted(days) == [first + timedelta(days=n) for n in range(5)]


def test_a_refused_request_says_why_beside_the_field(demo_app):
    with TestClient(demo_app) as client:
        _contact(client, "ward@demo.coop")
        form = client.get("/client/cover").text
        response = client.post(
            "/client/cover",
            data={
                "csrf_token": csrf_from(form),
                "on": (today_local() - timedelta(days=2)).isoformat(),
                "pattern": "early",
                "repeat_days": "1",
                "headcount": "0",
            },
        )
        assert response.status_code == 422
        assert 'id="headcount-error"' in response.text and "This number is too small." in response.text
        fixed = client.post(
            "/client/cover",
            data={
                "csrf_token": csrf_from(form),
                "on": (today_local() - timedelta(days=2)).isoformat(),
                "pattern": "early",
                "repeat_days": "1",
                "headcount": "1",
            },
        )
        assert fixed.status_code == 422
        assert 'id="on-error"' in fixed.text
        assert "Cover can only be requested for a time still to come." in fixed.text


def test_a_ward_asks_for_other_times_past_midnight(demo_app):
    with TestClient(demo_app) as client:
        _contact(client, "ward@demo.coop")
        form = client.get("/client/cover").text
        on = today_local() + timedelta(days=3)
        response = client.post(
            "/client/cover",
            data={
                "csrf_token": csrf_from(form),
                "on": on.isoformat(),
                "pattern": "custom",
                "starts": "18:00",
                "ends": "02:00",
                "repeat_days": "1",
                "headcount": "2",
            },
        )
        assert "Your request is sent: 2 shifts." in response.text
        assert response.text.count("18:00–02:00") == 2


def test_the_client_sees_the_late_cancellation_charge_before_confirming(demo_app):
    shift = _next_booked_shift(demo_app, "ward@demo.coop")
    with TestClient(demo_app) as client, travel_to(shift.starts_at - timedelta(hours=3)):
        _contact(client, "ward@demo.coop")
        request_page = client.get(f"/client/requests/{shift.request_id}").text
        assert shift.member_name in request_page
        assert f'href="/client/shifts/{shift.id}/cancel"' in request_page
        confirm = client.get(f"/client/shifts/{shift.id}/cancel")
        assert confirm.status_code == 200
        assert "Warning: there is a charge for cancelling now" in confirm.text
        assert "Late-cancellation charge: 4 hours" in confirm.text  # a ward: the lesser of 8 h booked and 4 h
        with Session(demo_app.state.engine) as db:
            assert db.get(Shift, shift.id).status == "booked"  # nothing happens until they confirm
        done = client.post(f"/client/shifts/{shift.id}/cancel", data={"csrf_token": csrf_from(confirm.text)})
        assert done.url.path == f"/client/requests/{shift.request_id}"
        assert "A late-cancellation charge of 4 hours applies." in done.text
    with Session(demo_app.state.engine) as db:
        assert db.get(Shift, shift.id).status == "cancelled"
        charge = db.exec(select(CancellationCharge).where(CancellationCharge.shift_id == shift.id)).one()
        assert charge.charge_minutes == 240


def test_cancelling_in_good_time_says_there_is_no_charge(demo_app):
    shift = _next_booked_shift(demo_app, "ward@demo.coop")
    with TestClient(demo_app) as client, travel_to(shift.starts_at - timedelta(days=3)):
        _contact(client, "ward@demo.coop")
        confirm = client.get(f"/client/shifts/{shift.id}/cancel")
        assert "No charge" in confirm.text and "charge for cancelling now" not in confirm.text


def _one_more_submitted_timesheet(app, shift) -> None:
    """The nurse's next ward shift, worked and sent in: a second timesheet for the ward to decide."""
    with Session(app.state.engine, expire_on_commit=False) as db:
        user = db.exec(select(User).where(User.member_id == shift.member_id)).one()
        member = auth_service.actor_for(db, user)
        timesheet_service.submit_timesheet(
            db, member, shift.booking_id, TimesheetIn(started_at=shift.starts_at, ended_at=shift.ends_at)
        )


def test_a_ward_approves_one_timesheet_and_queries_another(demo_app):
    shift = _next_booked_shift(demo_app, "ward@demo.coop")
    with TestClient(demo_app) as client, travel_to(shift.ends_at + timedelta(hours=1)):
        _one_more_submitted_timesheet(demo_app, shift)
        _contact(client, "ward@demo.coop")
        page = client.get("/client/timesheets")
        waiting = re.findall(r'action="/client/timesheets/(\d+)/approve"', page.text)
        assert len(waiting) == 2
        assert "Time worked, less the break" in page.text
        first, second = waiting

        approved = client.post(f"/client/timesheets/{first}/approve", data={"csrf_token": csrf_from(page.text)})
        assert approved.url.path == "/client/timesheets"
        assert "timesheet is approved." in approved.text

        empty = client.post(
            f"/client/timesheets/{second}/query", data={"csrf_token": csrf_from(page.text), "comment": " "}
        )
        assert empty.status_code == 422
        assert f'id="comment-{second}-error"' in empty.text
        assert f'aria-describedby="comment-{second}-hint comment-{second}-error"' in empty.text

        comment = "Our rota shows the shift ended at 19:30."
        queried = client.post(
            f"/client/timesheets/{second}/query", data={"csrf_token": csrf_from(page.text), "comment": comment}
        )
        assert queried.url.path == "/client/timesheets"
        assert "Your question about" in queried.text
        assert "Queried" in queried.text and comment in queried.text
    with Session(demo_app.state.engine) as db:
        assert db.get(Timesheet, int(first)).status == "approved"
        sheet = db.get(Timesheet, int(second))
        assert sheet.status == "queried" and sheet.query_comment == comment


def test_the_client_pages_speak_welsh(demo_app):
    with TestClient(demo_app) as client:
        sign_in(client, "school@demo.coop", DEMO_PASSWORD)
        post_form(client, "/language", {"lang": "cy", "next": "/client"}, page="/client")
        assert "Gofyn am gyflenwad" in client.get("/client/cover").text
        assert "Taflenni amser" in client.get("/client/timesheets").text


def test_times_are_shown_in_welsh_time_in_summer(demo_app):
    with TestClient(demo_app) as client:
        _contact(client, "ward@demo.coop")
        form = client.get("/client/cover").text
        summer = today_local().replace(month=7, day=1)
        if summer <= today_local():
            summer = summer.replace(year=summer.year + 1)
        response = client.post(
            "/client/cover",
            data={"csrf_token": csrf_from(form), "on": summer.isoformat(), "pattern": "early", "headcount": "1"},
        )
        assert "07:00–15:00" in response.text  # 06:00 UTC in British Summer Time
    with Session(demo_app.state.engine) as db:
        request_id = int(response.url.path.rsplit("/", 1)[1])
        start = db.exec(select(Shift.starts_at).where(Shift.request_id == request_id)).one()
        assert start.astimezone(LONDON).hour == 7
