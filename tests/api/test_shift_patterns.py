"""A client's shift patterns: its contacts (and coordinators) read and set them, cover requests then use them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from coop.clock import LONDON, today_local
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for

OWN = [
    {"code": "early", "label": "Early", "starts": "07:30:00", "ends": "15:30:00"},
    {"code": "twilight", "label": "Twilight", "starts": "17:00:00", "ends": "23:00:00"},
    {"code": "night", "label": "Night", "starts": "21:00:00", "ends": "07:30:00"},
]


@pytest.fixture
def ward(session):
    ward = make_client(session, kind="ward", name="Ward A4")
    other = make_client(session, kind="ward", name="Ward B2")
    nia = make_member(session, with_user=True, name="Nia")
    people = dict(
        ward_id=ward.id,
        url=f"/api/clients/{ward.id}/shift-patterns",
        coordinator=bearer(make_user(session, roles={"coordinator"})),
        contact=bearer(make_user(session, roles={"client"}, client_id=ward.id)),
        other_contact=bearer(make_user(session, roles={"client"}, client_id=other.id)),
        nia=bearer(user_for(session, nia)),
    )
    session.commit()
    return people


def _codes(response) -> list[str]:
    return [p["code"] for p in response.json()["patterns"]]


def test_a_ward_has_the_default_patterns_until_its_contact_sets_its_own(api, ward):
    shown = api.get(ward["url"], headers=ward["contact"])
    assert shown.status_code == 200 and _codes(shown) == ["early", "late", "night", "long_day"]
    assert shown.json()["patterns"][0] == {"code": "early", "label": "Early", "starts": "07:00:00", "ends": "15:00:00"}

    saved = api.put(ward["url"], json={"patterns": OWN}, headers=ward["contact"])
    assert saved.status_code == 200
    assert saved.json() == {"patterns": OWN}  # earliest start first
    assert api.get(ward["url"], headers=ward["coordinator"]).json() == {"patterns": OWN}

    by_coordinator = api.put(ward["url"], json={"patterns": OWN[:1]}, headers=ward["coordinator"])
    assert by_coordinator.status_code == 200 and _codes(by_coordinator) == ["early"]


def test_a_new_request_with_a_pattern_takes_the_clients_own_times(api, ward):
    on = today_local() + timedelta(days=3)
    body = {"client_id": ward["ward_id"], "role": "nurse", "pattern": "early", "on": on.isoformat()}
    before = api.post("/api/shift-requests", json=body, headers=ward["contact"]).json()["shifts"][0]
    assert datetime.fromisoformat(before["starts_at"]).astimezone(LONDON).strftime("%H:%M") == "07:00"

    api.put(ward["url"], json={"patterns": OWN}, headers=ward["contact"])
    early = api.post("/api/shift-requests", json=body, headers=ward["contact"]).json()["shifts"][0]
    starts, ends = (datetime.fromisoformat(early[t]).astimezone(LONDON) for t in ("starts_at", "ends_at"))
    assert (starts.date(), starts.strftime("%H:%M"), ends.strftime("%H:%M")) == (on, "07:30", "15:30")
    assert early["kind"] == "early" and early["hours"] == 8.0
    night = api.post("/api/shift-requests", json=body | {"pattern": "night"}, headers=ward["contact"]).json()
    assert night["shifts"][0]["hours"] == 10.5  # 21:00 to 07:30 the next morning
    late = api.post("/api/shift-requests", json=body | {"pattern": "late"}, headers=ward["contact"])
    assert late.status_code == 422 and late.json()["field"] == "pattern"
    assert "early, twilight, night" in late.json()["detail"]
    assert api.get(f"/api/shifts/{before['id']}", headers=ward["contact"]).json()["starts_at"] == before["starts_at"]


@pytest.mark.parametrize("who", ["other_contact", "nia"])
def test_another_clients_contact_and_a_member_may_not_read_or_set_the_patterns(api, ward, who):
    for response in (
        api.get(ward["url"], headers=ward[who]),
        api.put(ward["url"], json={"patterns": OWN}, headers=ward[who]),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden" and response.json()["detail"]
    assert _codes(api.get(ward["url"], headers=ward["contact"])) == ["early", "late", "night", "long_day"]


def test_patterns_of_an_unknown_client_are_404(api, ward):
    assert api.get("/api/clients/99999/shift-patterns", headers=ward["coordinator"]).status_code == 404
    assert (
        api.put("/api/clients/99999/shift-patterns", json={"patterns": OWN}, headers=ward["coordinator"]).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("patterns", "field", "message"),
    [
        ([], "patterns", "Give at least one pattern"),
        ([OWN[0] | {"ends": "07:00:00"}], "patterns.0.ends", "a shift lasts at most 16 hours"),
        ([OWN[0] | {"ends": OWN[0]["starts"]}], "patterns.0.ends", "a shift lasts at most 16 hours"),
        ([OWN[0] | {"starts": "07:30:00+01:00"}], "patterns.0.starts", "without an offset"),
        ([OWN[0] | {"code": "custom"}], "patterns.0.code", "'custom' is kept for shifts with their own times"),
        ([OWN[0] | {"code": "Early shift"}], "patterns.0.code", "should match pattern"),
        ([OWN[0] | {"label": ""}], "patterns.0.label", "at least 1 character"),
        ([OWN[0] | {"starts": "half seven"}], "patterns.0.starts", "valid time"),
        ([OWN[0], OWN[0] | {"label": "Early again"}], "patterns", "each pattern code once"),
    ],
)
def test_bad_patterns_are_422_naming_the_field_and_nothing_changes(api, ward, patterns, field, message):
    refused = api.put(ward["url"], json={"patterns": patterns}, headers=ward["contact"])
    assert refused.status_code == 422
    body = refused.json()
    fields = {body.get("field")} | {e["field"] for e in body.get("errors", [])}
    assert field in fields and message in body["detail"], body
    assert _codes(api.get(ward["url"], headers=ward["contact"])) == ["early", "late", "night", "long_day"]
