"""Journeys on a phone: a coordinator records a credential; a member sets availability, in English and Welsh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from coop.auth import service as auth_service
from coop.auth.models import User
from coop.clock import today_local
from coop.db import make_engine
from coop.members import service as member_service
from coop.members.models import Member
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _availability(live_server, email: str):
    engine = make_engine(live_server.database_url, sqlite_immediate=False)
    try:
        with Session(engine) as session:
            user = session.exec(select(User).where(User.email == email)).one()
            return member_service.get_availability(session, auth_service.actor_for(session, user), user.member_id)
    finally:
        engine.dispose()


def _an_active_nurse(live_server) -> Member:
    engine = make_engine(live_server.database_url, sqlite_immediate=False)
    try:
        with Session(engine) as session:
            return session.exec(
                select(Member).where(Member.status == "active", Member.profession == "nurse").order_by(Member.id)
            ).first()
    finally:
        engine.dispose()


def test_coordinator_records_a_credential(phone, journey, live_server):
    member = _an_active_nurse(live_server)
    surname = member.name.split()[-1]
    phone.goto("/sign-in")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    journey.shot("sign-in")

    sign_in(phone, "coordinator@demo.coop")
    expect(phone).to_have_url(f"{live_server.url}/coordinator")
    expect(phone.locator("h1")).to_have_text("Coordinator")
    journey.shot("home")

    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Members").click()
    expect(phone.locator("h1")).to_have_text("Members")
    journey.shot("register")

    phone.fill("#q", surname)
    phone.select_option("#status", "active")
    phone.get_by_role("button", name="Search").click()
    expect(phone.get_by_role("link", name=member.name, exact=True)).to_be_visible()
    journey.shot("search-results")

    phone.get_by_role("link", name=member.name, exact=True).click()
    expect(phone.locator("h1")).to_have_text(member.name)
    journey.shot("member")

    expires = today_local() + timedelta(days=365)
    phone.select_option("#credential-kind", "mandatory_training")
    phone.fill("#credential-reference", "MT-BROWSER-1")
    phone.fill("#credential-expires_on", expires.isoformat())
    phone.get_by_role("button", name="Record the credential").click()
    expect(phone.get_by_role("status").filter(has_text="The credential is recorded.")).to_be_visible()
    expect(phone.get_by_role("cell", name="MT-BROWSER-1")).to_be_visible()
    journey.shot("credential-recorded")


def _edit_week(phone, save_label: str) -> None:
    phone.fill("#starts_0_0", "08:00")
    phone.fill("#ends_0_0", "16:00")
    phone.fill("#starts_3_0", "19:30")
    phone.fill("#ends_3_0", "07:30")
    phone.get_by_role("button", name=save_label).click()


def test_member_edits_availability(phone, journey, live_server):
    phone.goto("/sign-in")
    sign_in(phone, "nurse@demo.coop")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("h1")).to_contain_text("Hello")
    journey.shot("home")

    phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Availability").click()
    expect(phone.locator("h1")).to_have_text("Availability")
    journey.shot("availability")

    _edit_week(phone, "Save your week")
    expect(phone.get_by_role("status").filter(has_text="Your weekly availability is saved.")).to_be_visible()
    journey.shot("week-saved")

    day_off = today_local() + timedelta(days=14)
    phone.fill("#starts_on", day_off.isoformat())
    phone.select_option("#kind", "leave")
    phone.get_by_role("button", name="Add days off").click()
    expect(phone.get_by_role("status").filter(has_text="The days off are added.")).to_be_visible()
    journey.shot("day-off-added")

    stored = _availability(live_server, "nurse@demo.coop")
    monday = [(w.starts.isoformat("minutes"), w.ends.isoformat("minutes")) for w in stored.weekly if w.weekday == 0]
    assert monday == [("08:00", "16:00")]
    assert any(d.starts_on == day_off for d in stored.exceptions)


def test_member_edits_availability_in_welsh(phone, journey, live_server):
    phone.goto("/sign-in")
    phone.get_by_role("button", name="Cymraeg").click()
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(phone.locator("h1")).to_have_text("Mewngofnodi")
    journey.shot("mewngofnodi")

    sign_in(phone, "carer@demo.coop")
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    expect(phone.locator("h1")).to_contain_text("Shwmae")
    expect(phone.get_by_text("Eich tudalennau")).to_be_visible()
    journey.shot("hafan")

    phone.get_by_role("navigation", name="Prif ddewislen").get_by_role("link", name="Argaeledd").click()
    expect(phone.locator("h1")).to_have_text("Argaeledd")
    expect(phone.get_by_text("Eich wythnos arferol")).to_be_visible()
    expect(phone.get_by_text("Dydd Llun")).to_be_visible()
    journey.shot("argaeledd")

    _edit_week(phone, "Cadw eich wythnos")
    expect(phone.get_by_role("status").filter(has_text="Mae eich argaeledd wythnosol wedi'i gadw.")).to_be_visible()
    journey.shot("wythnos-wedi-cadw")

    day_off = today_local() + timedelta(days=21)
    phone.fill("#starts_on", day_off.isoformat())
    phone.select_option("#kind", "leave")
    phone.get_by_role("button", name="Ychwanegu diwrnodau i ffwrdd").click()
    expect(phone.get_by_role("status").filter(has_text="Ychwanegwyd y diwrnodau i ffwrdd.")).to_be_visible()
    journey.shot("diwrnod-i-ffwrdd")

    phone.get_by_role("navigation", name="Prif ddewislen").get_by_role("link", name="Tystlythyrau").click()
    expect(phone.locator("h1")).to_have_text("Tystlythyrau")
    expect(phone.locator("html")).to_have_attribute("lang", "cy")
    journey.shot("tystlythyrau")

    stored = _availability(live_server, "carer@demo.coop")
    thursday = [(w.starts.isoformat("minutes"), w.ends.isoformat("minutes")) for w in stored.weekly if w.weekday == 3]
    assert thursday == [("19:30", "07:30")]
