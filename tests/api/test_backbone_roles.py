"""Signed in as each role, the API does what that role may and refuses what it may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from coop.clock import today_local
from tests.conftest import bearer, sign_in
from tests.factories import PASSWORD, make_client, make_member, make_user, user_for


@pytest.fixture
def people(session):
    coordinator = make_user(session, roles={"coordinator"}, email="coord@tests.coop")
    board = make_user(session, roles={"board"}, email="board@tests.coop")
    nurse = make_member(session, with_user=True, email="nurse@tests.coop", name="Nia Nurse")
    other = make_member(session, with_user=True, email="other@tests.coop", name="Owain Other")
    ward = make_client(session, kind="ward", name="Ward A4")
    school = make_client(session, kind="school", name="Ysgol Pwll Coch")
    ward_contact = make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)
    people = dict(
        coordinator=bearer(coordinator),
        board=bearer(board),
        nurse=bearer(user_for(session, nurse)),
        nurse_id=nurse.id,
        other_id=other.id,
        ward=bearer(ward_contact),
        ward_id=ward.id,
        school_id=school.id,
    )
    session.commit()  # end the read so the test's later queries see what the API writes
    return people


def test_sign_in_returns_a_bearer_token_and_me_says_who_i_am(api, session):
    member = make_member(session, with_user=True, email="rhys@tests.coop")
    headers = sign_in(api, "Rhys@Tests.coop", PASSWORD)
    me = api.get("/api/me", headers=headers).json()
    assert me["roles"] == ["member"] and me["member_id"] == member.id and me["client_id"] is None


def test_wrong_password_is_401_with_a_plain_message(api, session):
    make_member(session, with_user=True, email="rhys@tests.coop")
    response = api.post("/api/auth/token", data={"username": "rhys@tests.coop", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong e-mail or password."


def test_no_token_is_401(api):
    assert api.get("/api/me").status_code == 401
    assert api.get("/api/members").status_code == 401


def test_coordinator_registers_a_member_with_a_sign_in(api, people):
    body = {
        "name": "Ffion Evans",
        "email": "Ffion@Tests.coop",
        "profession": "supply_teacher",
        "grade": "M2",
        "skills": ["SEN", "primary", "SEN"],
        "welsh_level": "fluent",
        "postcode": "cf14 4xw",
        "max_hours_per_week": 30,
        "password": "a-good-long-password",
    }
    response = api.post("/api/members", json=body, headers=people["coordinator"])
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["id"] and created["status"] == "applicant" and created["skills"] == ["SEN", "primary"]
    assert created["postcode"] == "CF14 4XW" and created["latitude"] is not None
    me = api.get("/api/me", headers=sign_in(api, "ffion@tests.coop", "a-good-long-password")).json()
    assert me["member_id"] == created["id"]


def test_duplicate_email_is_409(api, people):
    body = {"name": "Twin", "email": "nurse@tests.coop", "profession": "nurse"}
    response = api.post("/api/members", json=body, headers=people["coordinator"])
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_email"


def test_bad_input_is_422_naming_the_field(api, people):
    response = api.post(
        "/api/members",
        json={"name": "X", "email": "not-an-email", "profession": "pilot"},
        headers=people["coordinator"],
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"email", "profession"} <= fields
    assert "email" in response.json()["detail"]


def test_a_grade_from_another_profession_is_refused(api, people):
    response = api.post(
        "/api/members",
        json={"name": "X", "email": "x@tests.coop", "profession": "nurse", "grade": "M3"},
        headers=people["coordinator"],
    )
    assert response.status_code == 422 and response.json()["field"] == "grade"


def test_member_lists_are_for_coordinators_and_board_only(api, people):
    assert api.get("/api/members", headers=people["coordinator"]).json()["count"] == 2
    assert api.get("/api/members?q=nia", headers=people["board"]).json()["count"] == 1
    assert api.get("/api/members", headers=people["nurse"]).status_code == 403
    assert api.get("/api/members", headers=people["ward"]).status_code == 403


def test_member_list_filters_and_pages(api, people):
    page = api.get("/api/members?profession=nurse&status=active&limit=1&offset=1", headers=people["coordinator"])
    assert page.json()["count"] == 2 and len(page.json()["data"]) == 1
    assert api.get("/api/members?profession=supply_teacher", headers=people["coordinator"]).json()["count"] == 0


def test_a_member_reads_and_edits_only_their_own_record(api, people):
    own = f"/api/members/{people['nurse_id']}"
    assert api.get(own, headers=people["nurse"]).status_code == 200
    edited = api.patch(own, json={"phone": "07700 900123", "max_travel_km": 40}, headers=people["nurse"])
    assert edited.status_code == 200 and edited.json()["max_travel_km"] == 40
    assert api.get(f"/api/members/{people['other_id']}", headers=people["nurse"]).status_code == 403
    assert (
        api.patch(f"/api/members/{people['other_id']}", json={"phone": "1"}, headers=people["nurse"]).status_code == 403
    )


def test_a_member_cannot_change_what_coordinators_verify(api, people):
    response = api.patch(f"/api/members/{people['nurse_id']}", json={"grade": "7"}, headers=people["nurse"])
    assert response.status_code == 403 and "grade" in response.json()["detail"]


def test_unknown_member_is_404(api, people):
    assert api.get("/api/members/99999", headers=people["coordinator"]).status_code == 404


def test_status_changes_follow_the_lifecycle_and_are_kept(api, people, session):
    url = f"/api/members/{people['other_id']}/status"
    assert api.post(url, json={"status": "suspended"}, headers=people["coordinator"]).json()["status"] == "suspended"
    assert api.post(url, json={"status": "withdrawn"}, headers=people["coordinator"]).json()["left_on"]
    refused = api.post(url, json={"status": "active"}, headers=people["coordinator"])
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_status_transition"
    assert api.post(url, json={"status": "active"}, headers=people["nurse"]).status_code == 403
    from coop.history import HistoryEvent

    changes = session.exec(
        select(HistoryEvent).where(HistoryEvent.entity == "member", HistoryEvent.entity_id == people["other_id"])
    ).all()
    assert [(c.from_state, c.to_state) for c in changes] == [("active", "suspended"), ("suspended", "withdrawn")]


def test_credentials_say_whether_each_is_valid_today(api, people):
    url = f"/api/members/{people['nurse_id']}/credentials"
    today = today_local()
    body = {
        "kind": "nmc",
        "reference": "12A3456E",
        "verified_on": str(today - timedelta(days=400)),
        "expires_on": str(today - timedelta(days=1)),
    }
    assert api.post(url, json=body, headers=people["coordinator"]).status_code == 201
    assert api.post(url, json=body, headers=people["nurse"]).status_code == 403
    listed = api.get(url, headers=people["nurse"]).json()
    expired = [c for c in listed if c["reference"] == "12A3456E"][0]
    assert expired["valid_today"] is False
    assert any(c["valid_today"] for c in listed if c["kind"] == "nmc")
    assert api.get(f"/api/members/{people['other_id']}/credentials", headers=people["nurse"]).status_code == 403


def test_a_credential_expiring_before_it_was_verified_is_422(api, people):
    body = {
        "kind": "dbs_enhanced",
        "reference": "001",
        "verified_on": "2026-01-10",
        "expires_on": "2025-01-01",
        "dbs_workforce": "adults",
    }
    response = api.post(f"/api/members/{people['nurse_id']}/credentials", json=body, headers=people["coordinator"])
    assert response.status_code == 422


def test_availability_is_a_weekly_pattern_plus_days_off(api, people):
    url = f"/api/members/{people['nurse_id']}/availability"
    assert api.get(url, headers=people["nurse"]).json() == {"weekly": [], "exceptions": []}
    body = {
        "weekly": [
            {"weekday": 0, "starts": "19:00", "ends": "08:00"},
            {"weekday": 2, "starts": "07:00", "ends": "20:00"},
        ],
        "exceptions": [{"starts_on": "2026-12-24", "ends_on": "2026-12-27", "kind": "leave", "note": "Nadolig"}],
    }
    stored = api.put(url, json=body, headers=people["nurse"])
    assert stored.status_code == 200 and len(stored.json()["weekly"]) == 2
    assert api.get(url, headers=people["coordinator"]).json()["exceptions"][0]["note"] == "Nadolig"
    assert (
        api.put(f"/api/members/{people['other_id']}/availability", json=body, headers=people["nurse"]).status_code
        == 403
    )
    assert api.get(url, headers=people["ward"]).status_code == 403


def test_clients_are_created_by_coordinators_with_their_parent_body(api, people):
    ok = api.post(
        "/api/clients",
        json={"kind": "school", "name": "Ysgol Glan Morfa", "local_authority": "Cardiff", "postcode": "CF24 2QS"},
        headers=people["coordinator"],
    )
    assert ok.status_code == 201 and ok.json()["latitude"] is not None
    missing = api.post(
        "/api/clients",
        json={"kind": "ward", "name": "Ward 7", "health_board": "CTM UHB"},
        headers=people["coordinator"],
    )
    assert missing.status_code == 422 and "site" in missing.json()["detail"]
    refused = api.post(
        "/api/clients", json={"kind": "school", "name": "X", "local_authority": "Cardiff"}, headers=people["ward"]
    )
    assert refused.status_code == 403


def test_a_client_contact_sees_only_their_own_organisation(api, people):
    listed = api.get("/api/clients", headers=people["ward"]).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == people["ward_id"]
    assert api.get(f"/api/clients/{people['ward_id']}", headers=people["ward"]).status_code == 200
    assert api.get(f"/api/clients/{people['school_id']}", headers=people["ward"]).status_code == 403
    assert api.get(f"/api/clients/{people['school_id']}/contacts", headers=people["ward"]).status_code == 403
    assert api.get("/api/clients", headers=people["nurse"]).status_code == 403
    assert api.get("/api/clients", headers=people["coordinator"]).json()["count"] == 2


def test_a_contact_edits_their_details_but_not_the_terms(api, people):
    url = f"/api/clients/{people['ward_id']}"
    assert api.patch(url, json={"phone": "029 2074 7747"}, headers=people["ward"]).status_code == 200
    assert api.patch(url, json={"cancellation_notice_hours": 1}, headers=people["ward"]).status_code == 403
    assert api.patch(url, json={"cancellation_notice_hours": 48}, headers=people["coordinator"]).status_code == 200


def test_coordinators_add_client_contacts_who_can_then_sign_in(api, people):
    url = f"/api/clients/{people['school_id']}/contacts"
    body = {"name": "Mrs Price", "email": "price@tests.coop", "password": "another-long-one"}
    assert api.post(url, json=body, headers=people["coordinator"]).status_code == 201
    me = api.get("/api/me", headers=sign_in(api, "price@tests.coop", "another-long-one")).json()
    assert me["roles"] == ["client"] and me["client_id"] == people["school_id"]
    assert api.post(url, json=body | {"email": "x@tests.coop"}, headers=people["ward"]).status_code == 403


def test_preferred_and_do_not_send_lists_belong_to_their_client(api, people):
    preferred = f"/api/clients/{people['ward_id']}/preferred-members"
    dns = f"/api/clients/{people['ward_id']}/do-not-send"
    assert api.post(preferred, json={"member_id": people["nurse_id"]}, headers=people["ward"]).status_code == 201
    clash = api.post(dns, json={"member_id": people["nurse_id"]}, headers=people["ward"])
    assert clash.status_code == 409 and clash.json()["code"] == "already_listed"
    assert (
        api.post(
            dns, json={"member_id": people["other_id"], "note": "late twice"}, headers=people["coordinator"]
        ).status_code
        == 201
    )
    assert [e["member_id"] for e in api.get(dns, headers=people["ward"]).json()] == [people["other_id"]]
    other_client = f"/api/clients/{people['school_id']}/do-not-send"
    assert api.post(other_client, json={"member_id": people["other_id"]}, headers=people["ward"]).status_code == 403
    assert api.get(preferred, headers=people["nurse"]).status_code == 403
    assert api.delete(f"{preferred}/{people['nurse_id']}", headers=people["ward"]).status_code == 204
    assert api.delete(f"{preferred}/{people['nurse_id']}", headers=people["ward"]).status_code == 404
    assert api.post(dns, json={"member_id": 99999}, headers=people["ward"]).status_code == 404
