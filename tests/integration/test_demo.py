"""The demo co-op: what it holds, who can sign in, and that it loads once and the same every time."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

import demo
from coop.auth.models import User, UserRole
from coop.clients.models import Client, ClientMemberList
from coop.clock import today_local
from coop.db import make_engine
from coop.enums import ClientKind, MemberStatus, Profession, Role
from coop.members.models import AvailabilityWindow, Credential, Member
from coop.members.rules import credential_valid_on, may_work_as
from coop.migrate import upgrade
from tests.conftest import sign_in

NAMED_MEMBERS = {
    "nurse@demo.coop": Profession.nurse,
    "teacher@demo.coop": Profession.supply_teacher,
    "carer@demo.coop": Profession.care_worker,
    "board@demo.coop": Profession.nurse,
}


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _credentials_by_member(session: Session) -> dict[int, list[Credential]]:
    held: dict[int, list[Credential]] = {}
    for credential in session.exec(select(Credential)).all():
        held.setdefault(credential.member_id, []).append(credential)
    return held


def test_demo_has_members_in_all_three_professions_and_schools_wards_and_care_providers(demo_session):
    assert _count(demo_session, Member) >= 150
    for profession in Profession:
        assert _count(demo_session, Member, Member.profession == profession) >= 40
    schools = demo_session.exec(select(Client).where(Client.kind == ClientKind.school)).all()
    assert len(schools) >= 40
    assert {s.local_authority for s in schools} == {"Cardiff", "Rhondda Cynon Taf"}
    assert 0.2 <= sum(s.welsh_medium for s in schools) / len(schools) <= 0.45
    wards = demo_session.exec(select(Client).where(Client.kind == ClientKind.ward)).all()
    assert len(wards) >= 10
    assert {w.health_board for w in wards} == {
        "Cardiff and Vale University Health Board",
        "Cwm Taf Morgannwg University Health Board",
    }
    assert _count(demo_session, Client, Client.kind == ClientKind.care_provider) >= 8
    clients = demo_session.exec(select(Client)).all()
    assert all(c.postcode and c.latitude and c.longitude and c.address for c in clients)
    assert _count(demo_session, ClientMemberList) > 0


def test_every_required_credential_is_on_file_for_the_active_members_with_the_right_dbs_list(demo_session):
    held = _credentials_by_member(demo_session)
    active = demo_session.exec(select(Member).where(Member.status == MemberStatus.active)).all()
    today = today_local()
    # Two new care workers may work unregistered inside their Social Care Wales window (RULES §3.3).
    workable = [m for m in active if not may_work_as(
        status=m.status, member_profession=m.profession, profession=m.profession,
        credentials=held.get(m.id, []), on=today, care_started_on=m.care_started_on,
    )]  # fmt: skip
    assert len(workable) >= len(active) - 6
    assert all(c.verified_on <= today and c.verified_by_user_id for cs in held.values() for c in cs)


def test_some_active_members_have_credentials_expiring_within_30_days_and_a_few_have_expired(demo_session):
    today = today_local()
    held = _credentials_by_member(demo_session)
    named = set(demo_session.exec(select(Member.id).where(Member.email.in_(NAMED_MEMBERS))).all())
    active = demo_session.exec(select(Member).where(Member.status == MemberStatus.active)).all()
    expiring, expired = set(), set()
    for member in active:
        for credential in held.get(member.id, []):
            if credential.expires_on is None:
                continue
            if today <= credential.expires_on <= today + timedelta(days=30):
                expiring.add(member.id)
            elif credential.expires_on < today:
                expired.add(member.id)
    assert len(expiring) >= 8
    assert len(expired) >= 4
    assert not (expiring | expired) & named


def test_each_named_demo_sign_in_signs_in_with_the_demo_password_and_sees_its_roles(demo_api, demo_session):
    for entry in demo.SIGN_INS:
        headers = sign_in(demo_api, entry.email, demo.DEMO_PASSWORD)
        me = demo_api.get("/api/me", headers=headers).json()
        assert me["email"] == entry.email
        assert set(me["roles"]) == set(entry.roles)
        if Role.member in entry.roles:
            member = demo_session.get(Member, me["member_id"])
            assert member.email == entry.email
            assert member.profession == NAMED_MEMBERS[entry.email]
            assert member.status == MemberStatus.active
        else:
            assert me["member_id"] is None
        if Role.client in entry.roles:
            assert demo_session.get(Client, me["client_id"]) is not None
        else:
            assert me["client_id"] is None


def test_named_client_contacts_belong_to_the_school_ward_and_care_provider_described(demo_session):
    def client_of(email: str) -> Client:
        user = demo_session.exec(select(User).where(User.email == email)).one()
        return demo_session.get(Client, user.client_id)

    school = client_of("school@demo.coop")
    assert (school.kind, school.local_authority) == (ClientKind.school, "Cardiff")
    ward = client_of("ward@demo.coop")
    assert (ward.kind, ward.site) == (ClientKind.ward, "University Hospital of Wales")
    care = client_of("care@demo.coop")
    assert (care.kind, care.local_authority) == (ClientKind.care_provider, "Cardiff")


def test_the_nurse_teacher_and_carer_may_work_in_their_profession_today_and_in_30_days(demo_session):
    held = _credentials_by_member(demo_session)
    today = today_local()
    for email, profession in NAMED_MEMBERS.items():
        member = demo_session.exec(select(Member).where(Member.email == email)).one()
        assert member.max_travel_km >= 30 and member.max_hours_per_week >= 37
        for on in (today, today + timedelta(days=30), today + timedelta(days=90)):
            reasons = may_work_as(
                status=member.status, member_profession=member.profession, profession=profession,
                credentials=held[member.id], on=on, care_started_on=member.care_started_on,
            )  # fmt: skip
            assert reasons == [], (email, on, reasons)
        assert all(credential_valid_on(c, today + timedelta(days=90)) for c in held[member.id])


def test_the_named_members_availability_covers_the_coming_weeks(demo_session):
    def windows(email: str) -> list[AvailabilityWindow]:
        member = demo_session.exec(select(Member).where(Member.email == email)).one()
        query = select(AvailabilityWindow).where(AvailabilityWindow.member_id == member.id)
        return demo_session.exec(query).all()

    assert windows("nurse@demo.coop") == []  # no weekly pattern: any time
    assert sorted(w.weekday for w in windows("teacher@demo.coop")) == [0, 1, 2, 3, 4]
    assert sorted(w.weekday for w in windows("carer@demo.coop")) == [0, 1, 2, 3, 4, 5, 6]


def test_every_other_demo_member_and_client_contact_signs_in_with_the_same_password(demo_api, demo_session):
    coordinator = demo_session.exec(select(User).where(User.email == "coordinator@demo.coop")).one()
    members = demo_session.exec(select(Member)).all()
    users = {u.member_id: u for u in demo_session.exec(select(User).where(User.member_id.is_not(None))).all()}
    assert all(users[m.id].email == m.email for m in members)
    assert {u.password_hash for u in demo_session.exec(select(User)).all()} == {coordinator.password_hash}
    member_role = demo_session.exec(select(UserRole.user_id).where(UserRole.role == Role.member)).all()
    assert {u.id for u in users.values()} <= set(member_role)
    contacts = demo_session.exec(select(User.client_id).where(User.client_id.is_not(None))).all()
    assert set(contacts) == set(demo_session.exec(select(Client.id)).all())

    headers = sign_in(demo_api, demo.EXAMPLE_MEMBER_EMAIL, demo.DEMO_PASSWORD)
    assert demo_api.get("/api/me", headers=headers).json()["roles"] == [Role.member]


def test_sign_in_help_lists_every_named_sign_in_and_the_password():
    text = demo.sign_in_help("http://127.0.0.1:8000/")
    assert demo.DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/docs" in text
    for entry in demo.SIGN_INS:
        assert entry.email in text


def test_loading_again_does_nothing(demo_db_url):
    engine = make_engine(demo_db_url)
    try:
        with Session(engine) as session:
            before = _count(session, Member), _count(session, User)
        assert demo.load_if_empty(engine) is False
        assert demo.load_if_empty(engine, force=True) is False  # the demo is never loaded twice
        with Session(engine) as session:
            assert (_count(session, Member), _count(session, User)) == before
    finally:
        engine.dispose()


def test_the_demo_is_the_same_people_and_places_every_time_it_is_loaded(demo_session, tmp_path):
    url = f"sqlite:///{tmp_path / 'second.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        assert demo.load_if_empty(engine) is True
        with Session(engine) as session:
            second = _people_and_places(session)
    finally:
        engine.dispose()
    assert second == _people_and_places(demo_session)


def _people_and_places(session: Session) -> tuple:
    members = session.exec(
        select(Member.name, Member.email, Member.profession, Member.status, Member.postcode, Member.grade).order_by(
            Member.email
        )
    ).all()
    clients = session.exec(
        select(Client.name, Client.kind, Client.postcode, Client.welsh_medium).order_by(Client.id)
    ).all()
    users = session.exec(select(User.email).order_by(User.email)).all()
    return [tuple(m) for m in members], [tuple(c) for c in clients], list(users)
