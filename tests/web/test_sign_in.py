"""Signing in and out: each role lands on its own home, wrong passwords and forged forms are refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from coop.config import Settings
from server.app import create_app
from tests import factories
from tests.conftest import SECRET
from tests.web.conftest import csrf_from, post_form, sign_in


def test_pages_need_a_sign_in(web):
    response = web.get("/member/availability", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/member/availability"


@pytest.mark.parametrize(
    ("roles", "home"),
    [
        ({"member"}, "/member"),
        ({"client"}, "/client"),
        ({"coordinator"}, "/coordinator"),
        ({"admin"}, "/coordinator"),
        ({"board"}, "/board"),
    ],
)
def test_each_role_lands_on_its_own_home(web, session, roles, home):
    extra = {}
    if "member" in roles:
        extra["member_id"] = factories.make_member(session).id
    if "client" in roles:
        extra["client_id"] = factories.make_client(session).id
    user = factories.make_user(session, roles=roles, **extra)
    response = sign_in(web, user.email)
    assert response.status_code == 200
    assert response.url.path == home
    assert "Signed in as" in response.text


def test_sign_in_returns_to_the_page_asked_for(web, session):
    member = factories.make_member(session, with_user=True)
    web.get("/member/credentials")
    response = post_form(
        web,
        "/sign-in",
        {"email": member.email, "password": factories.PASSWORD, "next": "/member/credentials"},
        page="/sign-in",
    )
    assert response.url.path == "/member/credentials"


def test_a_wrong_password_is_refused_with_a_clear_message(web, session):
    user = factories.make_user(session, roles={"coordinator"})
    response = sign_in(web, user.email, "not-the-password")
    assert response.url.path == "/sign-in"
    assert "The e-mail address or password is not right" in response.text
    assert web.get("/coordinator", follow_redirects=False).status_code == 303


def test_empty_fields_are_tied_to_their_inputs(web):
    response = sign_in(web, "", "")
    assert 'id="email" name="email"' in response.text
    assert 'aria-describedby="email-error" aria-invalid="true"' in response.text
    assert 'href="#password"' in response.text  # the error summary links to the field


def test_a_post_without_the_csrf_token_is_refused(web, session):
    user = factories.make_user(session, roles={"coordinator"})
    web.get("/sign-in")
    response = web.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert '<html lang="en">' in response.text


def test_a_post_with_another_sessions_token_is_refused(web, app, session):
    user = factories.make_user(session, roles={"coordinator"})
    with TestClient(app) as other:
        stolen = csrf_from(other.get("/sign-in").text)
    web.get("/sign-in")
    response = web.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": stolen})
    assert response.status_code == 403


def test_the_session_cookie_is_httponly_and_samesite_lax(web, session):
    user = factories.make_user(session, roles={"coordinator"})
    response = sign_in(web, user.email, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain http in tests


def test_the_session_cookie_is_secure_when_served_over_https(db_url):
    settings = Settings(
        database_url=db_url, secret_key=SECRET, embedded_worker=False, public_url="https://cover.example"
    )
    app = create_app(settings)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            response = client.get("/sign-in")
            assert "secure" in response.headers["set-cookie"].lower()
    finally:
        app.state.engine.dispose()


def test_signing_out_ends_the_session(web, session):
    user = factories.make_user(session, roles={"coordinator"})
    sign_in(web, user.email)
    response = post_form(web, "/sign-out", {}, page="/coordinator")
    assert response.url.path == "/sign-in"
    assert "You have signed out." in response.text
    assert web.get("/coordinator", follow_redirects=False).status_code == 303


def test_sign_out_is_post_only(web, session):
    user = factories.make_user(session, roles={"coordinator"})
    sign_in(web, user.email)
    assert web.get("/sign-out").status_code in (404, 405)
    assert web.get("/coordinator").status_code == 200


def test_an_unknown_page_is_a_page_not_json(web):
    response = web.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page." in response.text
    assert web.get("/api/no-such-thing").headers["content-type"].startswith("application/json")


def test_a_mistyped_address_is_a_missing_page(web, session):
    user = factories.make_user(session, roles={"coordinator"})
    sign_in(web, user.email)
    response = web.get("/coordinator/members/not-a-number")
    assert response.status_code == 404
    assert "We could not find that page." in response.text
