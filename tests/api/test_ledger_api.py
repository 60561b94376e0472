"""The ledger over HTTP: coordinators and the board keep and read the books; members and client contacts
are refused; bad input is a 422 naming the field or the row, and writes nothing."""

from __future__ import annotations

import pytest
from beancount import loader

from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for


@pytest.fixture
def people(session):
    ward = make_client(session, kind="ward", name="Ward A4")
    nurse = make_member(session, with_user=True, email="nurse@tests.coop")
    people = dict(
        coordinator=bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop")),
        board=bearer(make_user(session, roles={"board"}, email="board@tests.coop")),
        member=bearer(user_for(session, nurse)),
        client=bearer(make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)),
        ward_id=ward.id,
    )
    session.commit()
    return people


def _journal(**overrides) -> dict:
    body = {
        "date": "2026-12-01",
        "reason": "Members buy their first shares",
        "postings": [{"account": "1000", "debit_pence": 50_000}, {"account": "3000", "credit_pence": 50_000}],
    }
    return {**body, **overrides}


def _entry_count(api, headers) -> int:
    ledger = api.get("/api/ledger/export.beancount", headers=headers).text
    return ledger.count("  entry_id: ")


READS = [
    "/api/ledger/accounts",
    "/api/ledger/trial-balance?as_of=2026-12-31",
    "/api/ledger/income-statement?start=2026-04-01&end=2027-03-31",
    "/api/ledger/balance-sheet?as_of=2026-12-31",
    "/api/ledger/margins?start=2026-04-01&end=2027-03-31&by=profession",
    "/api/ledger/export.beancount",
]


@pytest.mark.parametrize("who", ["member", "client"])
def test_members_and_client_contacts_may_not_read_or_write_the_books(api, people, who):
    for path in READS:
        assert api.get(path, headers=people[who]).status_code == 403, path
    assert api.post("/api/ledger/journals", json=_journal(), headers=people[who]).status_code == 403
    upload = {"file": ("j.csv", b"journal,date,account,debit_pence,credit_pence,reason\n", "text/csv")}
    assert api.post("/api/ledger/journals/import", files=upload, headers=people[who]).status_code == 403
    assert _entry_count(api, people["coordinator"]) == 0


def test_no_token_is_401(api):
    assert api.get("/api/ledger/trial-balance").status_code == 401


@pytest.mark.parametrize("who", ["coordinator", "board"])
def test_coordinator_and_board_post_a_journal_and_read_the_books(api, people, who):
    headers = people[who]
    made = api.post("/api/ledger/journals", json=_journal(), headers=headers)
    assert made.status_code == 201, made.text
    entry = made.json()
    assert entry["source_kind"] == "manual" and entry["reason"] == "Members buy their first shares"
    assert [p["amount_pence"] for p in entry["postings"]] == [50_000, -50_000]
    invoice = _journal(
        reason="Invoice raised by hand",
        postings=[
            {"account": "1100", "debit_pence": 12_345, "client_id": people["ward_id"], "profession": "nurse"},
            {"account": "4010", "credit_pence": 12_345, "client_id": people["ward_id"], "profession": "nurse"},
        ],
    )
    assert api.post("/api/ledger/journals", json=invoice, headers=headers).status_code == 201

    trial = api.get("/api/ledger/trial-balance?as_of=2026-12-31", headers=headers).json()
    assert {a["code"]: (a["debit_pence"], a["credit_pence"]) for a in trial["accounts"]} == {
        "1000": (50_000, 0),
        "1100": (12_345, 0),
        "3000": (0, 50_000),
        "4010": (0, 12_345),
    }
    assert trial["total_debit_pence"] == trial["total_credit_pence"] == 62_345
    assert api.get("/api/ledger/trial-balance?as_of=2026-11-30", headers=headers).json()["accounts"] == []

    statement = api.get("/api/ledger/income-statement?start=2026-04-01&end=2027-03-31", headers=headers).json()
    assert statement["surplus_pence"] == 12_345 and statement["income"][0]["amount_pence"] == 12_345
    sheet = api.get("/api/ledger/balance-sheet?as_of=2026-12-31", headers=headers).json()
    assert (sheet["total_assets_pence"], sheet["total_equity_pence"], sheet["unclosed_surplus_pence"]) == (
        62_345,
        50_000,
        12_345,
    )
    assert sheet["balances"] is True
    margins = api.get("/api/ledger/margins?start=2026-12-01&end=2026-12-01&by=client", headers=headers).json()
    assert margins["rows"] == [
        {"key": str(people["ward_id"]), "income_pence": 12_345, "direct_costs_pence": 0, "margin_pence": 12_345}
    ]
    accounts = api.get("/api/ledger/accounts", headers=headers).json()
    assert {
        "code": "3110",
        "name": "Indivisible reserve",
        "name_cy": "Cronfa wrth gefn anrhanadwy",
        "type": "equity",
    } in (accounts)


