"""With the demo co-op: a client asks for cover, an eligible member books it, works it, and is approved."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from coop.clock import LONDON, today_local, travel_to
from tests.conftest import sign_in

PASSWORD = "cymru-demo"


def next_weekday(after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def iso(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).isoformat()


def test_a_school_gets_cover_from_an_eligible_teacher_end_to_end(demo_api):
    school = sign_in(demo_api, "school@demo.coop", PASSWORD)
    teacher = sign_in(demo_api, "teacher@demo.coop", PASSWORD)
    nurse = sign_in(demo_api, "nurse@demo.coop", PASSWORD)
    client_id = demo_api.get("/api/me", headers=school).json()["client_id"]
    day = next_weekday(today_local())

    posted = demo_api.post(
        "/api/shift-requests",
        headers=school,
        json={
            "client_id": client_id,
            "role": "supply_teacher",
            "starts_at": iso(day, 8, 30),
            "ends_at": iso(day, 15, 30),
            "headcount": 1,
            "requirements": {"welsh_medium": True},
            "notes": "Year 4, Mrs Jones off sick",
        },
    )
    assert posted.status_code == 201, posted.text
    request = posted.json()
    shift_id = request["shifts"][0]["id"]
    assert request["shifts"][0]["status"] == "open"

    offered = demo_api.get("/api/shifts/open", headers=teacher).json()
    mine = [s for s in offered if s["id"] == shift_id]
    assert mine and mine[0]["why"], "the eligible teacher is offered the shift with why"
    assert shift_id not in [s["id"] for s in demo_api.get("/api/shifts/open", headers=nurse).json()]

    booked = demo_api.post(f"/api/shifts/{shift_id}/book", headers=teacher)
    assert booked.status_code == 201, booked.text
    booking_id = booked.json()["id"]

    seen = demo_api.get(f"/api/shift-requests/{request['id']}", headers=school).json()
    assert seen["shifts"][0]["member_name"] and seen["shifts"][0]["status"] == "booked"
    assert seen["status"] == "booked"
    assert any(b["shift_id"] == shift_id for b in demo_api.get("/api/me/shifts", headers=teacher).json())

    with travel_to(datetime.combine(day, time(16, 0), tzinfo=LONDON)):
        sheet = demo_api.post(
            f"/api/bookings/{booking_id}/timesheet",
            headers=teacher,
            json={"started_at": iso(day, 8, 25), "ended_at": iso(day, 15, 40), "break_minutes": 30},
        )
        assert sheet.status_code == 201, sheet.text
        assert sheet.json()["worked_minutes"] == 7 * 60 + 15 - 30
        waiting = demo_api.get("/api/timesheets?status=submitted", headers=school).json()
        assert sheet.json()["id"] in [t["id"] for t in waiting]
        approved = demo_api.post(f"/api/timesheets/{sheet.json()['id']}/approve", headers=school)
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert demo_api.get(f"/api/shift-requests/{request['id']}", headers=school).json()["status"] == "completed"


def test_a_coordinator_sees_candidates_ranked_and_the_ineligible_with_why(demo_api):
    coordinator = sign_in(demo_api, "coordinator@demo.coop", PASSWORD)
    ward = sign_in(demo_api, "ward@demo.coop", PASSWORD)
    client_id = demo_api.get("/api/me", headers=ward).json()["client_id"]
    day = today_local() + timedelta(days=2)
    request = demo_api.post(
        "/api/shift-requests",
        headers=ward,
        json={"client_id": client_id, "role": "nurse", "pattern": "early", "on": str(day)},
    ).json()
    shift_id = request["shifts"][0]["id"]
    found = demo_api.get(f"/api/shifts/{shift_id}/candidates", headers=coordinator).json()
    assert found["eligible"] and found["ineligible"]
    assert [c["rank"] for c in found["eligible"]] == list(range(1, len(found["eligible"]) + 1))
    assert all(c["why"] for c in found["eligible"])
    assert all(c["reasons"] and c["reasons"][0]["code"] for c in found["ineligible"])
    first = found["eligible"][0]["member_id"]
    booked = demo_api.post(f"/api/shifts/{shift_id}/book", headers=coordinator, json={"member_id": first})
    assert booked.status_code == 201 and booked.json()["member_id"] == first
    assert demo_api.get(f"/api/shifts/{shift_id}/candidates", headers=ward).status_code == 403
