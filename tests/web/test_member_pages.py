"""A member's own pages: availability, profile and credentials, written through the coop use-cases."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session, select

from coop.auth import service as auth_service
from coop.clock import today_local
from coop.members import service as member_service
from coop.members.models import Credential
from tests import factories
from tests.web.conftest import post_form, sign_in


def _signed_in_member(web, session, **kw):
    member = factories.make_member(session, with_user=True, **kw)
    sign_in(web, member.email)
    return member


def _stored(app, session, member):
    with Session(app.state.engine) as fresh:
        actor = auth_service.actor_for(fresh, factories.user_for(session, member))
        return member_service.get_availability(fresh, actor, member.id)


def test_a_member_edits_their_weekly_availability_and_it_is_stored(web, app, session):
    member = _signed_in_member(web, session)
    week = {"starts_0": "08:00", "ends_0": "16:30", "starts_2": "19:00", "ends_2": "07:30"}
    for day in range(7):
        week.setdefault(f"starts_{day}", "")
        week.setdefault(f"ends_{day}", "")
    response = post_form(web, "/member/availability", week)
    assert response.url.path == "/member/availability"
    assert "Your weekly availability is saved." in response.text
    stored = _stored(app, session, member)
    assert [(w.weekday, w.starts, w.ends) for w in stored.weekly] == [
        (0, time(8, 0), time(16, 30)),
        (2, time(19, 0), time(7, 30)),
    ]
    assert 'value="19:00"' in response.text  # the form shows what was saved


def test_a_half_filled_window_is_refused_beside_its_field(web, app, session):
    member = _signed_in_member(web, session)
    response = post_form(web, "/member/availability", {"starts_1": "09:00", "ends_1": ""})
    assert response.status_code == 422
    assert 'href="#ends_1_0"' in response.text
    assert 'id="ends_1_0-error"' in response.text
    assert _stored(app, session, member).weekly == []


def test_a_member_adds_and_removes_days_off(web, app, session):
    member = _signed_in_member(web, session)
    first = today_local() + timedelta(days=10)
    response = post_form(
        web,
        "/member/availability/days-off",
        {"starts_on": first.isoformat(), "ends_on": "", "kind": "leave", "note": "Eisteddfod"},
        page="/member/availability",
    )
    assert "The days off are added." in response.text
    stored = _stored(app, session, member).exceptions
    assert [(d.starts_on, d.ends_on, d.kind, d.note) for d in stored] == [(first, first, "leave", "Eisteddfod")]
    response = post_form(
        web,
        "/member/availability/days-off/remove",
        {"starts_on": first.isoformat(), "ends_on": first.isoformat()},
        page="/member/availability",
    )
    assert "The days off are removed." in response.text
    assert _stored(app, session, member).exceptions == []


def test_the_same_days_off_twice_shows_the_coop_rule(web, session):
    _signed_in_member(web, session)
    day = (today_local() + timedelta(days=3)).isoformat()
    data = {"starts_on": day, "ends_on": day, "kind": "unavailable"}
    post_form(web, "/member/availability/days-off", data, page="/member/availability")
    response = post_form(web, "/member/availability/days-off", data, page="/member/availability")
    assert response.status_code == 422
    assert "The same days off are listed twice." in response.text


def test_a_member_edits_their_own_details(web, app, session):
    member = _signed_in_member(web, session)
    response = post_form(
        web,
        "/member/profile",
        {
            "phone": "07700 900123",
            "postcode": member.postcode,
            "welsh_level": "fluent",
            "max_hours_per_week": "30",
            "max_travel_km": "40",
        },
    )
    assert "Your profile is saved." in response.text
    with Session(app.state.engine) as fresh:
        actor = auth_service.actor_for(fresh, factories.user_for(session, member))
        saved = member_service.get_member(fresh, actor, member.id)
    assert (saved.phone, saved.welsh_level, saved.max_hours_per_week, saved.max_travel_km) == (
        "07700 900123",
        "fluent",
        30,
        40,
    )
    assert (saved.latitude, saved.longitude) == (member.latitude, member.longitude)  # postcode unchanged


def test_a_bad_number_is_shown_beside_its_field(web, session):
    _signed_in_member(web, session)
    response = post_form(
        web, "/member/profile", {"welsh_level": "none", "max_hours_per_week": "lots", "max_travel_km": "25"}
    )
    assert response.status_code == 422
    assert 'id="max_hours_per_week-error"' in response.text
    assert "Enter a whole number." in response.text


def test_credentials_show_their_state_in_words(web, session):
    soon = today_local() + timedelta(days=20)
    member = _signed_in_member(web, session, credentials_expire_on=soon)
    html = web.get("/member/credentials").text
    assert "Expires in 20 days" in html
    assert "NMC registration" in html
    home = web.get("/member").text
    assert "Credentials that need attention" in home
    assert member.name in home


def test_an_expired_credential_says_expired(web, session):
    member = _signed_in_member(web, session, credentials_expire_on=date(2020, 1, 31))
    assert member.id
    assert "Expired on 31 Jan 2020" in web.get("/member/credentials").text


def test_a_member_cannot_open_the_coordinator_pages(web, session):
    _signed_in_member(web, session)
    other = factories.make_member(session)
    response = web.get(f"/coordinator/members/{other.id}")
    assert response.status_code == 403
    assert "You do not have permission" in response.text
    assert other.name not in response.text
    assert web.get("/coordinator/members").status_code == 403
    assert web.get("/client").status_code == 403


def test_a_renewed_credential_replaces_the_expired_one(web, session):
    member = _signed_in_member(web, session)
    old = session.exec(select(Credential).where(Credential.member_id == member.id, Credential.kind == "nmc")).one()
    session.add(
        Credential(
            member_id=member.id,
            kind="nmc",
            reference="OLD-NMC",
            verified_on=date(2019, 1, 1),
            expires_on=date(2022, 1, 1),
            created_at=old.created_at,
        )
    )
    session.commit()
    html = web.get("/member/credentials").text
    assert "Replaced by a later one" in html and "Expired on" not in html
    assert "Credentials that need attention" not in web.get("/member").text
