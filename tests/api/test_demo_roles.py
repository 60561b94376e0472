"""Signed in as each demo role, the API does what that role may and refuses what it may not,
including another member's or another client's records."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in

PASSWORD = "cymru-demo"


@pytest.fixture
def demo(demo_api):
    who = {}
    for email in ("coordinator", "board", "nurse", "teacher", "carer", "school", "ward", "care"):
        headers = sign_in(demo_api, f"{email}@demo.coop", PASSWORD)
        who[email] = {"headers": headers, **demo_api.get("/api/me", headers=headers).json()}
    return who


def get(api, who, url):
    return api.get(url, headers=who["headers"]).status_code


def get_json(api, who, url):
    response = api.get(url, headers=who["headers"])
    assert response.status_code == 200, response.text
    return response.json()


def test_each_demo_sign_in_has_its_role(demo):
    assert demo["coordinator"]["roles"] == ["coordinator"]
    assert demo["board"]["roles"] == ["board", "member"] and demo["board"]["member_id"]
    for member in ("nurse", "teacher", "carer"):
        assert demo[member]["roles"] == ["member"] and demo[member]["member_id"]
    for contact in ("school", "ward", "care"):
        assert demo[contact]["roles"] == ["client"] and demo[contact]["client_id"]


def test_members_reach_their_own_records_and_no_one_elses(demo_api, demo):
    nurse, teacher = demo["nurse"], demo["teacher"]
    for path in ("", "/credentials", "/availability"):
        assert get(demo_api, nurse, f"/api/members/{nurse['member_id']}{path}") == 200
        assert get(demo_api, nurse, f"/api/members/{teacher['member_id']}{path}") == 403
    assert get(demo_api, nurse, "/api/members") == 403
    assert get(demo_api, nurse, f"/api/clients/{demo['ward']['client_id']}") == 403
    assert get(demo_api, nurse, "/api/shift-requests") == 403
    assert get(demo_api, nurse, "/api/roster-runs") == 403
    patch = demo_api.patch(f"/api/members/{teacher['member_id']}", json={"phone": "1"}, headers=nurse["headers"])
    assert patch.status_code == 403


def test_client_contacts_reach_their_own_organisation_only(demo_api, demo):
    ward, school = demo["ward"], demo["school"]
    assert get(demo_api, ward, f"/api/clients/{ward['client_id']}") == 200
    assert get(demo_api, ward, f"/api/clients/{ward['client_id']}/preferred-members") == 200
    for path in ("", "/contacts", "/preferred-members", "/do-not-send"):
        assert get(demo_api, ward, f"/api/clients/{school['client_id']}{path}") == 403
    assert get(demo_api, ward, f"/api/members/{demo['nurse']['member_id']}") == 403
    assert get(demo_api, ward, "/api/members") == 403
    requests = demo_api.get("/api/shift-requests", headers=ward["headers"]).json()
    assert requests["count"] > 0 and {r["client_id"] for r in requests["data"]} == {ward["client_id"]}
    sheets = demo_api.get("/api/timesheets", headers=ward["headers"]).json()
    assert {t["client_id"] for t in sheets} == {ward["client_id"]}
    waiting = demo_api.get("/api/timesheets?status=submitted", headers=school["headers"]).json()
    assert waiting, "the demo school has a timesheet waiting for approval"
    refused = demo_api.post(f"/api/timesheets/{waiting[0]['id']}/approve", headers=ward["headers"])
    assert refused.status_code == 403 and refused.json()["detail"]
    assert get_json(demo_api, school, f"/api/timesheets/{waiting[0]['id']}")["status"] == "submitted"


def test_a_member_cannot_read_another_members_record_bookings_or_timesheets(demo_api, demo):
    carer, nurse = demo["carer"], demo["nurse"]
    bookings = get_json(demo_api, nurse, "/api/me/shifts")
    sheets = get_json(demo_api, nurse, "/api/timesheets")
    assert bookings and sheets, "the demo nurse has bookings and timesheets"
    booking, sheet = f"/api/bookings/{bookings[0]['id']}", f"/api/timesheets/{sheets[0]['id']}"
    assert get(demo_api, nurse, booking) == get(demo_api, nurse, sheet) == 200
    for path in ("", "/credentials", "/availability"):
        assert get(demo_api, carer, f"/api/members/{nurse['member_id']}{path}") == 403
    for url in (booking, sheet):
        refused = demo_api.get(url, headers=carer["headers"])
        assert refused.status_code == 403 and refused.json()["detail"]
    own = get_json(demo_api, carer, "/api/timesheets")
    assert own and {t["member_id"] for t in own} == {carer["member_id"]}
    assert {b["member_id"] for b in get_json(demo_api, carer, "/api/me/shifts")} == {carer["member_id"]}


def test_a_care_provider_cannot_read_another_clients_record_requests_or_timesheets(demo_api, demo):
    care, ward = demo["care"], demo["ward"]
    requests = get_json(demo_api, ward, "/api/shift-requests")["data"]
    sheets = get_json(demo_api, ward, "/api/timesheets?status=submitted")
    assert requests and sheets, "the demo ward has cover requests and a timesheet waiting"
    request, sheet = f"/api/shift-requests/{requests[0]['id']}", f"/api/timesheets/{sheets[0]['id']}"
    for url in (f"/api/clients/{ward['client_id']}", request, sheet):
        refused = demo_api.get(url, headers=care["headers"])
        assert refused.status_code == 403 and refused.json()["detail"], url
    assert get(demo_api, care, f"/api/shift-requests?client_id={ward['client_id']}") == 403
    queried = demo_api.post(f"{sheet}/query", json={"comment": "Not ours"}, headers=care["headers"])
    assert queried.status_code == 403
    assert get_json(demo_api, ward, sheet)["status"] == "submitted"
    own = get_json(demo_api, care, "/api/shift-requests")["data"]
    assert own and {r["client_id"] for r in own} == {care["client_id"]}
    assert {t["client_id"] for t in get_json(demo_api, care, "/api/timesheets")} == {care["client_id"]}


def test_the_board_reads_the_registers_but_does_not_change_them(demo_api, demo):
    board = demo["board"]
    assert get(demo_api, board, "/api/members") == 200
    assert get(demo_api, board, "/api/clients") == 200
    other = demo["nurse"]["member_id"]
    assert (
        demo_api.post(
            f"/api/members/{other}/status", json={"status": "suspended"}, headers=board["headers"]
        ).status_code
        == 403
    )
    assert (
        demo_api.post(
            "/api/clients", json={"kind": "school", "name": "X", "local_authority": "Cardiff"}, headers=board["headers"]
        ).status_code
        == 403
    )


def test_coordinators_manage_members_and_clients(demo_api, demo):
    coordinator = demo["coordinator"]
    members = demo_api.get("/api/members?limit=500", headers=coordinator["headers"]).json()
    assert members["count"] >= 150
    clients = demo_api.get("/api/clients?limit=500", headers=coordinator["headers"]).json()
    assert clients["count"] >= 58
    created = demo_api.post(
        "/api/members",
        headers=coordinator["headers"],
        json={"name": "Gwenllian Hopkins", "email": "gwenllian@members.demo.coop", "profession": "care_worker"},
    )
    assert created.status_code == 201
    assert (
        demo_api.post(
            f"/api/members/{created.json()['id']}/status", json={"status": "active"}, headers=coordinator["headers"]
        ).json()["status"]
        == "active"
    )
