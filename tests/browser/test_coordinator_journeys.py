"""A coordinator's day on a phone: book a member onto an urgent shift, run next week's roster for one ward
(watching it solve without reloading), apply it; and axe-core on the coordinator's daily-work pages.

The live server is shared with the other journeys, so this one keeps its footprint small: it books a member
who is not one of the demo sign-ins, on a shift of a client no demo contact belongs to, and rosters that
one ward only.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from coop.auth import service as auth_service
from coop.auth.models import User
from coop.clients.models import Client
from coop.clock import today_local, utcnow
from coop.cover import service as cover_service
from coop.db import make_engine
from coop.rostering import service as roster_service
from coop.shifts.models import Shift
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.browser
ROSTER_CLIENT = "Critical Care Unit"


def _urgent_choice(live_server) -> tuple[int, str]:
    """An urgent open shift of a client no demo contact belongs to, and its best member not a demo sign-in."""
    engine = make_engine(live_server.database_url, sqlite_immediate=False)
    try:
        with Session(engine) as session:
            users = session.exec(select(User).where(col(User.email).like("%@demo.coop"))).all()
            contacts = {u.client_id for u in users if u.client_id}
            demo_members = {u.member_id for u in users if u.member_id}
            coordinator = next(u for u in users if u.email == "coordinator@demo.coop")
            actor = auth_service.actor_for(session, coordinator)
            now = utcnow()
            shifts = session.exec(
                select(Shift)
                .where(Shift.status == "open", Shift.starts_at > now + timedelta(minutes=30))
                .where(Shift.starts_at <= now + timedelta(hours=24))
                .order_by(Shift.starts_at, Shift.id)
            ).all()
            for shift in shifts:
                if shift.client_id in contacts:
                    continue
                found = cover_service.candidates(session, actor, shift.id)
                chosen = [c for c in found.eligible if c.member_id not in demo_members]
                if chosen and found.ineligible:
                    return shift.id, chosen[0].name
    finally:
        engine.dispose()
    pytest.fail("the demo has no urgent shift to book")


def _roster_client_id(live_server, name: str = ROSTER_CLIENT) -> int:
    engine = make_engine(live_server.database_url, sqlite_immediate=False)
    try:
        with Session(engine) as session:
            return session.exec(select(Client.id).where(Client.name == name)).one()
    finally:
        engine.dispose()


def test_coordinator_books_an_urgent_shift_and_applies_next_weeks_roster(phone, journey, live_server):
    shift_id, member_name = _urgent_choice(live_server)
    sign_in(phone, "coordinator@demo.coop")
    expect(phone.locator("h1")).to_have_text("Coordinator")

    # Unfilled shifts: urgent ones say so in words, each with why it is unfilled.
    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Unfilled shifts").click()
    expect(phone.locator("h1")).to_have_text("Unfilled shifts")
    expect(phone.locator(".shift-item .tag", has_text="Urgent").first).to_be_visible()
    expect(phone.locator(".shift-reason").first).to_contain_text("Eligible members")
    journey.shot("unfilled-shifts")

    link = phone.locator(f'a[href="/coordinator/shifts/{shift_id}"]')
    if link.count():
        link.first.click()
    else:
        phone.goto(f"/coordinator/shifts/{shift_id}")
    expect(phone.locator(".candidates .candidate").first).to_be_visible()
    expect(phone.locator("dl.details")).to_contain_text("Urgent")
    expect(phone.get_by_role("heading", name="Who cannot take it, and why")).to_be_visible()
    journey.shot("urgent-shift-candidates")

    phone.get_by_role("button", name=f"Book {member_name}").click()
    expect(phone.locator(".notice")).to_contain_text(f"{member_name} is booked on this shift.")
    expect(phone.locator("dl.details")).to_contain_text(f"Booked: {member_name}")
    journey.shot("booked-on-their-behalf")

    # Next week's roster for one ward, ten seconds at most.
    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Rosters").click()
    expect(phone.locator("h1")).to_have_text("Rosters")
    expect(phone.locator("#time_limit_s")).to_have_value("20")
    phone.locator("summary", has_text="Only some clients").click()
    phone.check(f"#client-{_roster_client_id(live_server)}")
    phone.fill("#time_limit_s", "10")
    journey.shot("start-a-run")

    navigations: list[str] = []
    phone.get_by_role("button", name="Start the roster run").click()
    expect(phone.locator("#run-progress progress")).to_be_visible()
    journey.shot("run-queued")
    run_url = phone.url
    phone.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == phone.main_frame else None)

    # The progress updates in place (no navigation) until the run has finished.
    expect(phone.locator("#progress-status")).to_have_text("Finished", timeout=30_000)
    assert navigations == [], "the progress updated by reloading the page"
    assert float(phone.locator("#progress-bar").evaluate("bar => bar.value")) > 0
    expect(phone.locator("#progress-elapsed")).to_contain_text("of 10 seconds")
    journey.shot("run-finished")

    # Then the page shows the proposal.
    expect(phone.get_by_role("heading", name="The proposal")).to_be_visible(timeout=10_000)
    assert phone.url == run_url
    expect(phone.get_by_role("heading", name="Proposed bookings, day by day")).to_be_visible()
    expect(phone.locator("#run-progress")).to_have_count(0)
    journey.shot("proposal")

    phone.get_by_role("button", name="Apply the roster").click()
    expect(phone.locator(".notice")).to_contain_text("The roster is applied")
    expect(phone.get_by_role("heading", name="What was booked")).to_be_visible()
    expect(phone.locator("#result-title + p + p")).to_contain_text("Shifts booked:")
    expect(phone.get_by_role("button", name="Apply the roster")).to_have_count(0)
    journey.shot("applied")


def test_coordinator_daily_work_pages_have_no_serious_accessibility_violations(phone, live_server):
    shift_id, _ = _urgent_choice(live_server)
    sign_in(phone, "coordinator@demo.coop")
    failures = []
    try:
        for language in ("en", "cy"):
            _axe_in(phone, language, shift_id, failures)
    finally:
        # The choice is kept on the account: leave the shared demo coordinator in English.
        phone.goto("/coordinator")
        english = phone.locator("form.language button[lang=en]")
        if english.count():
            english.click()
            expect(phone.locator("html")).to_have_attribute("lang", "en")
    assert not failures, "\n".join(failures)


def _axe_in(phone, language: str, shift_id: int, failures: list[str]) -> None:
    if language == "cy":
        phone.locator("form.language button[lang=cy]").click()
        expect(phone.locator("html")).to_have_attribute("lang", "cy")
    for path in (
        "/coordinator",
        "/coordinator/shifts",
        f"/coordinator/shifts/{shift_id}",
        "/coordinator/rosters",
        "/coordinator/timesheets",
    ):
        response = phone.goto(path)
        assert response is not None and response.status == 200, path
        violations = axe_violations(phone)
        if violations:
            failures.append(f"{language} {path}:\n{describe(violations)}")
    runs = phone.locator('table a[href^="/coordinator/rosters/"]')
    if runs.count():
        runs.first.click()
        violations = axe_violations(phone)
        if violations:
            failures.append(f"{language} {phone.url}:\n{describe(violations)}")


def _another_client_open_next_week(live_server, besides: str = ROSTER_CLIENT) -> int:
    """A ward other than ``besides`` with open shifts next week (the demo's shifts follow today's date)."""
    engine = make_engine(live_server.database_url, sqlite_immediate=False)
    try:
        with Session(engine) as session:
            monday, sunday = roster_service.next_week(today_local())
            found = session.exec(
                select(Client.id)
                .join(Shift, Shift.client_id == Client.id)
                .where(Client.kind == "ward", Client.name != besides, Shift.status == "open")
                .where(Shift.local_date >= monday, Shift.local_date <= sunday)
                .order_by(Client.id)
            ).first()
    finally:
        engine.dispose()
    assert found is not None, "the demo has no other ward with open shifts next week"
    return found


def test_without_javascript_the_run_page_refreshes_itself_until_the_proposal_is_ready(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "coordinator@demo.coop")
        page.goto("/coordinator/rosters")
        page.locator("summary", has_text="Only some clients").click()
        page.check(f"#client-{_another_client_open_next_week(live_server)}")
        page.fill("#time_limit_s", "5")
        page.get_by_role("button", name="Start the roster run").click()
        expect(page.locator("#run-progress progress")).to_be_visible()
        # Nothing is applied here: the <noscript> refresh alone brings the proposal.
        expect(page.get_by_role("heading", name="The proposal")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Apply the roster")).to_be_visible()
    finally:
        context.close()
