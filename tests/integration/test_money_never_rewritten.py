"""Written money never changes, even going around the domain: the database refuses an edit or a delete.

Pay lines, invoices, their lines and payments are only ever added to (adjustment lines, credit notes, reversals);
what may still change is the bookkeeping around them (a pay line's run and export, a document's ledger entry).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from coop.billing import payments
from coop.billing import service as billing
from coop.billing.models import Invoice
from coop.clock import today_local
from coop.pay import payroll
from coop.pay import service as pay_service
from coop.pay.models import PayLine
from tests.billing_builders import COORDINATOR, approved_timesheet, at
from tests.factories import make_client, make_member


@pytest.fixture
def money(session):
    pay_service.load_rate_cards(session=session)
    ward = make_client(session, kind="ward", name="Ward A4")
    nurse = make_member(session, name="Nia Nurse")
    approved_timesheet(session, client=ward, member=nurse, starts_at=at(1, 8))
    [invoice] = billing.run_invoicing(
        session=session, actor=COORDINATOR, period_start=date(2026, 12, 1), period_end=date(2026, 12, 31)
    )
    payroll.price_approved_timesheets(session)
    session.commit()
    payment = payments.record_payment(
        session=session,
        actor=COORDINATOR,
        received_on=today_local(),
        amount_pence=invoice.total_pence,
        reference=f"INV {invoice.number}",
    )
    line = session.exec(select(PayLine)).first()
    return dict(invoice=invoice.id, payment=payment.id, pay_line=line.id)


REFUSED = [
    "UPDATE pay_line SET amount_pence = amount_pence + 1 WHERE id = :pay_line",
    "UPDATE pay_line SET minutes = 1 WHERE id = :pay_line",
    "DELETE FROM pay_line WHERE id = :pay_line",
    "UPDATE invoice SET total_pence = 1 WHERE id = :invoice",
    "UPDATE invoice SET number = number + 1000 WHERE id = :invoice",
    "DELETE FROM invoice_line WHERE invoice_id = :invoice",
    "UPDATE invoice_line SET amount_pence = 0 WHERE invoice_id = :invoice",
    "UPDATE payment SET amount_pence = 1 WHERE id = :payment",
    "DELETE FROM payment WHERE id = :payment",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_database_refuses_to_rewrite_written_money(engine, money, statement):
    with Session(engine) as raw:
        with pytest.raises(DatabaseError, match="never changes"):
            raw.execute(text(statement), money)
            raw.flush()
        raw.rollback()
    with Session(engine) as check:
        assert check.get(Invoice, money["invoice"]) is not None


def test_the_bookkeeping_around_the_money_may_still_move(engine, money):
    with Session(engine) as raw:
        raw.execute(text("UPDATE pay_line SET exported_at = NULL WHERE id = :pay_line"), money)
        raw.execute(text("UPDATE invoice SET language = 'cy' WHERE id = :invoice"), money)
        raw.commit()
