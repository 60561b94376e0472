"""Coordinators' registers and record pages."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from coop.clients.models import ClientMemberList
from coop.clock import today_local
from coop.members.models import Credential, Member
from tests import factories
from tests.web.conftest import post_form, sign_in


def _coordinator(web, session):
    user = factories.make_user(session, roles={"coordinator"}, name="Cydlynydd Un")
    sign_in(web, user.email)
    return user


def test_the_members_register_searches_and_filters(web, session):
    factories.make_member(session, name="Ceri Morgan", profession="nurse")
    factories.make_member(session, name="Rhys Morgan", profession="supply_teacher")
    factories.make_member(session, name="Alys Jones", profession="nurse")
    _coordinator(web, session)
    html = web.get("/coordinator/members", params={"q": "morgan"}).text
    assert "Ceri Morgan" in html and "Rhys Morgan" in html and "Alys Jones" not in html
    assert "Members found: 2" in html
    html = web.get("/coordinator/members", params={"q": "morgan", "profession": "nurse"}).text
    assert "Ceri Morgan" in html and "Rhys Morgan" not in html
    html = web.get("/coordinator/members", params={"status": "suspended"}).text
    assert "Members found: 0" in html
    assert web.get("/coordinator/members", params={"profession": "wizard"}).status_code == 200


def test_the_register_pages(web, session):
    for n in range(30):
        factories.make_member(session, name=f"Aelod {n:02d}", credentials=False)
    _coordinator(web, session)
    first = web.get("/coordinator/members").text
    assert "Page 1 of 2" in first and "Aelod 24" in first and "Aelod 25" not in first
    second = web.get("/coordinator/members", params={"page": "2"}).text
    assert "Aelod 25" in second and "Previous page" in second


def test_a_coordinator_records_a_credential(web, app, session):
    member = factories.make_member(session, credentials=False)
    _coordinator(web, session)
    expires = today_local() + timedelta(days=365)
    response = post_form(
        web,
        f"/coordinator/members/{member.id}/credentials",
        {
            "credential-kind": "nmc",
            "credential-reference": "12A3456E",
            "credential-verified_on": today_local().isoformat(),
            "credential-expires_on": expires.isoformat(),
        },
        page=f"/coordinator/members/{member.id}",
    )
    assert "The credential is recorded." in response.text
    assert "12A3456E" in response.text
    with Session(app.state.engine) as fresh:
        stored = fresh.query(Credential).filter(Credential.member_id == member.id).one()
    assert (stored.kind, stored.expires_on) == ("nmc", expires)


def test_a_dbs_check_without_its_barred_list_is_refused_beside_the_field(web, session):
    member = factories.make_member(session, credentials=False)
    _coordinator(web, session)
    response = post_form(
        web,
        f"/coordinator/members/{member.id}/credentials",
        {
            "credential-kind": "dbs_enhanced",
            "credential-reference": "001234567890",
            "credential-verified_on": today_local().isoformat(),
        },
        page=f"/coordinator/members/{member.id}",
    )
    assert response.status_code == 422
    assert 'href="#credential-dbs_workforce"' in response.text
    assert "Choose the barred list" in response.text


def test_a_coordinator_changes_status_within_the_allowed_transitions(web, app, session):
    member = factories.make_member(session, status="applicant")
    _coordinator(web, session)
    page = web.get(f"/coordinator/members/{member.id}").text
    assert 'value="active"' in page and 'value="suspended"' not in page  # only the allowed next statuses
    response = post_form(
        web,
        f"/coordinator/members/{member.id}/status",
        {"status": "active", "reason": "Welcome"},
        page=f"/coordinator/members/{member.id}",
    )
    assert "The member&#39;s status is changed." in response.text
    assert "Status changed" in response.text and "Welcome" in response.text
    refused = post_form(
        web,
        f"/coordinator/members/{member.id}/status",
        {"status": "applicant"},
        page=f"/coordinator/members/{member.id}",
    )
    assert refused.status_code == 422
    assert "A member cannot move from their current status to that one." in refused.text
    with Session(app.state.engine) as fresh:
        assert fresh.get(Member, member.id).status == "active"


def test_a_coordinator_edits_a_member_and_sees_coop_rules(web, app, session):
    member = factories.make_member(session, profession="nurse")
    taken = factories.make_member(session)
    _coordinator(web, session)
    page = f"/coordinator/members/{member.id}"
    fields = {
        "name": member.name,
        "email": member.email,
        "profession": "nurse",
        "membership_class": "worker",
        "grade": "6",
        "skills": "paediatrics, theatre",
        "welsh_level": "learner",
        "postcode": member.postcode,
        "max_hours_per_week": "37",
        "max_travel_km": "25",
    }
    response = post_form(web, page, fields)
    assert "The member&#39;s details are saved." in response.text
    with Session(app.state.engine) as fresh:
        saved = fresh.get(Member, member.id)
        assert (saved.grade, saved.skills, saved.welsh_level) == ("6", ["paediatrics", "theatre"], "learner")
    response = post_form(web, page, {**fields, "grade": "M3"})
    assert response.status_code == 422 and "That grade is not on the ladder for this profession." in response.text
    response = post_form(web, page, {**fields, "email": taken.email})
    assert "Someone is already registered with that e-mail address." in response.text


def test_expiring_credentials_lists_the_soonest_first(web, session):
    later = factories.make_member(session, name="Later", credentials_expire_on=today_local() + timedelta(days=25))
    sooner = factories.make_member(session, name="Sooner", credentials_expire_on=today_local() + timedelta(days=5))
    factories.make_member(session, name="Fine")
    _coordinator(web, session)
    html = web.get("/coordinator/expiring-credentials").text
    assert html.index(sooner.name) < html.index(later.name)
    assert "Fine" not in html.split("<main")[1]
    assert "Expires in 5 days" in html


def test_clients_register_and_client_page_with_lists(web, app, session):
    ward = factories.make_client(session, kind="ward", name="Ward Dewi")
    factories.make_client(session, kind="school", name="Ysgol Gymraeg")
    nurse = factories.make_member(session, name="Nyrs Un", profession="nurse")
    teacher = factories.make_member(session, name="Athro Un", profession="supply_teacher")
    _coordinator(web, session)
    html = web.get("/coordinator/clients", params={"kind": "ward"}).text
    assert "Ward Dewi" in html and "Ysgol Gymraeg" not in html
    page = web.get(f"/coordinator/clients/{ward.id}").text
    assert f'value="{nurse.id}">Nyrs Un' in page and "Athro Un" not in page  # only the ward's profession
    response = post_form(
        web,
        f"/coordinator/clients/{ward.id}/do-not-send",
        {"member_id": str(nurse.id)},
        page=f"/coordinator/clients/{ward.id}",
    )
    assert "Nyrs Un is added to the list." in response.text
    with Session(app.state.engine) as fresh:
        entry = fresh.query(ClientMemberList).one()
        assert (entry.member_id, entry.list) == (nurse.id, "do_not_send")
    response = post_form(
        web, f"/coordinator/clients/{ward.id}/do-not-send/{nurse.id}/remove", {}, page=f"/coordinator/clients/{ward.id}"
    )
    assert "The member is taken off the list." in response.text
    assert teacher.id


def test_a_coordinator_edits_a_client(web, app, session):
    school = factories.make_client(session, kind="school", name="Ysgol")
    _coordinator(web, session)
    page = f"/coordinator/clients/{school.id}"
    base = {"name": "Ysgol y Wern", "local_authority": "Cardiff", "postcode": school.postcode}
    response = post_form(web, page, {**base, "welsh_medium": "yes", "cancellation_notice_hours": "24"})
    assert "The client&#39;s details are saved." in response.text
    response = post_form(web, page, {**base, "local_authority": ""})
    assert response.status_code == 422
    assert "Give the local authority for a school or care provider" in response.text
