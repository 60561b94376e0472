"""Payments on real databases (SQLite and PostgreSQL): matching, partial and over-payments, the bank statement
import, reversal, the aged-debtors list, and the ledger's trade debtors agreeing with it to the penny."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, func, select

from coop.access import Actor
from coop.billing import payments
from coop.billing import service as billing
from coop.billing.models import Payment, PaymentAllocation
from coop.clock import travel_to
from coop.enums import Role
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.ledger.models import Posting
from tests.billing_builders import COORDINATOR
from tests.factories import make_client
from tests.payment_builders import credit_note, issued_invoice

TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def pinned_clock():
    with travel_to(datetime(2026, 12, 7, 12, tzinfo=UTC)):
        yield


@pytest.fixture
def clients(session):
    return make_client(session, name="Ward A4"), make_client(session, kind="school", name="Ysgol Y Wern")


def _record(session, **kw):
    kw.setdefault("received_on", TODAY)
    kw.setdefault("reference", "")
    return payments.record_payment(session=session, actor=COORDINATOR, **kw)


def _owed(session, invoice) -> int:
    return payments.owed_pence(session, [invoice.id])[invoice.id]


def _allocations(session, payment) -> list[tuple[int, int, str]]:
    rows = session.exec(select(PaymentAllocation).where(PaymentAllocation.payment_id == payment.id)).all()
    return [(row.invoice_id, row.amount_pence, row.how) for row in rows]


def _receivables_by_client(session) -> dict[int | None, int]:
    rows = session.exec(
        select(Posting.client_id, func.sum(Posting.amount_pence))
        .where(Posting.account_code == accounts.TRADE_DEBTORS)
        .group_by(Posting.client_id)
    ).all()
    return {client_id: int(total) for client_id, total in rows if int(total)}


def test_a_reference_naming_an_invoice_pays_it_and_tells_whose_money_it_is(session, clients):
    ward, school = clients
    first = issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=50_000)
    named = issued_invoice(session, client=school, issued_on=date(2026, 11, 3), total=12_345)
    payment = _record(session, amount_pence=12_345, reference=f"YSGOL Y WERN INV {named.number}")
    assert payment.client_id == school.id
    assert _allocations(session, payment) == [(named.id, 12_345, "reference")]
    assert _owed(session, named) == 0 and _owed(session, first) == 50_000
    assert billing.outstanding_pence(session, named) == 0 and billing.outstanding_pence(session, first) == 50_000


def test_a_reference_naming_two_invoices_pays_them_in_the_order_written(session, clients):
    ward, _school = clients
    older = issued_invoice(session, client=ward, issued_on=date(2026, 10, 1), total=1_000)
    newer = issued_invoice(session, client=ward, issued_on=date(2026, 11, 1), total=2_000)
    payment = _record(session, amount_pence=2_500, reference=f"inv {newer.number} / inv {older.number}")
    assert _allocations(session, payment) == [(newer.id, 2_000, "reference"), (older.id, 500, "reference")]
    assert _owed(session, older) == 500


def test_an_amount_owed_by_exactly_one_open_invoice_is_matched_without_a_reference(session, clients):
    ward, school = clients
    issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=9_999)
    target = issued_invoice(session, client=school, issued_on=date(2026, 11, 2), total=7_777)
    payment = _record(session, amount_pence=7_777, reference="BACS THANK YOU")
    assert payment.client_id == school.id
    assert _allocations(session, payment) == [(target.id, 7_777, "amount")]


def test_an_amount_two_invoices_owe_stays_on_account_until_allocated_by_hand(session, clients):
    ward, school = clients
    one = issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=5_000)
    issued_invoice(session, client=school, issued_on=date(2026, 11, 2), total=5_000)
    payment = _record(session, amount_pence=5_000, reference="FASTER PAYMENT 0941")
    assert payment.client_id is None and _allocations(session, payment) == []
    waiting = payments.list_payments(session, actor=COORDINATOR, unallocated_only=True)
    assert [(view.payment.id, view.unallocated_pence) for view in waiting] == [(payment.id, 5_000)]

    with pytest.raises(InvalidInput) as too_much:
        payments.allocate_payment(
            session=session, actor=COORDINATOR, payment_id=payment.id, invoice_id=one.id, amount_pence=5_001
        )
    assert too_much.value.field == "amount_pence"
    payments.allocate_payment(
        session=session, actor=COORDINATOR, payment_id=payment.id, invoice_id=one.id, amount_pence=5_000
    )
    assert _owed(session, one) == 0
    assert payments.list_payments(session, actor=COORDINATOR, unallocated_only=True) == []
    # The unidentified money was moved in trade debtors to the ward: per client, the ledger agrees.
    assert _receivables_by_client(session) == {school.id: 5_000}


def test_a_named_clients_payment_matches_only_that_clients_invoices(session, clients):
    ward, school = clients
    schools = issued_invoice(session, client=school, issued_on=date(2026, 11, 2), total=3_000)
    payment = _record(session, client_id=ward.id, amount_pence=3_000, reference=f"INV {schools.number}")
    assert payment.client_id == ward.id and _allocations(session, payment) == []
    with pytest.raises(InvalidInput) as refused:
        payments.allocate_payment(
            session=session, actor=COORDINATOR, payment_id=payment.id, invoice_id=schools.id, amount_pence=3_000
        )
    assert refused.value.field == "invoice_id"


def test_a_partial_payment_leaves_the_rest_owing_and_an_overpayment_the_rest_on_account(session, clients):
    ward, _school = clients
    invoice = issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=10_000)
    part = _record(session, amount_pence=4_000, reference=f"Invoice {invoice.number} part")
    assert _allocations(session, part) == [(invoice.id, 4_000, "reference")]
    assert _owed(session, invoice) == 6_000
    over = _record(session, amount_pence=7_500, reference=f"Invoice {invoice.number} rest")
    assert _allocations(session, over) == [(invoice.id, 6_000, "reference")]
    assert _owed(session, invoice) == 0
    view = payments.get_payment(session, actor=COORDINATOR, payment_id=over.id)
    assert (view.allocated_pence, view.unallocated_pence) == (6_000, 1_500)
    line = payments.aged_debtors(session, actor=COORDINATOR).lines[0]
    assert (line.client_id, line.on_account_pence, line.total_pence) == (ward.id, 1_500, -1_500)


def test_a_credit_note_lowers_what_is_owed_and_no_payment_takes_more(session, clients):
    ward, _school = clients
    invoice = issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=10_000)
    credit_note(session, invoice=invoice, amount=2_500, issued_on=date(2026, 11, 20))
    payment = _record(session, amount_pence=10_000, reference=f"INV{invoice.number}")
    assert _allocations(session, payment) == [(invoice.id, 7_500, "reference")]


def test_payments_refuse_a_day_in_the_future_and_an_unknown_client_naming_the_field(session, clients):
    with pytest.raises(InvalidInput) as future:
        _record(session, amount_pence=100, received_on=date(2026, 12, 8))
    with pytest.raises(InvalidInput) as unknown:
        _record(session, amount_pence=100, client_id=999_999)
    assert (future.value.field, unknown.value.field) == ("received_on", "client_id")
    assert session.exec(select(func.count()).select_from(Payment)).one() == 0


STATEMENT = """Date,Description,Amount,Reference
01/12/2026,BACS CREDIT,"1,000.00",INV {a}
02/12/2026,DIRECT DEBIT INSURANCE,-250.00,POLICY 77
2026-12-03,FASTER PAYMENT,333.33,
2026-12-03,FASTER PAYMENT,333.33,
"""


def test_a_statement_imports_money_in_matches_each_line_and_skips_lines_imported_before(session, clients):
    ward, school = clients
    a = issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=100_000)
    b = issued_invoice(session, client=school, issued_on=date(2026, 11, 2), total=33_333)
    text = STATEMENT.format(a=a.number)
    result = payments.import_statement_csv(session=session, actor=COORDINATOR, csv_text=text)
    assert (len(result.payments), result.skipped_outgoing, result.already_imported) == (3, 1, 0)
    first, second, third = result.payments
    assert (first.received_on, first.amount_pence, first.source) == (date(2026, 12, 1), 100_000, "import")
    assert _allocations(session, first) == [(a.id, 100_000, "reference")]
    # Two identical lines are two payments: the first matches b by amount, the second has nothing left to match.
    assert _allocations(session, second) == [(b.id, 33_333, "amount")] and _allocations(session, third) == []
    again = payments.import_statement_csv(session=session, actor=COORDINATOR, csv_text=text)
    assert (again.payments, again.already_imported) == ([], 3)
    assert session.exec(select(func.count()).select_from(Payment)).one() == 3


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("2026-12-04,X,12.345,ref", "row 4.amount"),
        ("31/02/2026,X,12.00,ref", "row 4.date"),
        ("2026-12-09,X,12.00,ref", "row 4.date"),
        ("2026-12-04,X,0.00,ref", "row 4.amount"),
        ("2026-12-04,X,12.00,ref,extra", "row 4.row"),
    ],
)
def test_a_statement_with_a_bad_row_writes_nothing_and_names_the_row_and_column(session, clients, row, where):
    ward, _school = clients
    issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=10_000)
    text = "date,description,amount,reference\n2026-12-01,A,100.00,INV 1\n2026-12-02,B,5.00,x\n" + row + "\n"
    with pytest.raises(InvalidInput) as refused:
        payments.import_statement_csv(session=session, actor=COORDINATOR, csv_text=text)
    assert refused.value.field == where and "Nothing was imported" in refused.value.detail
    session.rollback()
    assert session.exec(select(func.count()).select_from(Payment)).one() == 0
    assert session.exec(select(func.count()).select_from(PaymentAllocation)).one() == 0


def test_a_statement_without_an_amount_column_is_refused_naming_the_header(session):
    with pytest.raises(InvalidInput) as refused:
        payments.import_statement_csv(session=session, actor=COORDINATOR, csv_text="date,reference\n2026-12-01,x\n")
    assert refused.value.field == "row 1.amount"


def test_a_reversed_payment_frees_its_allocations_and_posts_the_reversing_entry(session, clients):
    ward, _school = clients
    invoice = issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=8_000)
    payment = _record(session, amount_pence=8_000, reference=f"INV {invoice.number}")
    assert _owed(session, invoice) == 0
    reversed_ = payments.reverse_payment(
        session=session, actor=COORDINATOR, payment_id=payment.id, reason="Bounced cheque"
    )
    assert reversed_.reversal_reason == "Bounced cheque" and reversed_.reversal_entry_id is not None
    assert _owed(session, invoice) == 8_000
    assert sorted(amount for _invoice, amount, _how in _allocations(session, payment)) == [-8_000, 8_000]
    reversal = ledger_service.entry_lines(session, reversed_.reversal_entry_id)
    assert sorted((line.account_code, line.amount_pence) for line in reversal) == [("1000", -8_000), ("1100", 8_000)]
    with pytest.raises(Conflict):
        payments.reverse_payment(session=session, actor=COORDINATOR, payment_id=payment.id, reason="again")
    with pytest.raises(Conflict):
        payments.allocate_payment(
            session=session, actor=COORDINATOR, payment_id=payment.id, invoice_id=invoice.id, amount_pence=1
        )


def test_debtors_are_aged_by_each_invoices_due_date(session, clients):
    ward, school = clients
    school.payment_terms_days = 14
    session.add(school)
    session.commit()
    # As of 7 December 2026, with the co-op's 30 days' terms (hand-counted days past the due date):
    for issued_on, total in [
        (date(2026, 11, 20), 1),  # due 20 Dec: not yet due -> current
        (date(2026, 11, 7), 10),  # due 7 Dec, today: 0 days -> current
        (date(2026, 11, 6), 100),  # due 6 Dec: 1 day -> 1-30
        (date(2026, 10, 7), 1_000),  # due 6 Nov: 31 days -> 31-60
        (date(2026, 9, 7), 10_000),  # due 7 Oct: 61 days -> 61-90
        (date(2026, 8, 9), 20_000),  # due 8 Sep: 90 days -> 61-90
        (date(2026, 8, 8), 100_000),  # due 7 Sep: 91 days -> over 90
    ]:
        issued_invoice(session, client=ward, issued_on=issued_on, total=total)
    # The school's own 14 days: issued 20 Nov, due 4 Dec, 3 days -> 1-30.
    issued_invoice(session, client=school, issued_on=date(2026, 11, 20), total=5_000)

    debtors = payments.aged_debtors(session, actor=COORDINATOR, as_of=TODAY)
    by_client = {line.client_id: line for line in debtors.lines}
    ward_line = by_client[ward.id]
    assert (
        ward_line.current_pence,
        ward_line.days_1_30_pence,
        ward_line.days_31_60_pence,
        ward_line.days_61_90_pence,
        ward_line.days_over_90_pence,
        ward_line.total_pence,
    ) == (11, 100, 1_000, 30_000, 100_000, 131_111)
    assert (by_client[school.id].days_1_30_pence, by_client[school.id].current_pence) == (5_000, 0)
    assert debtors.totals.total_pence == 136_111 and debtors.totals.days_1_30_pence == 5_100
    # A day later the invoice due today is one day overdue.
    later = payments.aged_debtors(session, actor=COORDINATOR, as_of=date(2026, 12, 8))
    assert {line.client_id: line for line in later.lines}[ward.id].days_1_30_pence == 110


def test_trade_debtors_in_the_ledger_equal_the_debtors_total_to_the_penny(session, clients):
    ward, school = clients
    a = issued_invoice(session, client=ward, issued_on=date(2026, 10, 1), total=123_457)
    b = issued_invoice(session, client=ward, issued_on=date(2026, 11, 1), total=9_001)
    c = issued_invoice(session, client=school, issued_on=date(2026, 11, 15), total=45_678)
    credit_note(session, invoice=c, amount=678, issued_on=date(2026, 11, 30))
    _record(session, amount_pence=100_000, reference=f"INV {a.number}")  # partial
    _record(session, amount_pence=10_000, reference=f"INV {b.number}")  # over by 999
    _record(session, amount_pence=45_000)  # exactly what c owes after its credit: matched by amount
    unknown = _record(session, amount_pence=777, reference="CASH")  # unidentified, on account
    bounced = _record(session, client_id=ward.id, amount_pence=5_000, reference="cheque 1")
    payments.reverse_payment(session=session, actor=COORDINATOR, payment_id=bounced.id, reason="Bounced")
    payments.allocate_payment(
        session=session, actor=COORDINATOR, payment_id=unknown.id, invoice_id=a.id, amount_pence=700
    )

    debtors = payments.aged_debtors(session, actor=COORDINATOR, as_of=TODAY)
    balances = ledger_service.balances(session)
    assert balances[accounts.TRADE_DEBTORS] == debtors.totals.total_pence == 123_457 - 100_000 - 700 - 999 - 77
    assert _receivables_by_client(session) == {
        line.client_id: line.total_pence for line in debtors.lines if line.total_pence
    }
    assert balances[accounts.BANK] == 100_000 + 10_000 + 45_000 + 777


def test_members_and_client_contacts_cannot_record_allocate_or_reverse(session, clients):
    ward, _school = clients
    invoice = issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=1_000)
    payment = _record(session, amount_pence=500)
    for actor in (
        Actor(user_id=None, roles=frozenset({Role.member}), member_id=1),
        Actor(user_id=None, roles=frozenset({Role.client}), client_id=ward.id),
        Actor(user_id=None, roles=frozenset({Role.board})),
    ):
        with pytest.raises(PermissionDenied):
            payments.record_payment(session=session, actor=actor, received_on=TODAY, amount_pence=1)
        with pytest.raises(PermissionDenied):
            payments.allocate_payment(
                session=session, actor=actor, payment_id=payment.id, invoice_id=invoice.id, amount_pence=1
            )
        with pytest.raises(PermissionDenied):
            payments.reverse_payment(session=session, actor=actor, payment_id=payment.id, reason="no")
    assert session.exec(select(func.count()).select_from(Payment)).one() == 1


def test_a_client_contact_sees_only_their_own_debtors_line_and_payments(session, clients):
    ward, school = clients
    issued_invoice(session, client=ward, issued_on=date(2026, 11, 2), total=1_000)
    school_invoice = issued_invoice(session, client=school, issued_on=date(2026, 11, 2), total=2_000)
    theirs = _record(session, amount_pence=2_000, reference=f"INV {school_invoice.number}")
    ours = _record(session, client_id=ward.id, amount_pence=10)
    contact = Actor(user_id=None, roles=frozenset({Role.client}), client_id=ward.id)
    debtors = payments.aged_debtors(session, actor=contact, as_of=TODAY)
    assert [line.client_id for line in debtors.lines] == [ward.id] and debtors.totals.total_pence == 990
    assert [view.payment.id for view in payments.list_payments(session, actor=contact)] == [ours.id]
    with pytest.raises(NotFound):
        payments.get_payment(session, actor=contact, payment_id=theirs.id)
    with pytest.raises(PermissionDenied):
        payments.aged_debtors(session, actor=Actor(user_id=None, roles=frozenset({Role.member}), member_id=1))
    assert session.exec(select(func.count()).select_from(Payment).where(col(Payment.client_id).is_(None))).one() == 0