def test_the_export_is_a_beancount_file_without_errors(api, people):
    api.post("/api/ledger/journals", json=_journal(), headers=people["coordinator"])
    response = api.get("/api/ledger/export.beancount", headers=people["coordinator"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    entries, errors, _options = loader.load_string(response.text)
    assert errors == [] and "Equity:ShareCapital  -500.00 GBP" in response.text


@pytest.mark.parametrize(
    ("postings", "field"),
    [
        ([{"account": "1000", "debit_pence": -5}, {"account": "3000", "credit_pence": -5}], "postings.0.debit_pence"),
        ([{"account": "1000", "debit_pence": 500}, {"account": "3000", "credit_pence": 499}], "postings"),
        ([{"account": "1000", "debit_pence": 500}, {"account": "9999", "credit_pence": 500}], "postings.1.account"),
        (
            [{"account": "1000", "debit_pence": 5, "credit_pence": 5}, {"account": "3000", "credit_pence": 5}],
            "postings.0",
        ),
        ([{"account": "1000", "debit_pence": 5.5}, {"account": "3000", "credit_pence": 5.5}], "postings.0.debit_pence"),
        ([{"account": "1000", "debit_pence": 500}], "postings"),
    ],
)
def test_a_bad_manual_journal_is_422_naming_the_field_and_writes_nothing(api, people, postings, field):
    response = api.post("/api/ledger/journals", json=_journal(postings=postings), headers=people["coordinator"])
    assert response.status_code == 422, response.text
    body = response.json()
    fields = [e["field"] for e in body.get("errors", [])] or [body.get("field")]
    assert field in fields, body
    assert _entry_count(api, people["coordinator"]) == 0


def test_a_manual_journal_without_a_reason_is_422(api, people):
    response = api.post("/api/ledger/journals", json=_journal(reason="  "), headers=people["board"])
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"


def test_a_period_that_ends_before_it_starts_is_422_naming_end(api, people):
    response = api.get("/api/ledger/income-statement?start=2027-03-31&end=2026-04-01", headers=people["board"])
    assert response.status_code == 422 and response.json()["field"] == "end"
    response = api.get("/api/ledger/margins?start=2027-03-31&end=2026-04-01", headers=people["board"])
    assert response.status_code == 422 and response.json()["field"] == "end"


CSV = (
    "journal,date,account,debit_pence,credit_pence,reason\n"
    "J1,2026-12-01,1000,50000,,shares bought\n"
    "J1,2026-12-01,3000,,50000,\n"
    "J2,2026-12-02,7100,1200,,software\n"
    "J2,2026-12-02,1000,,{credit},\n"
)


def test_a_csv_upload_imports_each_journal(api, people):
    upload = {"file": ("journals.csv", CSV.format(credit=1200).encode(), "text/csv")}
    response = api.post("/api/ledger/journals/import", files=upload, headers=people["coordinator"])
    assert response.status_code == 201, response.text
    assert response.json()["count"] == 2
    assert _entry_count(api, people["coordinator"]) == 2


def test_a_csv_with_a_bad_row_is_422_naming_the_row_and_imports_nothing(api, people):
    upload = {"file": ("journals.csv", CSV.format(credit="-12").encode(), "text/csv")}
    response = api.post("/api/ledger/journals/import", files=upload, headers=people["coordinator"])
    assert response.status_code == 422
    assert response.json()["field"] == "row 5.credit_pence" and "Row 5" in response.json()["detail"]
    assert _entry_count(api, people["coordinator"]) == 0
