"""The ledger's pure rules: an entry balances, balances roll up into the trial balance, the income
statement and the balance sheet. Plain values in, plain values out; no session.

Like beancount's `validate_*` functions, the checks return errors as data (`LedgerError`), never raise:
the service turns them into `InvalidInput`, tests and the year close read them directly.
Amounts are signed integer pence: a debit is positive, a credit negative (STYLE §7.2 items 7 and 9).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from coop.ledger.accounts import DEBIT_NORMAL, AccountType


@dataclass(frozen=True)
class Line:
    """One posting before it is written: an account, signed pence, and the optional dimensions."""

    account_code: str
    amount_pence: int
    client_id: int | None = None
    member_id: int | None = None
    profession: str | None = None


@dataclass(frozen=True)
class LedgerError:
    """A broken rule, as data: `field` names where (e.g. "postings", "postings.2.account")."""

    code: str
    message: str
    field: str = "postings"


@dataclass(frozen=True)
class AccountBalance:
    code: str
    name: str
    type: str
    balance_pence: int  # debits less credits

    @property
    def debit_pence(self) -> int:
        return max(self.balance_pence, 0)

    @property
    def credit_pence(self) -> int:
        return max(-self.balance_pence, 0)


def check_balanced(lines: Sequence[Line]) -> list[LedgerError]:
    """Double entry: at least two postings, each a non-zero whole number of pence, summing to zero."""
    errors: list[LedgerError] = []
    if len(lines) < 2:
        errors.append(LedgerError("too_few_postings", "An entry needs at least two postings."))
    for index, line in enumerate(lines):
        amount = line.amount_pence
        if isinstance(amount, bool) or not isinstance(amount, int):
            errors.append(
                LedgerError("not_pence", "An amount is a whole number of pence.", f"postings.{index}.amount_pence")
            )
        elif amount == 0:
            errors.append(LedgerError("zero_amount", "A posting of zero pence says nothing.", f"postings.{index}"))
    if not errors:
        total = sum(line.amount_pence for line in lines)
        if total != 0:
            side = "debits exceed credits" if total > 0 else "credits exceed debits"
            errors.append(LedgerError("unbalanced", f"The postings do not balance: {side} by {abs(total)} pence."))
    return errors


def check_accounts(lines: Sequence[Line], known: Iterable[str]) -> list[LedgerError]:
    known_codes = set(known)
    return [
        LedgerError("unknown_account", f"There is no account {line.account_code!r}.", f"postings.{index}.account")
        for index, line in enumerate(lines)
        if line.account_code not in known_codes
    ]


def check_period_open(entry_date: date, closed: Iterable[tuple[date, date]]) -> list[LedgerError]:
    """Nothing is posted into a closed accounting period; corrections go in an open one."""
    for starts_on, ends_on in closed:
        if starts_on <= entry_date <= ends_on:
            return [
                LedgerError(
                    "period_closed",
                    f"{entry_date.isoformat()} is in the accounting period {starts_on} to {ends_on}, "
                    "which is closed: post the correction in an open period.",
                    "date",
                )
            ]
    return []


def negate(lines: Iterable[Line]) -> list[Line]:
    """The postings of a reversing entry: the same lines with the signs turned, dimensions kept."""
    return [
        Line(line.account_code, -line.amount_pence, line.client_id, line.member_id, line.profession) for line in lines
    ]


def balances_by_account(entries: Iterable[Sequence[Line]]) -> dict[str, int]:
    """Each account's debits less credits over some entries: the independent, in-memory path."""
    totals: dict[str, int] = {}
    for lines in entries:
        for line in lines:
            totals[line.account_code] = totals.get(line.account_code, 0) + line.amount_pence
    return totals


@dataclass(frozen=True)
class TrialBalance:
    accounts: list[AccountBalance]

    @property
    def total_debit_pence(self) -> int:
        return sum(account.debit_pence for account in self.accounts)

    @property
    def total_credit_pence(self) -> int:
        return sum(account.credit_pence for account in self.accounts)


def trial_balance(balances: Mapping[str, int], chart: Mapping[str, tuple[str, str]]) -> TrialBalance:
    """Net balance per account (`chart`: code -> (name, type)), accounts at zero left out, in code order."""
    return TrialBalance(
        [
            AccountBalance(code, chart[code][0], chart[code][1], balances[code])
            for code in sorted(balances)
            if balances[code] != 0
        ]
    )


def _natural(account: AccountBalance) -> int:
    """The balance on the account's normal side: positive for a debit asset or a credit income."""
    return account.balance_pence if account.type in DEBIT_NORMAL else -account.balance_pence


@dataclass(frozen=True)
class IncomeStatement:
    income: list[AccountBalance]
    expenses: list[AccountBalance]

    @property
    def total_income_pence(self) -> int:
        return sum(_natural(a) for a in self.income)

    @property
    def total_expenses_pence(self) -> int:
        return sum(_natural(a) for a in self.expenses)

    @property
    def surplus_pence(self) -> int:
        return self.total_income_pence - self.total_expenses_pence


def income_statement(accounts: Iterable[AccountBalance]) -> IncomeStatement:
    rows = list(accounts)
    return IncomeStatement(
        income=[a for a in rows if a.type == AccountType.income],
        expenses=[a for a in rows if a.type == AccountType.expense],
    )


@dataclass(frozen=True)
class BalanceSheet:
    assets: list[AccountBalance]
    liabilities: list[AccountBalance]
    equity: list[AccountBalance]
    unclosed_surplus_pence: int  # income less expenses not yet closed into equity by a year close

    @property
    def total_assets_pence(self) -> int:
        return sum(_natural(a) for a in self.assets)

    @property
    def total_liabilities_pence(self) -> int:
        return sum(_natural(a) for a in self.liabilities)

    @property
    def total_equity_pence(self) -> int:
        return sum(_natural(a) for a in self.equity)

    @property
    def balances(self) -> bool:
        return self.total_assets_pence == (
            self.total_liabilities_pence + self.total_equity_pence + self.unclosed_surplus_pence
        )


def balance_sheet(accounts: Iterable[AccountBalance]) -> BalanceSheet:
    """Assets = liabilities + equity + the surplus not yet closed, to the penny, for any balanced ledger."""
    rows = list(accounts)
    return BalanceSheet(
        assets=[a for a in rows if a.type == AccountType.asset],
        liabilities=[a for a in rows if a.type == AccountType.liability],
        equity=[a for a in rows if a.type == AccountType.equity],
        unclosed_surplus_pence=income_statement(rows).surplus_pence,
    )


def validate_ledger(entries: Mapping[int, Sequence[Line]]) -> list[LedgerError]:
    """Every entry balances, re-checked from its stored postings (the year close runs this too)."""
    errors = []
    for entry_id, lines in entries.items():
        errors.extend(
            LedgerError(error.code, f"Entry {entry_id}: {error.message}", f"entry.{entry_id}")
            for error in check_balanced(lines)
        )
    return errors
