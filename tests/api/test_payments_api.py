"""Payments over HTTP: coordinators record, import, allocate and reverse; the board reads; a client contact reads
only their own payments and debtors line; members are refused; bad input is a 422 naming the field (or the CSV's
row and column) and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coop.clock import today_local
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for
from tests.payment_builders import issued_invoice


@pytest.fixture
def people(session):
    ward = make_client(session, name="Ward A4")
    other = make_client(session, name="Ward B2")
    nurse = make_member(session, with_user=True, email="nurse@tests.coop")
    people = dict(
        coordinator=bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop")),
        board=bearer(make_user(session, roles={"board"}, email="board@tests.coop")),
        member=bearer(user_for(session, nurse)),
        client=bearer(make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)),
        ward=ward,
        other=other,
        ward_invoice=issued_invoice(session, client=ward, issued_on=date(2026, 10, 1), total=12_000),
        other_invoice=issued_invoice(session, client=other, issued_on=date(2026, 11, 20), total=3_000),
    )
    session.commit()
    return people


def test_a_coordinator_records_a_payment_and_gets_it_back_with_its_allocations(api, people):
    number = people["ward_invoice"].number
    made = api.post(
        "/api/payments",
        json={"received_on": "2026-12-05", "amount_pence": 5_000, "reference": f"INV {number}"},
        headers=people["coordinator"],
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["client_id"] == people["ward"].id and body["unallocated_pence"] == 0
    assert body["allocations"] == [
        {"invoice_id": people["ward_invoice"].id, "invoice_number": number, "amount_pence": 5_000, "how": "reference"}
    ]
    invoice = api.get(f"/api/invoices/{people['ward_invoice'].id}", headers=people["coordinator"]).json()
    assert invoice["outstanding_pence"] == 7_000


def test_an_unmatched_payment_is_listed_allocated_by_hand_and_reversed(api, people):
    made = api.post(
        "/api/payments", json={"received_on": "2026-12-05", "amount_pence": 999}, headers=people["coordinator"]
    ).json()
    waiting = api.get("/api/payments?unallocated=true", headers=people["board"]).json()
    assert [p["id"] for p in waiting["data"]] == [made["id"]]
    allocate = f"/api/payments/{made['id']}/allocate"
    too_much = api.post(
        allocate, json={"invoice_id": people["other_invoice"].id, "amount_pence": 1_000}, headers=people["coordinator"]
    )
    assert too_much.status_code == 422 and too_much.json()["field"] == "amount_pence"
    done = api.post(
        allocate, json={"invoice_id": people["other_invoice"].id, "amount_pence": 999}, headers=people["coordinator"]
    )
    assert done.status_code == 200 and done.json()["unallocated_pence"] == 0
    reverse = f"/api/payments/{made['id']}/reverse"
    assert api.post(reverse, json={"reason": " "}, headers=people["coordinator"]).status_code == 422
    undone = api.post(reverse, json={"reason": "Wrong account"}, headers=people["coordinator"])
    assert undone.status_code == 200 and undone.json()["reversed"] is True
    assert api.post(reverse, json={"reason": "again"}, headers=people["coordinator"]).status_code == 409


def test_members_client_contacts_and_the_board_cannot_record_import_allocate_or_reverse(api, people):
    made = api.post(
        "/api/payments", json={"received_on": "2026-12-05", "amount_pence": 1}, headers=people["coordinator"]
    ).json()
    for who in ("member", "client", "board"):
        headers = people[who]
        assert (
            api.post("/api/payments", json={"received_on": "2026-12-05", "amount_pence": 1}, headers=headers)
        ).status_code == 403
        files = {"file": ("s.csv", b"date,amount,reference\n2026-12-01,1.00,x\n", "text/csv")}
        assert api.post("/api/payments/import", files=files, headers=headers).status_code == 403
        body = {"invoice_id": people["ward_invoice"].id, "amount_pence": 1}
        assert api.post(f"/api/payments/{made['id']}/allocate", json=body, headers=headers).status_code == 403
        assert api.post(f"/api/payments/{made['id']}/reverse", json={"reason": "x"}, headers=headers).status_code == 403
    assert api.get("/api/payments", headers=people["member"]).status_code == 403
    assert api.get("/api/debtors", headers=people["member"]).status_code == 403
    assert api.post("/api/payments", json={"received_on": "2026-12-05", "amount_pence": 1}).status_code == 401
    assert api.get("/api/payments", headers=people["coordinator"]).json()["count"] == 1


def test_a_client_contact_sees_only_their_own_debtors_line_and_payments(api, people):
    api.post(
        "/api/payments",
        json={"received_on": "2026-12-05", "amount_pence": 3_000, "reference": f"#{people['other_invoice'].number}"},
        headers=people["coordinator"],
    )
    everyone = api.get("/api/debtors?as_of=2026-12-07", headers=people["coordinator"]).json()
    assert everyone["count"] == 1 and everyone["totals"]["total_pence"] == 12_000
    # Issued 1 Oct, due 31 Oct (30 days' terms): 37 days overdue on 7 Dec.
    assert everyone["data"][0]["days_31_60_pence"] == 12_000
    own = api.get("/api/debtors", headers=people["client"]).json()
    assert [line["client_id"] for line in own["data"]] == [people["ward"].id]
    assert api.get("/api/payments", headers=people["client"]).json()["count"] == 0
    other_payment = api.get("/api/payments", headers=people["coordinator"]).json()["data"][0]
    assert api.get(f"/api/payments/{other_payment['id']}", headers=people["client"]).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"received_on": "2026-12-05", "amount_pence": 0}, "amount_pence"),
        ({"received_on": "2026-12-05", "amount_pence": 10**11 + 1}, "amount_pence"),
        ({"received_on": "2026-12-05", "amount_pence": 1, "reference": "a\x00b"}, "reference"),
        ({"received_on": "2026-12-05", "amount_pence": 1, "reference": "x" * 301}, "reference"),
        ({"received_on": "2026-12-05", "amount_pence": 1, "client_id": 2**31}, "client_id"),
        ({"received_on": "2026-12-05", "amount_pence": 1, "client_id": 999_999}, "client_id"),
        ({"received_on": (today_local() + timedelta(days=1)).isoformat(), "amount_pence": 1}, "received_on"),
        ({"received_on": "not a day", "amount_pence": 1}, "received_on"),
    ],
)
def test_bad_payment_input_is_a_422_naming_the_field_and_writes_nothing(api, people, body, field):
    refused = api.post("/api/payments", json=body, headers=people["coordinator"])
    assert refused.status_code == 422, refused.text
    answer = refused.json()
    assert answer.get("field") == field or [e["field"] for e in answer.get("errors", [])] == [field]
    assert api.get("/api/payments", headers=people["coordinator"]).json()["count"] == 0


def test_a_statement_imports_and_a_bad_row_is_a_422_naming_row_and_column(api, people):
    good = f"Date,Amount,Reference\n01/12/2026,120.00,INV {people['ward_invoice'].number}\n02/12/2026,-5.00,fee\n"
    bad = good + "03/12/2026,12.3.4,x\n"
    refused = api.post(
        "/api/payments/import", files={"file": ("s.csv", bad.encode(), "text/csv")}, headers=people["coordinator"]
    )
    assert refused.status_code == 422 and refused.json()["field"] == "row 4.amount"
    assert api.get("/api/payments", headers=people["coordinator"]).json()["count"] == 0
    made = api.post(
        "/api/payments/import", files={"file": ("s.csv", good.encode(), "text/csv")}, headers=people["coordinator"]
    )
    assert made.status_code == 201, made.text
    assert (made.json()["count"], made.json()["skipped_outgoing"]) == (1, 1)
    assert made.json()["data"][0]["allocations"][0]["amount_pence"] == 12_000
    latin = api.post(
        "/api/payments/import",
        files={"file": ("s.csv", "date,amount\n£".encode("latin-1"), "text/csv")},
        headers=people["coordinator"],
    )
    assert latin.status_code == 422 and latin.json()["field"] == "file"


def test_debtors_refuse_a_day_outside_the_calendar_naming_as_of(api, people):
    refused = api.get("/api/debtors?as_of=2200-01-01", headers=people["coordinator"])
    assert refused.status_code == 422 and refused.json()["field"] == "as_of"
