"""Welsh and English: the switch on every page, remembered by cookie and on the account."""

from __future__ import annotations

from sqlmodel import Session

from coop.auth.models import User
from tests import factories
from tests.web.conftest import post_form, sign_in


def test_pages_are_english_by_default(web):
    html = web.get("/sign-in").text
    assert '<html lang="en">' in html
    assert ">Sign in</h1>" in html
    assert 'lang="cy">Cymraeg</button>' in html


def test_switching_to_welsh_gives_welsh_pages_and_is_remembered(web):
    response = post_form(web, "/language", {"lang": "cy", "next": "/sign-in"}, page="/sign-in")
    assert response.url.path == "/sign-in"
    assert '<html lang="cy">' in response.text
    assert "Mewngofnodi</h1>" in response.text
    assert "Cyfrinair" in response.text
    assert 'lang="en">English</button>' in response.text
    assert '<html lang="cy">' in web.get("/sign-in").text  # the cookie remembers


def test_the_language_chosen_before_signing_in_is_kept_on_the_account(web, app, session):
    member = factories.make_member(session, with_user=True)
    post_form(web, "/language", {"lang": "cy", "next": "/sign-in"}, page="/sign-in")
    response = sign_in(web, member.email)
    assert response.url.path == "/member"
    assert "Argaeledd" in response.text and "Tystlythyrau" in response.text
    with Session(app.state.engine) as fresh:
        assert fresh.get(User, factories.user_for(session, member).id).language == "cy"


def test_a_signed_in_switch_is_stored_with_set_language(web, app, session):
    member = factories.make_member(session, with_user=True)
    sign_in(web, member.email)
    response = post_form(web, "/language", {"lang": "cy", "next": "/member/availability"}, page="/member")
    assert '<html lang="cy">' in response.text
    assert "Eich wythnos arferol" in response.text
    assert "Dydd Llun" in response.text  # weekday names from Babel's Welsh locale data
    user_id = factories.user_for(session, member).id
    with Session(app.state.engine) as fresh:
        assert fresh.get(User, user_id).language == "cy"
    back = post_form(web, "/language", {"lang": "en", "next": "/member"}, page="/member")
    assert '<html lang="en">' in back.text


def test_welsh_dates_and_error_messages(web, session):
    member = factories.make_member(session, with_user=True)
    sign_in(web, member.email)
    post_form(web, "/language", {"lang": "cy", "next": "/member"}, page="/member")
    html = web.get("/member/credentials").text
    assert "Cofrestriad NMC" in html
    response = post_form(
        web,
        "/member/availability/days-off",
        {"starts_on": "2030-05-02", "ends_on": "2030-05-01", "kind": "leave"},
        page="/member/availability",
    )
    assert "Mae'r diwrnod olaf cyn y diwrnod cyntaf." in response.text.replace("&#39;", "'")
    assert "Mae problem" in response.text


def test_the_language_switch_only_redirects_within_the_site(web):
    response = post_form(
        web,
        "/language",
        {"lang": "cy", "next": "https://evil.example/"},
        page="/sign-in",
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_an_instant_is_shown_in_welsh_time_summer_and_winter():
    from datetime import UTC, datetime

    from web.i18n import fmt_time

    assert fmt_time(datetime(2026, 7, 1, 6, 0, tzinfo=UTC), "en") == "07:00"
    assert fmt_time(datetime(2026, 12, 1, 6, 0, tzinfo=UTC), "cy") == "06:00"
