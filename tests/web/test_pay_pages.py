"""Pay pages: a member's "My pay" and the coordinators' pay runs, in Welsh and English, refused to other roles,
with form errors shown beside their fields."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from coop.bookings import timesheets as timesheet_service
from coop.pay import service as pay_service
from coop.pay.models import PayRun
from tests import factories
from tests.integration.test_pay_runs import COORDINATOR, NIGHT, worked_timesheet
from tests.web.conftest import csrf_from, post_form, sign_in


@pytest.fixture
def night(session):
    pay_service.load_rate_cards(session=session)
    member = factories.make_member(session, with_user=True, grade="5", payroll_reference="PR-9")
    ward = factories.make_client(session, kind="ward")
    sheet = worked_timesheet(session, member, ward, *NIGHT, 30)
    timesheet_service.approve_timesheet(session, COORDINATOR, sheet.id)
    coordinator = factories.make_user(session, roles={"coordinator"})
    return member, coordinator


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["My pay", "Holiday pay", "Sunday", "Approved, not yet in a pay run"]),
        ("cy", ["Fy nhâl", "Tâl gwyliau", "Dydd Sul", "heb fod mewn rhediad cyflogres eto"]),
    ],
)
def test_a_member_sees_the_night_by_band_with_holiday_pay_in_both_languages(web, night, lang, words):
    member, _ = night
    sign_in(web, member.email)
    post_form(web, "/language", {"lang": lang, "next": "/member"}, page="/member")
    page = web.get("/member/pay?start=2026-10-19&end=2026-10-25")
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    assert re.search(r"348[.,]29", page.text)  # the night's total, £348.29
    assert re.search(r"236[.,]16", page.text)  # Sunday's 9 hours at +60%


def test_dates_out_of_order_are_shown_beside_the_field(web, night):
    member, _ = night
    sign_in(web, member.email)
    page = web.get("/member/pay?start=2026-10-25&end=2026-10-19")
    assert page.status_code == 422
    assert 'id="end-error"' in page.text or "end must be on or after start" in page.text


def test_other_roles_cannot_open_the_pay_pages(web, night, session):
    member, coordinator = night
    sign_in(web, member.email)
    assert web.get("/coordinator/pay-runs").status_code == 403
    assert web.get("/coordinator/pay-runs/1/payroll.csv").status_code == 403
    web.post("/sign-out", data={"csrf_token": csrf_from(web.get("/member").text)})
    sign_in(web, coordinator.email)
    assert web.get("/member/pay").status_code == 403


def test_a_coordinator_makes_posts_and_exports_a_pay_run(web, night, session):
    member, coordinator = night
    sign_in(web, coordinator.email)
    runs = web.get("/coordinator/pay-runs")
    assert runs.status_code == 200 and "Make a pay run" in runs.text
    made = post_form(
        web,
        "/coordinator/pay-runs",
        {"period_start": "2026-10-19", "period_end": "2026-10-25"},
        page="/coordinator/pay-runs",
    )
    assert made.status_code == 200 and "/coordinator/pay-runs/" in str(made.url)
    assert member.name in made.text and "PR-9" in made.text and re.search(r"348[.,]29", made.text)
    run_id = session.exec(select(PayRun)).one().id
    posted = post_form(web, f"/coordinator/pay-runs/{run_id}/post", {}, page=f"/coordinator/pay-runs/{run_id}")
    assert posted.status_code == 200 and "payroll.csv" in posted.text
    first = web.get(f"/coordinator/pay-runs/{run_id}/payroll.csv")
    assert first.status_code == 200 and first.text.startswith("member_id,payroll_reference")
    assert web.get(f"/coordinator/pay-runs/{run_id}/payroll.csv").content == first.content


def test_a_pay_run_form_with_a_bad_date_or_reversed_period_shows_the_error(web, night, session):
    _member, coordinator = night
    sign_in(web, coordinator.email)
    bad = post_form(web, "/coordinator/pay-runs", {"period_start": "nope", "period_end": "2026-10-25"})
    assert bad.status_code == 422 and "Enter a date." in bad.text
    reversed_ = post_form(web, "/coordinator/pay-runs", {"period_start": "2026-10-25", "period_end": "2026-10-19"})
    assert reversed_.status_code == 422
    assert session.exec(select(PayRun)).all() == []
