"""Member pay over HTTP: a member reads only their own pay; coordinators make, post and export pay runs;
everyone else is refused; a period that ends before it starts is a 422 naming the field."""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from sqlmodel import select

from coop.bookings import timesheets as timesheet_service
from coop.clock import LONDON, today_local, travel_to
from coop.pay import service as pay_service
from coop.pay.models import PayLine, PayRun
from coop.pay.rules import round_half_up
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for
from tests.integration.test_pay_runs import COORDINATOR, NIGHT, worked_timesheet

WEEK = {"period_start": "2026-10-19", "period_end": "2026-10-25"}


@pytest.fixture
def people(session):
    pay_service.load_rate_cards(session=session)
    ward = make_client(session, kind="ward", name="Ward A4")
    nurse = make_member(session, with_user=True, email="nurse@tests.coop", grade="5", payroll_reference="PR-1")
    other = make_member(session, with_user=True, email="other@tests.coop", grade="5")
    sheet = worked_timesheet(session, nurse, ward, *NIGHT, 30)
    timesheet_service.approve_timesheet(session, COORDINATOR, sheet.id)
    people = dict(
        coordinator=bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop")),
        board=bearer(make_user(session, roles={"board"}, email="board@tests.coop")),
        member=bearer(user_for(session, nurse)),
        other=bearer(user_for(session, other)),
        client=bearer(make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)),
        sheet_id=sheet.id,
    )
    session.commit()
    return people


def test_a_member_sees_their_own_night_by_band_with_holiday_pay_and_what_waits_for_a_run(api, people):
    with travel_to(datetime(2026, 10, 27, 12, tzinfo=LONDON)):
        answer = api.get("/api/me/pay", headers=people["member"])
    assert answer.status_code == 200
    body = answer.json()
    (entry,) = body["data"]
    assert entry["timesheet_id"] == people["sheet_id"]
    assert (entry["worked_on"], entry["minutes"]) == ("2026-10-24", 750)
    assert entry["lines"] == [
        {"band": "saturday", "minutes": 210, "rate_pence": 2132, "amount_pence": 7462},
        {"band": "sunday", "minutes": 540, "rate_pence": 2624, "amount_pence": 23616},
    ]
    assert (entry["holiday_pay_pence"], entry["total_pence"], entry["pay_run_id"]) == (3751, 34829, None)
    assert body["total_pence"] == body["pending_pence"] == 34829

    others = api.get("/api/me/pay?start=2026-10-01&end=2026-10-31", headers=people["other"]).json()
    assert others["data"] == [] and others["total_pence"] == 0


def test_only_members_have_pay_and_only_coordinators_run_it(api, people):
    assert api.get("/api/me/pay", headers=people["client"]).status_code == 403
    assert api.get("/api/me/pay", headers=people["coordinator"]).status_code == 403
    assert api.get("/api/me/pay").status_code == 401
    for who in ("member", "client", "board"):
        assert api.post("/api/pay-runs", json=WEEK, headers=people[who]).status_code == 403
        assert api.get("/api/pay-runs", headers=people[who]).status_code == 403
        assert api.get("/api/payroll.csv", params=WEEK, headers=people[who]).status_code == 403
    assert api.get("/api/pay-runs/1", headers=people["member"]).status_code == 403
    assert api.get("/api/pay-runs/999", headers=people["coordinator"]).status_code == 404


