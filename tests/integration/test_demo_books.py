"""The demo co-op's books reconcile exactly like a live co-op's: they were made by the same use-cases (demo.books)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import realization
from sqlmodel import col, func, select

from coop.access import Actor
from coop.billing import payments
from coop.billing.models import Invoice, InvoiceLine
from coop.bookings.models import Timesheet
from coop.clock import today_local
from coop.ledger import accounts
from coop.ledger import service as ledger
from coop.ledger.accounts import BY_CODE
from coop.ledger.models import Posting
from coop.pay.models import PayLine, PayPricing, PayRun
from demo.books import OVERHEADS, books_start

COORDINATOR = Actor(user_id=None, roles=frozenset({"coordinator"}), name="coordinator")
WORKED = ("pay", "travel")


def _pence(pounds: str) -> int:
    return int(Decimal(pounds) * 100)


def test_the_demo_trial_balance_nets_to_zero(demo_session):
    trial = ledger.trial_balance(demo_session, actor=COORDINATOR, as_of=today_local())
    assert trial.total_debit_pence == trial.total_credit_pence > 0
    assert demo_session.exec(select(func.sum(Posting.amount_pence))).one() == 0


def test_receivables_in_the_ledger_equal_the_aged_debtors_to_the_penny_with_some_overdue_in_each_bucket(demo_session):
    debtors = payments.aged_debtors(demo_session, actor=COORDINATOR)
    assert ledger.balances(demo_session)[accounts.TRADE_DEBTORS] == debtors.totals.total_pence > 0
    for bucket in ("days_1_30", "days_31_60", "days_61_90", "days_over_90"):
        assert getattr(debtors.totals, f"{bucket}_pence") > 0, bucket
    invoices = demo_session.exec(select(Invoice)).all()
    owed = payments.owed_pence(demo_session, [invoice.id for invoice in invoices])
    paid = [invoice for invoice in invoices if owed[invoice.id] == 0]
    assert len(paid) > 0.8 * len(invoices), "most invoices are paid"


def test_every_issued_invoice_total_equals_its_lines_and_its_ledger_posting(demo_session):
    invoices = demo_session.exec(select(Invoice).order_by(Invoice.id)).all()
    assert len(invoices) > 100
    line_totals: dict[int, int] = defaultdict(int)
    for invoice_id, amount in demo_session.exec(select(InvoiceLine.invoice_id, InvoiceLine.amount_pence)).all():
        line_totals[invoice_id] += amount
    postings: dict[int, list[Posting]] = defaultdict(list)
    for posting in demo_session.exec(
        select(Posting).where(col(Posting.entry_id).in_([i.journal_entry_id for i in invoices]))
    ):
        postings[posting.entry_id].append(posting)
    for invoice in invoices:
        assert invoice.total_pence == line_totals[invoice.id] > 0, invoice.number
        entry = postings[invoice.journal_entry_id]
        debtors = [p for p in entry if p.account_code == accounts.TRADE_DEBTORS]
        assert [(p.amount_pence, p.client_id) for p in debtors] == [(invoice.total_pence, invoice.client_id)]
        assert all(p.entry_date == invoice.issued_on for p in entry)
        assert sum(p.amount_pence for p in entry) == 0


def test_each_demo_pay_run_csv_equals_its_pay_lines_and_wages_in_the_ledger_equal_the_pay_lines(demo_session):
    runs = demo_session.exec(select(PayRun).order_by(PayRun.period_start)).all()
    assert len(runs) > 52 and all(run.status == "exported" and run.csv_text for run in runs)
    lines = demo_session.exec(select(PayLine).where(col(PayLine.pay_run_id).is_not(None))).all()
    by_run: dict[int, list[PayLine]] = defaultdict(list)
    for line in lines:
        by_run[line.pay_run_id].append(line)
    for run in runs:
        rows = list(csv.DictReader(io.StringIO(run.csv_text)))
        expected: dict[int, int] = defaultdict(int)
        for line in by_run[run.id]:
            expected[line.member_id] += line.amount_pence
        assert {int(row["member_id"]): _pence(row["total"]) for row in rows} == expected, run.id
        entry = demo_session.exec(select(Posting).where(Posting.entry_id == run.journal_entry_id)).all()
        wages = sum(p.amount_pence for p in entry if p.account_code == accounts.WAGES)
        holiday = sum(p.amount_pence for p in entry if p.account_code == accounts.HOLIDAY_PAY)
        assert wages == sum(line.amount_pence for line in by_run[run.id] if line.pays_for in WORKED), run.id
        assert holiday == sum(line.amount_pence for line in by_run[run.id] if line.pays_for == "holiday"), run.id
    balances = ledger.balances(demo_session)
    assert balances[accounts.WAGES] == sum(line.amount_pence for line in lines if line.pays_for in WORKED)
    assert balances[accounts.HOLIDAY_PAY] == sum(line.amount_pence for line in lines if line.pays_for == "holiday")


def test_every_approved_timesheet_worked_before_the_last_pay_run_is_priced_and_paid(demo_session):
    last = demo_session.exec(select(func.max(PayRun.period_end))).one()
    priced = set(demo_session.exec(select(PayPricing.timesheet_id)).all())
    approved = demo_session.exec(select(Timesheet).where(Timesheet.status == "approved")).all()
    assert len(approved) > 1000
    assert {sheet.id for sheet in approved} <= priced
    unpaid = demo_session.exec(
        select(func.count())
        .select_from(PayLine)
        .join(PayPricing, col(PayPricing.id) == PayLine.pricing_id)
        .where(col(PayLine.pay_run_id).is_(None), PayPricing.worked_on <= last)
    ).one()
    assert unpaid == 0


def _bean_check(tmp_path: Path, text: str) -> None:
    path = tmp_path / "demo.beancount"
    path.write_text(text)
    command = shutil.which("bean-check", path=str(Path(sys.executable).parent))
    assert command, "bean-check is installed beside the interpreter"
    result = subprocess.run([command, str(path)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0 and result.stdout == result.stderr == "", result.stdout + result.stderr


def test_the_demo_beancount_export_passes_bean_check_and_its_balances_equal_the_trial_balance(demo_session, tmp_path):
    text = ledger.export_beancount(demo_session, actor=COORDINATOR)
    _bean_check(tmp_path, text)
    entries, errors, _options = loader.load_string(text)
    assert errors == []
    root = realization.realize(entries)
    trial = ledger.trial_balance(demo_session, actor=COORDINATOR, as_of=today_local())
    assert len(trial.accounts) > 10
    for account in trial.accounts:
        units = realization.get(root, BY_CODE[account.code].beancount_name).balance.get_currency_units("GBP")
        assert units.number == Decimal(account.balance_pence) / 100, account.code


def test_the_last_complete_financial_year_has_income_wages_and_overheads(demo_session):
    start = books_start(today_local())
    end = date(start.year + 1, start.month, start.day) - timedelta(days=1)
    statement = ledger.income_statement(demo_session, actor=COORDINATOR, start=start, end=end)
    income = {a.code: a.balance_pence for a in statement.income}
    expenses = {a.code: a.balance_pence for a in statement.expenses}
    for code in accounts.INCOME_BY_PROFESSION.values():
        assert income.get(code, 0) < 0, code  # credits: income for every profession
    for code in (accounts.WAGES, accounts.HOLIDAY_PAY, accounts.EMPLOYER_NI, accounts.EMPLOYER_PENSION):
        assert expenses.get(code, 0) > 0, code
    for code, *_rest in OVERHEADS:
        assert expenses.get(code, 0) > 0, code
    assert statement.total_income_pence > 0 and statement.total_expenses_pence > 0
    assert statement.surplus_pence != 0  # a surplus or a deficit for the year's close to take
