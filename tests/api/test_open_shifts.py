"""A member's open shifts: best first (a client worked for before, then nearer, then sooner), and each filter
narrows the list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coop.clock import today_local, utcnow
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for

HOME = dict(latitude=51.474, longitude=-3.176)  # the factories' member, CF10 1AA
FIFTEEN_KM_NORTH = dict(latitude=51.609, longitude=-3.176)


@pytest.fixture
def wards(api, session):
    known = make_client(session, kind="ward", name="Known ward", **FIFTEEN_KM_NORTH)
    near = make_client(session, kind="ward", name="Near ward", **HOME)
    far = make_client(session, kind="ward", name="Far ward", **FIFTEEN_KM_NORTH | {"longitude": -3.170})
    nia = make_member(session, with_user=True, name="Nia")
    coordinator = bearer(make_user(session, roles={"coordinator"}))
    session.commit()
    people = dict(known=known.id, near=near.id, far=far.id, nia=bearer(user_for(session, nia)), coordinator=coordinator)

    # Nia worked a shift at the known ward last week (arranged by phone, recorded by a coordinator).
    start = utcnow().replace(microsecond=0) - timedelta(days=7)
    past = request(api, people, "known", starts_at=start.isoformat(), ends_at=(start + timedelta(hours=8)).isoformat())
    booked = api.post(f"/api/shifts/{past['id']}/book", json={"member_id": nia.id}, headers=coordinator)
    assert booked.status_code == 201, booked.text

    people["shifts"] = {
        "far, in 2 days": request(api, people, "far", pattern="early", on=day(2))["id"],
        "near, in 3 days": request(api, people, "near", pattern="early", on=day(3))["id"],
        "known, in 4 days": request(api, people, "known", pattern="early", on=day(4))["id"],
        "near, in 5 days": request(api, people, "near", pattern="early", on=day(5))["id"],
        "near, late, in 6 days": request(api, people, "near", pattern="late", on=day(6))["id"],
    }
    return people


def day(n: int) -> str:
    return (today_local() + timedelta(days=n)).isoformat()


def request(api, people, client: str, **when) -> dict:
    body = {"client_id": people[client], "role": "nurse", **when}
    response = api.post("/api/shift-requests", json=body, headers=people["coordinator"])
    assert response.status_code == 201, response.text
    return response.json()["shifts"][0]


def open_shifts(api, people, **filters) -> list[str]:
    response = api.get("/api/shifts/open", params=filters, headers=people["nia"])
    assert response.status_code == 200, response.text
    names = {shift_id: name for name, shift_id in people["shifts"].items()}
    return [names[s["id"]] for s in response.json()]


def test_open_shifts_come_best_first_known_client_then_nearer_then_sooner(api, wards):
    offered = api.get("/api/shifts/open", headers=wards["nia"]).json()
    assert [s["id"] for s in offered] == [
        wards["shifts"][name]
        for name in (
            "known, in 4 days",
            "near, in 3 days",
            "near, in 5 days",
            "near, late, in 6 days",
            "far, in 2 days",
        )
    ]
    why = {s["client_name"]: s["why"] for s in offered}
    assert why == {
        "Known ward": ["worked_here_before", "within_travel"],
        "Near ward": ["near"],
        "Far ward": ["within_travel"],
    }
    assert offered[-1]["distance_km"] > 10 > offered[1]["distance_km"]


def test_the_date_filters_narrow_the_open_shifts(api, wards):
    assert open_shifts(api, wards, from_date=day(4)) == ["known, in 4 days", "near, in 5 days", "near, late, in 6 days"]
    assert open_shifts(api, wards, to_date=day(3)) == ["near, in 3 days", "far, in 2 days"]
    assert open_shifts(api, wards, from_date=day(3), to_date=day(3)) == ["near, in 3 days"]


def test_the_client_filter_narrows_the_open_shifts(api, wards):
    assert open_shifts(api, wards, client_id=wards["near"]) == [
        "near, in 3 days",
        "near, in 5 days",
        "near, late, in 6 days",
    ]
    assert open_shifts(api, wards, client_id=wards["far"]) == ["far, in 2 days"]


def test_the_kind_filter_narrows_the_open_shifts(api, wards):
    assert open_shifts(api, wards, kind="late") == ["near, late, in 6 days"]
    assert len(open_shifts(api, wards, kind="early")) == 4
    assert open_shifts(api, wards, kind="night") == []


def test_the_profession_filter_narrows_the_open_shifts(api, wards):
    assert len(open_shifts(api, wards, profession="nurse")) == 5
    assert open_shifts(api, wards, profession="care_worker") == []
    unknown = api.get("/api/shifts/open", params={"profession": "pilot"}, headers=wards["nia"])
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "profession"
