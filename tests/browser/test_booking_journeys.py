"""Booking journeys on a phone: a member books a shift and sends a timesheet; a school asks for cover and
sees who is coming; a ward approves a timesheet; the school's journey again in Welsh; axe on these pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from coop.auth import service as auth_service
from coop.auth.models import User
from coop.bookings import service as booking_service
from coop.bookings.models import Timesheet
from coop.clock import LONDON, travel_to
from coop.cover import service as cover_service
from coop.db import make_engine
from tests.browser.conftest import SCREENSHOTS, axe_violations, describe, sign_in

pytestmark = pytest.mark.browser


def _with_session(live_server, work):
    engine = make_engine(live_server.database_url, sqlite_immediate=False)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return work(session)
    finally:
        engine.dispose()


def _actor(session: Session, email: str):
    return auth_service.actor_for(session, session.exec(select(User).where(User.email == email)).one())


def _book_someone(live_server, request_id: int) -> str:
    """A member takes the first shift of the request (booked by a coordinator for the best candidate)."""

    def work(session: Session) -> str:
        coordinator = _actor(session, "coordinator@demo.coop")
        cover = cover_service.get_request(session, coordinator, request_id)
        shift = cover.shifts[0]
        best = cover_service.candidates(session, coordinator, shift.id).eligible[0]
        booking_service.book_shift(session, coordinator, shift.id, member_id=best.member_id)
        return best.name

    return _with_session(live_server, work)


def _english(page) -> None:
    """Demo sign-ins fluent in Welsh start in Welsh; these journeys read in English."""
    english = page.get_by_role("button", name="English")
    if english.count():
        english.click()
        page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _booking_of(live_server, email: str, shift_id: int):
    def work(session: Session):
        return next(b for b in booking_service.my_bookings(session, _actor(session, email)) if b.shift_id == shift_id)

    return _with_session(live_server, work)


def _timesheet_of(live_server, booking_id: int) -> Timesheet | None:
    return _with_session(
        live_server, lambda session: session.exec(select(Timesheet).where(Timesheet.booking_id == booking_id)).first()
    )


def test_a_member_books_a_shift_and_later_sends_a_timesheet(phone, journey, live_server):
    phone.goto("/sign-in")
    sign_in(phone, "teacher@demo.coop")
    _english(phone)
    journey.shot("home")

    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Shifts", exact=True).click()
    expect(phone.locator("h1")).to_have_text("Shifts you can book")
    first = phone.locator("main ul.cards > li").first
    expect(first.get_by_text("Why you are offered it")).to_be_visible()
    client_name = first.locator("h3").inner_text()
    shift_id = int(first.locator("h3").get_attribute("id").removeprefix("shift-"))
    journey.shot("open-shifts")

    first.get_by_role("button", name="Book this shift").click()
    expect(phone).to_have_url(f"{live_server.url}/member/my-shifts")
    expect(phone.get_by_role("status")).to_contain_text(f"You are booked: {client_name}")
    expect(phone.get_by_role("heading", name="Your shifts in your phone's calendar")).to_be_visible()
    assert phone.get_by_role("link", name="Add to my calendar").get_attribute("href").startswith("webcal://")
    journey.shot("booked")

    # The shift just booked is worked: the live server runs in this process, so pinning the co-op's clock
    # (coop.clock.travel_to) past the shift's end moves the server's "now" too.
    booking = _booking_of(live_server, "teacher@demo.coop", shift_id)
    with travel_to(booking.ends_at + timedelta(hours=1)):
        phone.reload()
        worked = phone.locator("main ul.cards > li").filter(has=phone.locator(f"#worked-{booking.id}"))
        expect(worked).to_contain_text("No timesheet yet")
        worked.get_by_role("link", name="Fill in the timesheet").click()
        expect(phone).to_have_url(f"{live_server.url}/member/my-shifts/{booking.id}/timesheet")
        expect(phone.locator("h1")).to_have_text("Timesheet")
        expect(phone.locator("main .lead")).to_contain_text(client_name)
        start, end = (at.astimezone(LONDON).strftime("%H:%M") for at in (booking.starts_at, booking.ends_at))
        expect(phone.locator("#started_time")).to_have_value(start)
        expect(phone.locator("#ended_time")).to_have_value(end)
        phone.fill("#break_minutes", "30")
        journey.shot("timesheet-form")
        phone.get_by_role("button", name="Send the timesheet").click()
        expect(phone).to_have_url(f"{live_server.url}/member/my-shifts")
        expect(phone.get_by_role("status")).to_contain_text(f"Your timesheet is sent to {client_name}")
        expect(worked).to_contain_text("Waiting for approval")
        journey.shot("timesheet-sent")
    sheet = _timesheet_of(live_server, booking.id)
    assert sheet is not None and sheet.status == "submitted" and sheet.break_minutes == 30
    assert (sheet.started_at, sheet.ended_at) == (booking.starts_at, booking.ends_at)


def _request_cover_for_tomorrow(phone, journey, button: str) -> int:
    phone.check("#pattern-am")
    phone.fill("#notes", "Blwyddyn 4 / Year 4")
    journey.shot("cover-form")
    phone.locator("main form button[type=submit]").filter(has_text=button).click()
    expect(phone).to_have_url(re.compile(r"/client/requests/\d+$"))
    return int(phone.url.rsplit("/", 1)[1])


def test_a_school_requests_cover_for_tomorrow_and_sees_who_is_coming(phone, journey, live_server):
    phone.goto("/sign-in")
    sign_in(phone, "school@demo.coop")
    _english(phone)
    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Request cover").click()
    expect(phone.locator("h1")).to_have_text("Request cover")
    expect(phone.get_by_role("group", name="Which part of the day")).to_be_visible()
    request_id = _request_cover_for_tomorrow(phone, journey, "Request cover")
    expect(phone.get_by_role("status")).to_contain_text("Your request is sent")
    expect(phone.locator("main")).to_contain_text("Who is coming: no one yet")
    journey.shot("requested")

    name = _book_someone(live_server, request_id)
    phone.reload()
    expect(phone.locator("main")).to_contain_text(f"Who is coming: {name}")
    expect(phone.locator("main ul.cards .tag").first).to_have_text("Booked")
    journey.shot("someone-is-coming")

    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Requests").click()
    expect(phone.locator("h1")).to_have_text("Your cover requests")
    expect(phone.locator("main")).to_contain_text(name)
    journey.shot("requests")


def test_a_ward_approves_a_timesheet(phone, journey, live_server):
    phone.goto("/sign-in")
    sign_in(phone, "ward@demo.coop")
    _english(phone)
    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Timesheets").click()
    expect(phone.locator("h1")).to_have_text("Timesheets")
    card = phone.locator("main ul.cards").first.locator("> li").first
    member = card.locator("h3").inner_text().split(",")[0]
    expect(card).to_contain_text("Worked, as the member says")
    journey.shot("waiting")

    card.get_by_role("button", name="Approve").click()
    expect(phone.get_by_role("status")).to_contain_text(f"{member}'s timesheet is approved.")
    expect(phone.get_by_role("heading", name="Recently decided")).to_be_visible()
    journey.shot("approved")


def test_a_school_asks_for_cover_in_welsh_from_start_to_end(phone, journey, live_server):
    phone.goto("/sign-in")
    phone.get_by_role("button", name="Cymraeg").click()
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    sign_in(phone, "school@demo.coop")  # the language chosen before signing in is kept
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(phone.get_by_role("navigation", name="Prif ddewislen")).to_be_visible()
    journey.shot("hafan")

    phone.get_by_role("link", name="Gofyn am gyflenwad").first.click()
    expect(phone.locator("h1")).to_have_text("Gofyn am gyflenwad")
    expect(phone.get_by_role("group", name="Pa ran o'r dydd")).to_be_visible()
    expect(phone.get_by_label("Sesiwn y bore, 08:30–12:00")).to_be_visible()
    request_id = _request_cover_for_tomorrow(phone, journey, "Gofyn am gyflenwad")
    expect(phone.locator("h1")).to_have_text("Cais am gyflenwad")
    expect(phone.get_by_role("status")).to_contain_text("Mae eich cais wedi'i anfon")
    expect(phone.locator("main")).to_contain_text("Pwy sy'n dod: neb eto")
    journey.shot("cais")

    name = _book_someone(live_server, request_id)
    phone.reload()
    expect(phone.locator("main")).to_contain_text(f"Pwy sy'n dod: {name}")
    expect(phone.locator("main ul.cards .tag").first).to_have_text("Wedi'i harchebu")
    journey.shot("pwy-sy-n-dod")

    phone.get_by_role("link", name="Canslo'r sifft hon").first.click()
    expect(phone.locator("h1")).to_have_text("Canslo sifft")
    expect(phone.get_by_role("region")).to_contain_text(re.compile("Tâl canslo hwyr|Dim tâl"))
    journey.shot("canslo")

    phone.get_by_role("link", name="Cadw'r sifft").click()
    phone.get_by_role("navigation", name="Prif ddewislen").get_by_role("link", name="Ceisiadau").click()
    expect(phone.locator("h1")).to_have_text("Eich ceisiadau am gyflenwad")
    journey.shot("ceisiadau")

    phone.get_by_role("navigation", name="Prif ddewislen").get_by_role("link", name="Taflenni amser").click()
    expect(phone.locator("h1")).to_have_text("Taflenni amser")
    expect(phone.get_by_role("heading", name="Yn aros amdanoch chi")).to_be_visible()
    journey.shot("taflenni-amser")


def _ids(live_server) -> dict[str, int]:
    def work(session: Session) -> dict[str, int]:
        teacher, ward = _actor(session, "teacher@demo.coop"), _actor(session, "ward@demo.coop")
        booking = booking_service.my_bookings(session, teacher)[0]
        requests, _count = cover_service.list_requests(session, ward, status="booked")
        shift = next(s for r in requests for s in r.shifts if s.status == "booked")
        return {"booking": booking.id, "request": shift.request_id, "shift": shift.id}

    return _with_session(live_server, work)


def test_booking_pages_have_no_serious_accessibility_violations(browser, live_server):
    ids = _ids(live_server)
    failures: list[str] = []
    visits = {
        "teacher@demo.coop": {
            "member-shifts": "/member/shifts",
            "member-my-shifts": "/member/my-shifts",
            "member-timesheet": f"/member/my-shifts/{ids['booking']}/timesheet",
        },
        "ward@demo.coop": {
            "client-cover": "/client/cover",
            "client-requests": "/client/requests",
            "client-request": f"/client/requests/{ids['request']}",
            "client-cancel-shift": f"/client/shifts/{ids['shift']}/cancel",
            "client-timesheets": "/client/timesheets",
        },
    }
    directory = SCREENSHOTS / "pages"
    directory.mkdir(parents=True, exist_ok=True)
    for email, paths in visits.items():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.goto("/sign-in")
        sign_in(page, email)
        for name, path in paths.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, (name, path)
            expect(page.locator("h1")).to_have_count(1)
            page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
            if violations := axe_violations(page):
                failures.append(f"{name} ({page.url}):\n{describe(violations)}")
        if email == "ward@demo.coop":  # the cover form with its error summary
            page.goto("/client/cover")
            page.fill("#on", "")
            page.fill("#headcount", "0")
            page.locator("main form button[type=submit]").click()
            expect(page.get_by_role("alert")).to_contain_text("There is a problem")
            page.screenshot(path=str(directory / "client-cover-error.png"), full_page=True)
            if violations := axe_violations(page):
                failures.append(f"client-cover-error ({page.url}):\n{describe(violations)}")
        context.close()
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
