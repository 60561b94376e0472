"""Pure billing rules: largest-remainder splits, invoicing periods, credit amounts, and a property that for any
quotes an invoice's total is the sum of its lines and of its receivables posting."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.billing import rules
from coop.billing.models import LATE_CANCELLATION, WORK, Invoice, InvoiceLine
from coop.billing.service import ledger_lines
from coop.errors import InvalidInput
from coop.ledger.rules import check_balanced
from coop.pay.rules import AgencyComparison, OnCosts, PayLine, price_charge

ON_COSTS = OnCosts(holiday_bp=1207, employer_ni_bp=1500, pension_bp=300, margin_bp=1000)


def test_a_split_by_largest_remainder_sums_to_the_whole_and_favours_the_largest_remainder():
    assert rules.split_by_weights(100, [1, 1, 1]) == [34, 33, 33]
    assert rules.split_by_weights(-100, [1, 2]) == [-33, -67]
    assert rules.split_by_weights(7, [0, 0]) == [7, 0]


def test_a_weekly_client_gets_one_period_per_iso_week_and_a_monthly_client_one_per_month():
    weeks = rules.client_periods(date(2026, 12, 1), date(2026, 12, 14), rules.WEEKLY)
    assert weeks == [
        (date(2026, 12, 1), date(2026, 12, 6)),
        (date(2026, 12, 7), date(2026, 12, 13)),
        (date(2026, 12, 14), date(2026, 12, 14)),
    ]
    months = rules.client_periods(date(2026, 11, 20), date(2027, 1, 5), rules.MONTHLY)
    assert [end for _start, end in months] == [date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 5)]


def test_a_period_ending_before_it_starts_is_refused_naming_period_end():
    with pytest.raises(InvalidInput) as refused:
        rules.client_periods(date(2026, 12, 2), date(2026, 12, 1), rules.WEEKLY)
    assert refused.value.field == "period_end"


def test_a_credit_is_more_than_nothing_and_no_more_than_is_left():
    assert rules.check_credit_amount(None, 900) == 900
    for amount in (0, -5, 901):
        with pytest.raises(InvalidInput) as refused:
            rules.check_credit_amount(amount, 900)
        assert refused.value.field == "amount_pence"


def test_pence_of_each_pound_rounds_half_up():
    assert rules.pence_of_each_pound(815, 1000) == 82
    assert rules.pence_of_each_pound(0, 0) == 0


pay_amounts = st.lists(st.integers(min_value=1, max_value=500_000), min_size=1, max_size=12)


def _line(index: int, amount: int, profession: str) -> tuple[InvoiceLine, int]:
    pay = PayLine("pay", "plain", 450, "hour", amount, 0, amount, 1, amount)
    quote = price_charge([pay], on_costs=ON_COSTS, comparison=AgencyComparison(markup_bp=5500))
    row = InvoiceLine(
        invoice_id=1,
        position=index,
        kind=LATE_CANCELLATION if index % 5 == 4 else WORK,
        worked_on=date(2026, 12, 1),
        profession=profession,
        minutes=450,
        description="x",
        pay_pence=quote.pay_pence,
        holiday_pence=quote.holiday_pence,
        employer_ni_pence=quote.employer_ni_pence,
        pension_pence=quote.pension_pence,
        margin_pence=quote.margin_pence,
        amount_pence=quote.charge_pence,
        worker_pence=quote.worker_pence,
        agency_pence=quote.agency_comparison_pence or 0,
    )
    return row, quote.charge_pence


@given(
    pay_amounts,
    st.lists(st.sampled_from(["nurse", "supply_teacher", "care_worker"]), min_size=12, max_size=12),
    st.integers(min_value=1, max_value=10**6),
)
def test_for_any_quotes_an_invoice_total_is_its_lines_and_its_receivables_posting(amounts, professions, credit):
    rows, charges = zip(*(_line(i, amount, professions[i]) for i, amount in enumerate(amounts)), strict=True)
    total = sum(charges)
    invoice = Invoice(
        number=1,
        client_id=7,
        period_start=date(2026, 12, 1),
        period_end=date(2026, 12, 31),
        issued_on=date(2026, 12, 31),
        issued_at=None,
        total_pence=total,
        pay_pence=0,
        holiday_pence=0,
        employer_ni_pence=0,
        pension_pence=0,
        margin_pence=0,
        worker_pence=0,
        agency_comparison_pence=0,
    )
    postings = ledger_lines(invoice, rows)
    assert total == sum(row.amount_pence for row in rows)
    assert postings[0].account_code == "1100" and postings[0].amount_pence == total
    assert check_balanced(postings) == []
    # A partial credit shared across the lines by largest remainder reconciles to the penny.
    amount = min(credit, total)
    parts = rules.split_by_weights(amount, [row.amount_pence for row in rows])
    assert sum(parts) == amount and all(0 <= part <= row.amount_pence for part, row in zip(parts, rows, strict=True))
    for part, row in zip(parts, rows, strict=True):
        split = rules.Split(
            row.pay_pence, row.holiday_pence, row.employer_ni_pence, row.pension_pence, row.margin_pence
        )
        assert rules.credit_split(split, part).amount_pence == part
