"""A member's shift pages on the demo co-op: book an open shift (once), read why not, fill in a timesheet."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from coop.auth import service as auth_service
from coop.auth.models import User
from coop.bookings import service as booking_service
from coop.bookings import timesheets as timesheet_service
from coop.bookings.models import Booking, Timesheet
from coop.bookings.schemas import ResolveIn
from coop.clock import travel_to
from coop.cover import service as cover_service
from demo import DEMO_PASSWORD
from tests.web.conftest import csrf_from, post_form, sign_in

BOOK_FORM = re.compile(r'action="/member/shifts/(\d+)/book".*?name="idempotency_key" value="([^"]+)"', re.S)
SHIFT_CARD = re.compile(r'<h3 id="shift-(\d+)">')


def _member(client: TestClient, email: str) -> None:
    sign_in(client, email, DEMO_PASSWORD)
    post_form(client, "/language", {"lang": "en", "next": "/member"}, page="/member")


def _actor(app, email: str):
    with Session(app.state.engine, expire_on_commit=False) as db:
        user = db.exec(select(User).where(User.email == email)).one()
        return auth_service.actor_for(db, user)


def _live_bookings(app, shift_id: int) -> int:
    with Session(app.state.engine) as db:
        return db.exec(
            select(func.count()).select_from(Booking).where(Booking.shift_id == shift_id, Booking.status != "cancelled")
        ).one()


def test_a_member_sees_an_eligible_shift_with_why_and_books_it_once(demo_app):
    with TestClient(demo_app) as client:
        _member(client, "nurse@demo.coop")
        page = client.get("/member/shifts")
        assert page.status_code == 200
        assert "Shifts you can book" in page.text
        assert "Why you are offered it" in page.text
        assert re.search(r"You have worked here before|Near you|Within your travel distance", page.text)
        shift_id, key = BOOK_FORM.search(page.text).groups()
        token = csrf_from(page.text)
        form = {"csrf_token": token, "idempotency_key": key, "on": "", "client": "", "kind": ""}

        booked = client.post(f"/member/shifts/{shift_id}/book", data=form)
        assert booked.url.path == "/member/my-shifts"
        assert "You are booked:" in booked.text
        assert "/member/my-shifts/" in booked.text

        again = client.post(f"/member/shifts/{shift_id}/book", data=form)  # a double tap or a resent form
        assert again.url.path == "/member/my-shifts"
        assert "Someone else has just booked" not in again.text
        assert _live_bookings(demo_app, int(shift_id)) == 1

        with Session(demo_app.state.engine) as db:
            booking = db.exec(select(Booking).where(Booking.shift_id == int(shift_id))).one()
        too_soon = client.get(f"/member/my-shifts/{booking.id}/timesheet")
        assert "You can fill in the timesheet once the shift has started." in too_soon.text
        assert 'name="started_time"' not in too_soon.text


def test_a_taken_shift_says_so_in_plain_words(demo_app):
    with TestClient(demo_app) as client:
        _member(client, "nurse@demo.coop")
        page = client.get("/member/shifts")
        # Someone else (a coordinator, for another nurse) is faster: on an offered shift another nurse may
        # take too (which shifts those are depends on the weekday: on a Sunday the first offered had none).
        coordinator = _actor(demo_app, "coordinator@demo.coop")
        nurse = _actor(demo_app, "nurse@demo.coop")
        with Session(demo_app.state.engine, expire_on_commit=False) as db:
            offered = [m.groups() for m in BOOK_FORM.finditer(page.text)]
            shift_id, key, other = next(
                (sid, k, c)
                for sid, k in offered
                for c in cover_service.candidates(db, coordinator, int(sid)).eligible
                if c.member_id != nurse.member_id
            )
            booking_service.book_shift(db, coordinator, int(shift_id), member_id=other.member_id)
        response = client.post(
            f"/member/shifts/{shift_id}/book",
            data={"csrf_token": csrf_from(page.text), "idempotency_key": key},
        )
        assert response.status_code == 409
        assert "We could not book that shift" in response.text
        assert "Someone else has just booked this shift." in response.text
        assert 'role="alert"' in response.text


def test_the_member_submits_a_timesheet_for_a_past_booking(demo_app):
    with TestClient(demo_app) as client:
        _member(client, "teacher@demo.coop")
        mine = client.get("/member/my-shifts")
        assert "No timesheet yet" in mine.text
        booking_id = re.search(r'href="/member/my-shifts/(\d+)/timesheet"[^>]*>Fill in the timesheet', mine.text).group(
            1
        )
        form = client.get(f"/member/my-shifts/{booking_id}/timesheet")
        assert form.status_code == 200
        started_on = re.search(r'id="started_on" name="started_on" type="date" value="([^"]+)"', form.text).group(1)
        ended_on = re.search(r'id="ended_on" name="ended_on" type="date" value="([^"]+)"', form.text).group(1)

        wrong = client.post(
            f"/member/my-shifts/{booking_id}/timesheet",
            data={
                "csrf_token": csrf_from(form.text),
                "started_on": started_on,
                "started_time": "15:00",
                "ended_on": ended_on,
                "ended_time": "08:30",
                "break_minutes": "30",
            },
        )
        assert wrong.status_code == 422
        assert "The finish is before the start." in wrong.text
        assert 'aria-describedby="ended_time-error"' in wrong.text

        sent = client.post(
            f"/member/my-shifts/{booking_id}/timesheet",
            data={
                "csrf_token": csrf_from(form.text),
                "started_on": started_on,
                "started_time": "08:25",
                "ended_on": ended_on,
                "ended_time": "15:40",
                "break_minutes": "30",
            },
        )
        assert sent.url.path == "/member/my-shifts"
        assert "Your timesheet is sent to" in sent.text
        with Session(demo_app.state.engine) as db:
            sheet = db.exec(select(Timesheet).where(Timesheet.booking_id == int(booking_id))).one()
            assert sheet.status == "submitted"
            assert sheet.break_minutes == 30
            assert sheet.worked_minutes == 7 * 60 + 15 - 30  # 08:25 to 15:40 Welsh time, less the break
            sheet_id = sheet.id

        # The client queries it and a coordinator settles it: the member then reads the co-op's note.
        coordinator = _actor(demo_app, "coordinator@demo.coop")
        with Session(demo_app.state.engine, expire_on_commit=False) as db:
            timesheet_service.query_timesheet(db, coordinator, sheet_id, "Was the break longer?")
        assert "Was the break longer?" in client.get("/member/my-shifts").text
        with Session(demo_app.state.engine, expire_on_commit=False) as db:
            timesheet_service.resolve_timesheet(db, coordinator, sheet_id, ResolveIn(comment="Checked: 30 minutes."))
        settled = client.get("/member/my-shifts").text
        assert re.search("The co-op('|&#39;)s note:", settled) and "Checked: 30 minutes." in settled


def test_a_member_cannot_open_another_members_timesheet_form(demo_app):
    with TestClient(demo_app) as client:
        _member(client, "teacher@demo.coop")
        mine = client.get("/member/my-shifts")
        booking_id = re.search(r'href="/member/my-shifts/(\d+)/timesheet"', mine.text).group(1)
    with TestClient(demo_app) as other:
        _member(other, "nurse@demo.coop")
        response = other.get(f"/member/my-shifts/{booking_id}/timesheet")
        assert response.status_code == 403
        assert "You do not have permission" in response.text
        post = other.post(
            f"/member/my-shifts/{booking_id}/timesheet",
            data={"csrf_token": csrf_from(other.get("/member").text), "started_on": "2026-01-01"},
        )
        assert post.status_code == 403


def test_my_shifts_offers_cancel_where_allowed_and_the_calendar_feed(demo_app):
    with TestClient(demo_app) as client:
        _member(client, "nurse@demo.coop")
        page = client.get("/member/my-shifts")
        assert page.status_code == 200
        assert "webcal://" in page.text
        assert "/calendar/" in page.text and ".ics" in page.text
        assert "Add Subscribed Calendar" in page.text and "From URL" in page.text
        actor = _actor(demo_app, "nurse@demo.coop")
        with Session(demo_app.state.engine, expire_on_commit=False) as db:
            upcoming = [b for b in booking_service.my_bookings(db, actor) if b.status == "booked" and b.can_cancel]
        assert upcoming, "the demo nurse has shifts to come"
        soon = upcoming[0]
        with travel_to(soon.starts_at - timedelta(hours=2)):
            late = client.get("/member/my-shifts").text
        assert f'action="/member/my-shifts/{soon.id}/cancel"' not in late
        assert "It is less than 12 hours to the start: to cancel now, call the co-op." in late
        booking = upcoming[-1]
        assert f'action="/member/my-shifts/{booking.id}/cancel"' in page.text
        cancelled = client.post(f"/member/my-shifts/{booking.id}/cancel", data={"csrf_token": csrf_from(page.text)})
        assert cancelled.url.path == "/member/my-shifts"
        assert "Your shift is cancelled" in cancelled.text


def test_the_shift_pages_speak_welsh(demo_app):
    with TestClient(demo_app) as client:
        sign_in(client, "teacher@demo.coop", DEMO_PASSWORD)  # a fluent Welsh speaker: her pages are in Welsh
        page = client.get("/member/shifts")
        assert "Sifftiau y gallwch eu harchebu" in page.text
        assert "Archebu&#39;r sifft hon" in page.text or "Archebu'r sifft hon" in page.text
        assert "Fy sifftiau" in client.get("/member/my-shifts").text


def test_the_open_shifts_filters_narrow_the_list_by_date_client_and_kind(demo_app):
    nurse = _actor(demo_app, "nurse@demo.coop")
    with Session(demo_app.state.engine, expire_on_commit=False) as db:
        offered = cover_service.open_shifts_for_member(db, nurse, limit=10_000)
    with TestClient(demo_app) as client:
        _member(client, "nurse@demo.coop")

        def shown(**filters) -> set[int]:
            page = client.get("/member/shifts", params=filters)
            assert page.status_code == 200
            return {int(shift_id) for shift_id in SHIFT_CARD.findall(page.text)}

        assert shown() == {s.id for s in offered}
        for field, value_of in (
            ("on", lambda s: s.local_date.isoformat()),
            ("client", lambda s: str(s.client_id)),
            ("kind", lambda s: s.kind),
        ):
            # The busiest day, client and kind: some of the shifts, not all of them.
            value = Counter(value_of(s) for s in offered).most_common(1)[0][0]
            expected = {s.id for s in offered if value_of(s) == value}
            assert 1 < len(expected) < len(offered), field
            assert shown(**{field: value}) == expected, field
        day = offered[0].local_date.isoformat()
        narrowest = shown(on=day, kind=offered[0].kind, client=str(offered[0].client_id))
        assert narrowest == {
            s.id
            for s in offered
            if (s.local_date, s.kind, s.client_id) == (offered[0].local_date, offered[0].kind, offered[0].client_id)
        }
        empty = client.get("/member/shifts", params={"kind": "no_such_kind"})
        assert not SHIFT_CARD.findall(empty.text)
        assert "No open shifts match these filters." in empty.text
