"""Coordinators' payments and debtors pages: they render in Welsh and English, other roles are refused, a
payment is recorded and allocated through the forms, and bad input (a bad statement row included) is shown
beside the form with nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from coop.billing.models import Payment
from tests.factories import make_client, make_member, make_user, user_for
from tests.payment_builders import issued_invoice
from tests.web.conftest import csrf_from, post_form, sign_in


@pytest.fixture
def books(session):
    ward = make_client(session, name="Ward A4")
    school = make_client(session, kind="school", name="Ysgol Y Wern")
    make_user(session, roles={"coordinator"}, email="coord@tests.coop")
    make_user(session, roles={"coordinator"}, email="cydlynydd@tests.coop", language="cy")
    make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)
    nurse = make_member(session, with_user=True, email="nurse@tests.coop")
    return dict(
        ward=ward,
        school=school,
        nurse_email=user_for(session, nurse).email,
        old=issued_invoice(session, client=ward, issued_on=date(2026, 8, 1), total=20_000),
        new=issued_invoice(session, client=school, issued_on=date(2026, 11, 30), total=5_000),
    )


def _count(session) -> int:
    session.rollback()  # a fresh read: the pages wrote through their own connection
    return session.exec(select(func.count()).select_from(Payment)).one()


@pytest.mark.parametrize(
    ("email", "payments_heading", "debtors_heading"),
    [
        ("coord@tests.coop", "Record a payment", "Over 90 days"),
        ("cydlynydd@tests.coop", "Cofnodi taliad", "Dros 90 diwrnod"),
    ],
)
def test_the_pages_render_in_the_coordinators_language(web, books, email, payments_heading, debtors_heading):
    sign_in(web, email)
    page = web.get("/coordinator/payments")
    assert page.status_code == 200 and payments_heading in page.text
    debtors = web.get("/coordinator/debtors?as_of=2026-12-07")
    assert debtors.status_code == 200 and debtors_heading in debtors.text
    assert "Ward A4" in debtors.text and "Ysgol Y Wern" in debtors.text
    assert 'href="/coordinator/debtors"' in debtors.text


@pytest.mark.parametrize(("email", "home"), [("ward@tests.coop", "/client"), ("nurse@tests.coop", "/member/profile")])
def test_client_contacts_and_members_are_refused_the_pages_and_the_forms(web, books, email, home, session):
    sign_in(web, email)
    assert web.get("/coordinator/payments").status_code == 403
    assert web.get("/coordinator/debtors").status_code == 403
    token = csrf_from(web.get(home).text)  # their own valid token: the role alone refuses them
    refused = web.post(
        "/coordinator/payments", data={"received_on": "2026-12-01", "amount": "1.00", "csrf_token": token}
    )
    assert refused.status_code == 403 and _count(session) == 0


def test_a_payment_recorded_by_form_is_matched_by_reference(web, books, session):
    sign_in(web, "coord@tests.coop")
    done = post_form(
        web,
        "/coordinator/payments",
        {"client_id": "", "received_on": "2026-12-01", "amount": "200.00", "reference": f"INV {books['old'].number}"},
    )
    assert done.status_code == 200 and "set against its invoices" in done.text
    assert _count(session) == 1


def test_bad_amounts_and_days_are_shown_beside_the_form_and_nothing_is_written(web, books, session):
    sign_in(web, "coord@tests.coop")
    refused = post_form(web, "/coordinator/payments", {"received_on": "2999-01-01", "amount": "12.345"})
    assert refused.status_code == 422
    assert 'id="amount-error"' in refused.text and "like 1234.56" in refused.text
    later = post_form(web, "/coordinator/payments", {"received_on": "2100-01-01", "amount": "1.00"})
    assert later.status_code == 422 and 'id="received_on-error"' in later.text
    assert _count(session) == 0


def test_a_statement_with_a_bad_row_shows_the_row_and_column_and_imports_nothing(web, books, session):
    sign_in(web, "coord@tests.coop")
    token = csrf_from(web.get("/coordinator/payments").text)
    statement = b"date,amount,reference\n2026-12-01,50.00,x\n2026-12-02,fifty,y\n"
    refused = web.post(
        "/coordinator/payments/import",
        data={"csrf_token": token},
        files={"statement": ("statement.csv", statement, "text/csv")},
    )
    assert refused.status_code == 422 and "Row 3, column amount" in refused.text
    assert _count(session) == 0
    good = web.post(
        "/coordinator/payments/import",
        data={"csrf_token": token},
        files={"statement": ("statement.csv", b"date,amount,reference\n2026-12-01,50.00,x\n", "text/csv")},
    )
    assert good.status_code == 200 and _count(session) == 1
    assert "50.00" in good.text  # on account, waiting with an allocate form


def test_money_on_account_is_allocated_by_hand_and_too_much_is_refused(web, books, session):
    sign_in(web, "coord@tests.coop")
    post_form(
        web,
        "/coordinator/payments",
        {"client_id": str(books["school"].id), "received_on": "2026-12-01", "amount": "30.00"},
    )
    payment = session.exec(select(Payment)).one()
    path = f"/coordinator/payments/{payment.id}/allocate"
    too_much = post_form(
        web, path, {"invoice_id": str(books["new"].id), "amount": "31.00"}, page="/coordinator/payments"
    )
    assert too_much.status_code == 422 and f'id="p{payment.id}-amount-error"' in too_much.text
    done = post_form(web, path, {"invoice_id": str(books["new"].id), "amount": "30.00"}, page="/coordinator/payments")
    assert done.status_code == 200 and "Every payment is allocated" in done.text
