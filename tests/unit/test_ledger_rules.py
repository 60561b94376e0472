"""The ledger's pure rules: double entry balances, and balances roll up into statements that agree."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from coop.ledger import rules
from coop.ledger.accounts import BY_CODE, CHART, AccountType
from coop.ledger.beancount import gbp
from coop.ledger.rules import Line

CHART_MAP = {a.code: (a.name, a.type.value) for a in CHART}


def test_an_entry_whose_postings_sum_to_zero_balances():
    assert rules.check_balanced([Line("1100", 12_000), Line("4010", -12_000)]) == []


def test_an_unbalanced_entry_is_refused_with_the_difference_named():
    errors = rules.check_balanced([Line("1100", 12_000), Line("4010", -11_999)])
    assert [e.code for e in errors] == ["unbalanced"]
    assert "1 pence" in errors[0].message and errors[0].field == "postings"


def test_an_entry_needs_two_postings_and_no_zero_or_float_amounts():
    assert [e.code for e in rules.check_balanced([Line("1000", 0)])] == ["too_few_postings", "zero_amount"]
    errors = rules.check_balanced([Line("1000", 1.5), Line("4900", -1.5)])  # type: ignore[arg-type]
    assert {e.code for e in errors} == {"not_pence"} and errors[0].field == "postings.0.amount_pence"


def test_an_unknown_account_is_named_by_its_posting():
    errors = rules.check_accounts([Line("1000", 5), Line("9999", -5)], CHART_MAP)
    assert [(e.code, e.field) for e in errors] == [("unknown_account", "postings.1.account")]


def test_a_date_inside_a_closed_period_is_refused():
    closed = [(date(2026, 4, 1), date(2027, 3, 31))]
    assert rules.check_period_open(date(2027, 3, 31), closed)[0].code == "period_closed"
    assert rules.check_period_open(date(2027, 4, 1), closed) == []


def test_a_reversal_negates_every_posting_and_keeps_its_dimensions():
    lines = [Line("1100", 500, client_id=3), Line("4010", -500, client_id=3, profession="nurse")]
    reversal = rules.negate(lines)
    assert rules.balances_by_account([lines, reversal]) == {"1100": 0, "4010": 0}
    assert reversal[1].profession == "nurse" and reversal[0].client_id == 3


def test_pence_are_written_as_pounds_with_two_decimals_by_integer_arithmetic():
    assert [gbp(p) for p in (0, 5, -5, 1234, -100_000_01)] == ["0.00", "0.05", "-0.05", "12.34", "-100000.01"]


def test_the_chart_has_every_account_a_worker_coop_needs_with_a_welsh_name():
    names = {a.code: a for a in CHART}
    assert len(names) == len(CHART) and all(a.name_cy for a in CHART)
    assert BY_CODE["3110"].name == "Indivisible reserve" and BY_CODE["3110"].type == AccountType.equity
    assert len({a.beancount_name for a in CHART}) == len(CHART)
    assert {a.code for a in CHART if a.is_direct_cost} == {"5000", "5010", "5020", "5030"}


CODES = sorted(CHART_MAP)


@st.composite
def balanced_entry(draw) -> list[Line]:
    """A random entry: some debits and credits on random accounts, the last line making it balance."""
    amounts = draw(st.lists(st.integers(-10_000_000, 10_000_000).filter(bool), min_size=1, max_size=6))
    balancing = -sum(amounts)
    if balancing == 0:
        amounts = [*amounts[:-1], amounts[-1] + 1]
        balancing = -sum(amounts)
    codes = draw(st.lists(st.sampled_from(CODES), min_size=len(amounts) + 1, max_size=len(amounts) + 1))
    lines = [Line(code, amount) for code, amount in zip(codes, [*amounts, balancing], strict=True)]
    return [line for line in lines if line.amount_pence != 0]


@settings(max_examples=200, deadline=None)
@given(st.lists(balanced_entry(), min_size=1, max_size=25))
def test_random_balanced_entries_give_a_trial_balance_that_nets_to_zero(entries):
    assert all(rules.check_balanced(lines) == [] for lines in entries)
    trial = rules.trial_balance(rules.balances_by_account(entries), CHART_MAP)
    assert trial.total_debit_pence == trial.total_credit_pence
    assert sum(account.balance_pence for account in trial.accounts) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(balanced_entry(), min_size=1, max_size=25))
def test_random_balanced_entries_give_a_balance_sheet_that_balances_to_the_penny(entries):
    accounts = rules.trial_balance(rules.balances_by_account(entries), CHART_MAP).accounts
    sheet = rules.balance_sheet(accounts)
    assert sheet.balances
    statement = rules.income_statement(accounts)
    assert sheet.unclosed_surplus_pence == statement.surplus_pence


def test_a_hand_made_year_reads_as_expected():
    entries = [
        [Line("1000", 50_000), Line("3000", -50_000)],  # members buy shares
        [Line("1100", 120_000, client_id=1), Line("4010", -120_000, client_id=1)],  # invoice a ward
        [Line("5000", 90_000), Line("2120", -90_000)],  # gross pay owed
        [Line("7100", 3_000), Line("1000", -3_000)],  # software
    ]
    accounts = rules.trial_balance(rules.balances_by_account(entries), CHART_MAP).accounts
    statement = rules.income_statement(accounts)
    assert (statement.total_income_pence, statement.total_expenses_pence, statement.surplus_pence) == (
        120_000,
        93_000,
        27_000,
    )
    sheet = rules.balance_sheet(accounts)
    assert (sheet.total_assets_pence, sheet.total_liabilities_pence, sheet.total_equity_pence) == (
        167_000,
        90_000,
        50_000,
    )
    assert sheet.balances


def test_validate_ledger_reports_each_unbalanced_entry_as_data():
    errors = rules.validate_ledger({1: [Line("1000", 1), Line("4900", -1)], 2: [Line("1000", 2), Line("4900", -1)]})
    assert [(e.code, e.field) for e in errors] == [("unbalanced", "entry.2")]