def test_a_coordinator_runs_posts_and_exports_the_week_twice_to_the_same_bytes(api, people, session):
    coordinator = people["coordinator"]
    made = api.post("/api/pay-runs", json=WEEK, headers=coordinator)
    assert made.status_code == 201, made.text
    run = made.json()
    assert (run["status"], run["total_pence"], run["members"][0]["payroll_reference"]) == ("draft", 34829, "PR-1")
    assert api.get("/api/payroll.csv", params=WEEK, headers=coordinator).status_code == 409  # post it first

    posted = api.post(f"/api/pay-runs/{run['id']}/post", headers=coordinator)
    assert posted.status_code == 200 and posted.json()["journal_entry_id"]
    assert api.post(f"/api/pay-runs/{run['id']}/post", headers=coordinator).status_code == 409

    first = api.get("/api/payroll.csv", params=WEEK, headers=coordinator)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/csv")
    assert "payroll-2026-10-19-2026-10-25.csv" in first.headers["content-disposition"]
    second = api.get("/api/payroll.csv", params=WEEK, headers=coordinator)
    assert second.content == first.content
    assert first.text.splitlines()[1].endswith(",348.29")
    session.expire_all()
    assert session.exec(select(PayRun)).one().status == "exported"
    assert all(line.exported_at for line in session.exec(select(PayLine)).all())

    with travel_to(datetime(2026, 10, 27, 12, tzinfo=LONDON)):
        mine = api.get("/api/me/pay", headers=people["member"]).json()
    assert mine["data"][0]["pay_run_id"] == run["id"] and mine["pending_pence"] == 0


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/me/pay", {"start": "2026-10-25", "end": "2026-10-19"}, "end"),
        ("/api/me/pay", {"start": "2026-13-01"}, "start"),
        ("/api/payroll.csv", {"period_start": "2026-10-25", "period_end": "2026-10-19"}, "period_end"),
    ],
)
def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field(api, people, path, params, field):
    who = people["member"] if path == "/api/me/pay" else people["coordinator"]
    answer = api.get(path, params=params, headers=who)
    assert answer.status_code == 422
    body = answer.json()
    assert body.get("field") == field or field in [e["field"] for e in body.get("errors", [])]


def test_a_pay_run_period_out_of_order_is_a_422_and_writes_nothing(api, people, session):
    answer = api.post(
        "/api/pay-runs", json={"period_start": "2026-10-25", "period_end": "2026-10-19"}, headers=people["coordinator"]
    )
    assert answer.status_code == 422
    assert "period_end" in [e["field"] for e in answer.json()["errors"]]
    assert (
        api.post("/api/pay-runs", json={"period_start": "2026-10-19"}, headers=people["coordinator"]).status_code == 422
    )
    assert session.exec(select(PayRun)).all() == []
    assert session.exec(select(PayLine)).all() == []


def test_an_open_shift_shows_what_it_would_pay_at_todays_card(api, session):
    pay_service.load_rate_cards(session=session)
    ward = make_client(session, kind="ward", name="Ward B2", latitude=51.474, longitude=-3.176)
    nurse = make_member(session, with_user=True, grade="5")
    unpriced = make_member(session, with_user=True, grade=None)  # no grade: no card prices the member
    coordinator = bearer(make_user(session, roles={"coordinator"}))
    session.commit()
    today = today_local()
    wednesday = today + timedelta(days=(2 - today.weekday()) % 7 + 7)
    made = api.post(
        "/api/shift-requests",
        json={"client_id": ward.id, "role": "nurse", "pattern": "early", "on": wednesday.isoformat()},
        headers=coordinator,
    )
    assert made.status_code == 201, made.text
    card = pay_service.card_in_force(session, "nurse", "5", today)
    (offered,) = api.get("/api/shifts/open", headers=bearer(user_for(session, nurse))).json()
    # An early, 07:00-15:00 on a weekday: 8 h less the 20-minute break (RULES §0.6) at the plain rate, then
    # rolled-up holiday pay at 12.07% (RULES §1.5), each rounded once.
    pay = round_half_up(Fraction(card.amount_pence * 460, 60))
    assert offered["pay_estimate_pence"] == pay + round_half_up(Fraction(pay * 1207, 10_000))
    assert (offered["pay_rate_pence"], offered["pay_rate_unit"]) == (card.amount_pence, "hour")
    (no_card,) = api.get("/api/shifts/open", headers=bearer(user_for(session, unpriced))).json()
    assert no_card["pay_estimate_pence"] is None
