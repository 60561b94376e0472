"""axe-core on every main page at phone size: no serious or critical violations, in English and in Welsh."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from coop.clients.models import Client
from coop.db import make_engine
from coop.members.models import Member
from tests.browser.conftest import SCREENSHOTS, axe_violations, describe, sign_in

pytestmark = pytest.mark.browser


def _ids(live_server) -> tuple[int, int]:
    engine = make_engine(live_server.database_url, sqlite_immediate=False)
    try:
        with Session(engine) as session:
            member = session.exec(select(Member).where(Member.status == "active").order_by(Member.id)).first()
            client = session.exec(select(Client).where(Client.kind == "ward").order_by(Client.id)).first()
            return member.id, client.id
    finally:
        engine.dispose()


def _check(page, name: str, failures: list[str]) -> None:
    expect(page.locator("h1")).to_have_count(1)
    directory = SCREENSHOTS / "pages"
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)
    violations = axe_violations(page)
    if violations:
        failures.append(f"{name} ({page.url}):\n{describe(violations)}")


def _visit(page, paths: dict[str, str], failures: list[str]) -> None:
    for name, path in paths.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, (name, path)
        _check(page, name, failures)


def test_pages_have_no_serious_accessibility_violations(browser, live_server):
    member_id, client_id = _ids(live_server)
    failures: list[str] = []

    def context():
        return browser.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )

    anonymous = context()
    page = anonymous.new_page()
    _visit(page, {"sign-in": "/sign-in"}, failures)
    sign_in(page, "nobody@demo.coop", "wrong-password")  # the error summary state
    _check(page, "sign-in-error", failures)
    page.get_by_role("button", name="Cymraeg").click()
    _check(page, "sign-in-cy", failures)
    anonymous.close()

    visits = {
        "nurse@demo.coop": {
            "member-home": "/member",
            "availability": "/member/availability",
            "credentials": "/member/credentials",
            "profile": "/member/profile",
        },
        "coordinator@demo.coop": {
            "coordinator-home": "/coordinator",
            "coordinator-members": "/coordinator/members",
            "coordinator-member": f"/coordinator/members/{member_id}",
            "coordinator-clients": "/coordinator/clients",
            "coordinator-client": f"/coordinator/clients/{client_id}",
            "expiring-credentials": "/coordinator/expiring-credentials",
        },
        "ward@demo.coop": {
            "client-home": "/client",
            "preferred": "/client/preferred",
            "do-not-send": "/client/do-not-send",
        },
        "board@demo.coop": {"board": "/board"},
    }
    for email, paths in visits.items():
        signed_in = context()
        page = signed_in.new_page()
        page.goto("/sign-in")
        sign_in(page, email)
        _visit(page, paths, failures)
        signed_in.close()

    # A form with errors: the summary, aria-invalid fields and their messages.
    signed_in = context()
    page = signed_in.new_page()
    page.goto("/sign-in")
    sign_in(page, "nurse@demo.coop")
    page.goto("/member/availability")
    page.fill("#starts_1_0", "09:00")
    page.get_by_role("button", name="Save your week").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    _check(page, "availability-error", failures)
    signed_in.close()

    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def test_keyboard_users_skip_to_the_content_and_see_where_they_are(phone):
    phone.goto("/sign-in")
    phone.keyboard.press("Tab")
    skip = phone.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    email = phone.locator("#email")
    expect(email).to_be_focused()  # the skip link jumped past the header
    outline = email.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and outline != "solid 0px", outline
