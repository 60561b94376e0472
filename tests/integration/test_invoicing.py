"""Invoicing on real databases (SQLite and PostgreSQL): runs, numbers, the ledger, credit notes, documents."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

import pytest
from sqlmodel import Session, col, func, select

from coop.billing import documents
from coop.billing import service as billing
from coop.billing.models import Invoice, InvoiceLine
from coop.db import make_engine
from coop.errors import InvalidInput
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.pay import service as pay_service
from tests.billing_builders import COORDINATOR, approved_timesheet, at, late_cancellation
from tests.factories import make_client, make_member

DECEMBER = dict(period_start=date(2026, 12, 1), period_end=date(2026, 12, 31))


@pytest.fixture
def work(session):
    pay_service.load_rate_cards(session=session)
    ward = make_client(session, kind="ward", name="Ward A4", invoice_frequency="weekly")
    school = make_client(session, kind="school", name="Ysgol Gymraeg", language="cy")
    nurse = make_member(session, name="Nia Nurse")
    teacher = make_member(session, profession="supply_teacher", name="Tomos Teacher")
    approved_timesheet(session, client=ward, member=nurse, starts_at=at(1, 19), hours=12)  # a weekday night
    approved_timesheet(session, client=ward, member=nurse, starts_at=at(5, 8))  # a Saturday
    approved_timesheet(session, client=ward, member=nurse, starts_at=at(9, 8))  # the next week
    approved_timesheet(session, client=school, member=teacher, starts_at=at(2, 8), hours=7, break_minutes=40)
    late_cancellation(session, client=ward, member=nurse, starts_at=at(3, 8))
    return dict(ward=ward, school=school, nurse=nurse, teacher=teacher)


def _receivable(session, entry_id: int) -> int:
    return sum(
        line.amount_pence for line in ledger_service.entry_lines(session, entry_id) if line.account_code == "1100"
    )


def test_an_invoice_total_equals_its_lines_and_its_ledger_postings(session, work):
    issued = billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER)
    # The ward is invoiced weekly (two weeks with work), the school monthly.
    assert sorted((i.client_id, i.period_start) for i in issued) == sorted(
        [
            (work["ward"].id, date(2026, 12, 1)),
            (work["ward"].id, date(2026, 12, 7)),
            (work["school"].id, date(2026, 12, 1)),
        ]
    )
    for invoice in issued:
        lines = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).all()
        assert invoice.total_pence == sum(line.amount_pence for line in lines) > 0
        for line in lines:
            parts = (
                line.pay_pence + line.holiday_pence + line.employer_ni_pence + line.pension_pence + line.margin_pence
            )
            assert parts == line.amount_pence
            assert line.worker_pence == line.pay_pence + line.holiday_pence + line.pension_pence
        postings = ledger_service.entry_lines(session, invoice.journal_entry_id)
        assert sum(p.amount_pence for p in postings) == 0
        assert _receivable(session, invoice.journal_entry_id) == invoice.total_pence
    first_week = next(i for i in issued if i.client_id == work["ward"].id and i.period_start == date(2026, 12, 1))
    postings = ledger_service.entry_lines(session, first_week.journal_entry_id)
    late = [p for p in postings if p.account_code == accounts.LATE_CANCELLATION_INCOME]
    nursing = [p for p in postings if p.account_code == "4010"]
    assert len(late) == 1 and late[0].amount_pence < 0 and nursing[0].profession == "nurse"
    assert sorted(i.number for i in issued) == [1, 2, 3]


def test_a_second_run_bills_nothing_twice_and_a_preview_writes_nothing(session, work):
    preview = billing.run_invoicing(session=session, actor=COORDINATOR, preview=True, **DECEMBER)
    assert len(preview) == 3 and session.exec(select(func.count()).select_from(Invoice)).one() == 0
    issued = billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER)
    assert [d.total_pence for d in preview] == [i.total_pence for i in issued]
    assert billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER) == []


def test_a_credit_note_and_its_invoice_net_to_the_correction(session, work):
    invoice = billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER)[0]
    note = billing.issue_credit_note(
        session=session, actor=COORDINATOR, invoice_id=invoice.id, reason="Break was longer", amount_pence=1001
    )
    assert note.kind == "credit_note" and note.credits_invoice_id == invoice.id and note.total_pence == -1001
    lines = session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == note.id)).all()
    assert sum(line.amount_pence for line in lines) == -1001
    assert _receivable(session, note.journal_entry_id) == -1001
    assert billing.outstanding_pence(session, invoice) == invoice.total_pence - 1001
    with pytest.raises(InvalidInput) as refused:
        billing.issue_credit_note(
            session=session, actor=COORDINATOR, invoice_id=invoice.id, reason="x", amount_pence=invoice.total_pence
        )
    assert refused.value.field == "amount_pence"
    rest = billing.issue_credit_note(session=session, actor=COORDINATOR, invoice_id=invoice.id, reason="Cancelled")
    assert rest.total_pence == -(invoice.total_pence - 1001) and billing.outstanding_pence(session, invoice) == 0
    balances = ledger_service.balances(session)
    assert balances.get("1100", 0) == sum(i.total_pence for i in session.exec(select(Invoice)).all())


def test_a_timesheet_corrected_after_billing_is_credited_and_billed_again(session, work):
    first = billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER)
    line = session.exec(select(InvoiceLine).where(InvoiceLine.kind == "work").order_by(InvoiceLine.id)).first()
    from coop.bookings.models import Timesheet

    timesheet = session.get(Timesheet, line.timesheet_id)
    timesheet.break_minutes = 60
    session.add(timesheet)
    session.commit()
    second = billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER)
    assert [i.kind for i in second] == ["credit_note", "invoice"]
    credit, again = second
    assert credit.total_pence == -line.amount_pence and credit.credits_invoice_id == line.invoice_id
    assert 0 < again.total_pence < line.amount_pence
    assert sorted(i.number for i in first + second) == list(range(1, 6))


def test_a_period_that_ends_before_it_starts_is_refused_naming_the_field(session, work):
    with pytest.raises(InvalidInput) as refused:
        billing.run_invoicing(
            session=session, actor=COORDINATOR, period_start=date(2026, 12, 2), period_end=date(2026, 12, 1)
        )
    assert refused.value.field == "period_end"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_pdf_and_csv_render_in_the_clients_language(session, work, language):
    client = work["ward"]
    client.language = language
    session.add(client)
    session.commit()
    invoice = billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER)[0]
    _invoice, lines = billing.get_invoice(session, actor=COORDINATOR, invoice_id=invoice.id)
    document = documents.build_document(invoice, lines, client_name=client.name)
    page = documents.render_html(document)
    assert ("Anfoneb" in page) == (language == "cy") and ("reached the worker" in page) == (language == "en")
    assert f"{document.worker_pence_of_each_pound}" in page
    pdf = documents.render_pdf(document)
    assert pdf.startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(documents.render_csv(document))))
    assert sum(int(row[-1]) for row in rows[1:-1]) == int(rows[-1][-1]) == invoice.total_pence


def test_two_runs_at_once_leave_no_gap_no_duplicate_and_nothing_billed_twice(db_url, session, work):
    engines = [make_engine(db_url) for _ in range(2)]
    results: list = []
    errors: list = []
    start = threading.Barrier(2)

    def run(engine):
        with Session(engine, expire_on_commit=False) as own:
            start.wait()
            try:
                results.append(billing.run_invoicing(session=own, actor=COORDINATOR, **DECEMBER))
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    numbers = sorted(session.exec(select(Invoice.number)).all())
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == 3
    billed = session.exec(select(InvoiceLine.timesheet_id).where(col(InvoiceLine.timesheet_id).is_not(None))).all()
    assert len(billed) == len(set(billed)) == 4
    assert sorted(len(r) for r in results) == [0, 3]


def test_what_the_invoice_says_reached_the_worker_is_what_the_pay_run_pays(session, work):
    """One pricing for both sides: a teacher's part day at a school with its own short day (RULES §4.1)."""
    from datetime import time

    from coop.pay import payroll
    from coop.pay.models import PayLine
    from coop.shifts.models import ShiftPattern

    session.add(ShiftPattern(client_id=work["school"].id, code="full_day", label="Day", starts=time(9), ends=time(13)))
    session.commit()
    part_day = approved_timesheet(
        session, client=work["school"], member=work["teacher"], starts_at=at(10, 9), hours=3, break_minutes=0
    )
    billing.run_invoicing(session=session, actor=COORDINATOR, **DECEMBER)
    payroll.price_approved_timesheets(session)
    session.commit()
    line = session.exec(select(InvoiceLine).where(InvoiceLine.timesheet_id == part_day.id)).one()
    paid = session.exec(select(PayLine).where(PayLine.timesheet_id == part_day.id)).all()
    assert line.pay_pence == sum(p.amount_pence for p in paid if p.kind == "pay")
    assert line.holiday_pence == sum(p.amount_pence for p in paid if p.kind == "holiday")
    # Three hours of the school's four-hour day: three quarters of the day's rate, not of the statutory 6.49 h.
    day = payroll.quote_timesheet(session, part_day).pay_lines
    assert len(day) == 1 and day[0].minutes == 180
