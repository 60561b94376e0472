"""Billing over HTTP: coordinators run invoicing and credit invoices; a client contact reads only their own
organisation's invoices; members are refused; bad input is a 422 naming the field and writes nothing."""

from __future__ import annotations

import pytest

from coop.pay import service as pay_service
from tests.billing_builders import approved_timesheet, at
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for

RUN = {"period_start": "2026-12-01", "period_end": "2026-12-31"}


@pytest.fixture
def people(session):
    pay_service.load_rate_cards(session=session)
    ward = make_client(session, kind="ward", name="Ward A4")
    other = make_client(session, kind="ward", name="Ward B2")
    nurse = make_member(session, with_user=True, email="nurse@tests.coop")
    approved_timesheet(session, client=ward, member=nurse, starts_at=at(2, 8))
    approved_timesheet(session, client=other, member=nurse, starts_at=at(3, 8))
    people = dict(
        coordinator=bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop")),
        member=bearer(user_for(session, nurse)),
        client=bearer(make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)),
        ward_id=ward.id,
        other_id=other.id,
    )
    session.commit()
    return people


def _issue(api, people) -> list[dict]:
    made = api.post("/api/invoicing-runs", json=RUN, headers=people["coordinator"])
    assert made.status_code == 201, made.text
    return made.json()["data"]


def test_a_preview_shows_what_a_run_would_issue_and_the_run_issues_it(api, people):
    preview = api.post("/api/invoicing-runs", json={**RUN, "preview": True}, headers=people["coordinator"]).json()
    assert preview["count"] == 2 and all(i["number"] is None for i in preview["data"])
    assert api.get("/api/invoices", headers=people["coordinator"]).json()["count"] == 0
    issued = _issue(api, people)
    assert [i["total_pence"] for i in issued] == [i["total_pence"] for i in preview["data"]]
    first = issued[0]
    assert {"id", "number", "client_id", "issued_on", "total_pence", "worker_pence", "agency_comparison_pence"} <= set(
        first
    )
    assert first["total_pence"] == sum(line["amount_pence"] for line in first["lines"])


def test_a_client_contact_sees_only_their_own_invoices(api, people):
    issued = _issue(api, people)
    mine = next(i for i in issued if i["client_id"] == people["ward_id"])
    theirs = next(i for i in issued if i["client_id"] == people["other_id"])
    listed = api.get("/api/invoices", headers=people["client"]).json()
    assert [i["id"] for i in listed["data"]] == [mine["id"]]
    assert api.get(f"/api/invoices/{mine['id']}", headers=people["client"]).status_code == 200
    for suffix in ("", "/pdf", "/csv"):
        assert api.get(f"/api/invoices/{theirs['id']}{suffix}", headers=people["client"]).status_code == 404
    pdf = api.get(f"/api/invoices/{mine['id']}/pdf", headers=people["client"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        api.post(
            f"/api/invoices/{mine['id']}/credit-notes", json={"reason": "mine"}, headers=people["client"]
        ).status_code
        == 403
    )


def test_members_are_refused_every_billing_endpoint(api, people):
    issued = _issue(api, people)
    headers = people["member"]
    assert api.post("/api/invoicing-runs", json=RUN, headers=headers).status_code == 403
    assert api.get("/api/invoices", headers=headers).status_code == 403
    for suffix in ("", "/pdf", "/csv"):
        assert api.get(f"/api/invoices/{issued[0]['id']}{suffix}", headers=headers).status_code == 403
    assert (
        api.post(f"/api/invoices/{issued[0]['id']}/credit-notes", json={"reason": "x"}, headers=headers).status_code
        == 403
    )


def test_a_credit_note_references_its_invoice_with_a_negative_total(api, people):
    invoice = _issue(api, people)[0]
    made = api.post(
        f"/api/invoices/{invoice['id']}/credit-notes",
        json={"reason": "Break not recorded", "amount_pence": 500},
        headers=people["coordinator"],
    )
    assert made.status_code == 201, made.text
    note = made.json()
    assert note["kind"] == "credit_note" and note["credits_invoice_id"] == invoice["id"] and note["total_pence"] == -500
    assert note["number"] == invoice["number"] + 2
    shown = api.get(f"/api/invoices/{invoice['id']}", headers=people["coordinator"]).json()
    assert shown["outstanding_pence"] == invoice["total_pence"] - 500


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x", "amount_pence": -1}, "amount_pence"),
        ({"reason": "x", "amount_pence": 10**12}, "amount_pence"),
        ({"reason": "a\x00b"}, "reason"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_credit_notes_are_422_naming_the_field_and_write_nothing(api, people, body, field):
    invoice = _issue(api, people)[0]
    refused = api.post(f"/api/invoices/{invoice['id']}/credit-notes", json=body, headers=people["coordinator"])
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field
    too_much = api.post(
        f"/api/invoices/{invoice['id']}/credit-notes",
        json={"reason": "x", "amount_pence": invoice["total_pence"] + 1},
        headers=people["coordinator"],
    )
    assert too_much.status_code == 422 and too_much.json()["field"] == "amount_pence"
    assert api.get("/api/invoices", headers=people["coordinator"]).json()["count"] == 2


def test_a_period_that_ends_before_it_starts_is_422_naming_period_end(api, people):
    body = {"period_start": "2026-12-31", "period_end": "2026-12-01"}
    refused = api.post("/api/invoicing-runs", json=body, headers=people["coordinator"])
    assert refused.status_code == 422 and refused.json()["field"] == "period_end"
