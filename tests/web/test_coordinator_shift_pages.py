"""Coordinators' unfilled shifts (with why), an urgent shift's candidates, booking on a member's behalf and
resolving a queried timesheet, on the demo co-op."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coop.auth.models import User
from coop.auth.service import actor_for
from coop.bookings import timesheets as timesheet_service
from coop.cover import service as cover_service
from demo import DEMO_PASSWORD
from tests.web.conftest import post_form, sign_in

SHIFT_LINK = re.compile(r'<li class="shift-item urgent">.*?href="/coordinator/shifts/(\d+)"', re.S)


@pytest.fixture
def coordinator(demo_app):
    with TestClient(demo_app) as client:
        sign_in(client, "coordinator@demo.coop", DEMO_PASSWORD)
        yield client


def _staff(demo_app, session: Session):
    user = session.exec(select(User).where(User.email == "coordinator@demo.coop")).one()
    return actor_for(session, user)


def _urgent_shift_id(coordinator) -> int:
    html = coordinator.get("/coordinator/shifts").text
    match = SHIFT_LINK.search(html)
    assert match, "the demo has an urgent open shift"
    return int(match.group(1))


def test_the_unfilled_list_says_why_each_shift_is_open(coordinator):
    first = coordinator.get("/coordinator/shifts")
    assert first.status_code == 200
    assert "Urgent" in first.text and "not yet booked" in first.text
    pages = int(re.search(r"Page 1 of (\d+)", first.text).group(1))
    texts = [coordinator.get("/coordinator/shifts", params={"page": n}).text for n in range(2, pages + 1)]
    reasons = "".join([first.text, *texts])
    assert "No eligible member" in reasons
    assert re.search(r"\(members: \d+\)", reasons), "the top failing rules with their counts"
    today = coordinator.get("/coordinator/shifts", params={"when": "today"})
    assert today.status_code == 200 and "Open shifts on" in today.text
    beyond = coordinator.get("/coordinator/shifts", params={"page": "999"})
    assert f"Page {pages} of {pages}" in beyond.text and "shift-item" in beyond.text


def test_the_unfilled_list_in_welsh(coordinator):
    post_form(coordinator, "/language", {"lang": "cy", "next": "/coordinator/shifts"}, page="/coordinator/shifts")
    html = coordinator.get("/coordinator/shifts").text
    assert "<h1>Sifftiau heb eu llenwi</h1>" in html
    assert "Brys" in html and "Aelodau cymwys:" in html
    shift_id = int(SHIFT_LINK.search(html).group(1))
    html = coordinator.get(f"/coordinator/shifts/{shift_id}").text
    assert "km i ffwrdd" in html and "Archebu " in html


def test_an_urgent_shift_lists_ranked_and_ineligible_members(coordinator):
    shift_id = _urgent_shift_id(coordinator)
    html = coordinator.get(f"/coordinator/shifts/{shift_id}").text
    assert "Who can take it (best first)" in html and "1. " in html
    assert "km away" in html and "hours booked this week" in html
    assert "Who cannot take it, and why" in html
    assert "distance_km" not in html and "hours_this_week" not in html  # codes are always put in words


def test_a_coordinator_books_a_member_on_their_behalf(coordinator, demo_app):
    shift_id = _urgent_shift_id(coordinator)
    with Session(demo_app.state.engine) as session:
        found = cover_service.candidates(session, _staff(demo_app, session), shift_id)
    first = found.eligible[0]
    response = post_form(
        coordinator,
        f"/coordinator/shifts/{shift_id}/book",
        {"member_id": first.member_id},
        page=f"/coordinator/shifts/{shift_id}",
    )
    assert response.status_code == 200 and response.url.path == f"/coordinator/shifts/{shift_id}"
    assert f"{first.name} is booked on this shift." in response.text
    assert f"Booked: {first.name}" in response.text
    with Session(demo_app.state.engine) as session:
        shift = cover_service.get_shift(session, _staff(demo_app, session), shift_id)
    assert shift.status == "booked" and shift.member_id == first.member_id


def test_a_booking_the_rules_refuse_is_explained_in_plain_words(coordinator, demo_app):
    shift_id = _urgent_shift_id(coordinator)
    with Session(demo_app.state.engine) as session:
        found = cover_service.candidates(session, _staff(demo_app, session), shift_id)
    refused = found.ineligible[0]
    response = post_form(
        coordinator,
        f"/coordinator/shifts/{shift_id}/book",
        {"member_id": refused.member_id},
        page=f"/coordinator/shifts/{shift_id}",
    )
    assert response.status_code == 409
    assert "We could not book this member:" in response.text
    assert refused.reasons[0]["code"] not in response.text.split("<main", 1)[1]
    assert 'class="error-summary"' in response.text


def test_a_member_may_not_open_the_coordinator_pages(demo_app):
    with TestClient(demo_app) as client:
        sign_in(client, "nurse@demo.coop", DEMO_PASSWORD)
        for path in ("/coordinator/shifts", "/coordinator/timesheets"):
            assert client.get(path).status_code == 403


def test_a_coordinator_resolves_a_queried_timesheet(coordinator, demo_app):
    page = coordinator.get("/coordinator/timesheets").text
    sheet_id = int(re.search(r'action="/coordinator/timesheets/(\d+)/resolve"', page).group(1))
    started = re.search(rf'id="t{sheet_id}-started_at"[^>]*value="([^"]+)"', page).group(1)
    empty = post_form(
        coordinator,
        f"/coordinator/timesheets/{sheet_id}/resolve",
        {"started_at": started, "ended_at": started, "break_minutes": "20", "comment": ""},
        page="/coordinator/timesheets",
    )
    assert empty.status_code == 422
    assert f'id="t{sheet_id}-comment-error"' in empty.text
    ended = started[:11] + "15:00"
    done = post_form(
        coordinator,
        f"/coordinator/timesheets/{sheet_id}/resolve",
        {"started_at": started, "ended_at": ended, "break_minutes": "20", "comment": "Agreed with the ward: 15:00."},
        page="/coordinator/timesheets",
    )
    assert done.status_code == 200 and "The timesheet is resolved and approved." in done.text
    assert f"/coordinator/timesheets/{sheet_id}/resolve" not in done.text
    with Session(demo_app.state.engine) as session:
        sheet = timesheet_service.get_timesheet(session, _staff(demo_app, session), sheet_id)
    assert sheet.status == "approved" and sheet.resolution_comment == "Agreed with the ward: 15:00."
