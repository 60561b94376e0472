"""The ledger's input and output shapes. Amounts are integer pence; a float is refused, never rounded."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from sqlmodel import SQLModel

from coop.inputs import MAX_PENCE, Day, Id, text
from coop.ledger.models import SourceKind

PositivePence = Annotated[int, Field(ge=1, le=MAX_PENCE, strict=True)]


class PostingIn(SQLModel):
    """One side of a manual journal: an account code and exactly one of a debit or a credit, positive."""

    account: text(10, min_length=1)
    debit_pence: PositivePence | None = None
    credit_pence: PositivePence | None = None
    client_id: Id | None = None
    member_id: Id | None = None
    profession: text(20) | None = None

    @model_validator(mode="after")
    def one_side(self) -> PostingIn:
        if (self.debit_pence is None) == (self.credit_pence is None):
            raise ValueError("give exactly one of debit_pence or credit_pence")
        return self

    @property
    def amount_pence(self) -> int:
        return self.debit_pence if self.debit_pence is not None else -(self.credit_pence or 0)


class ManualJournalIn(SQLModel):
    date: Day
    reason: text(500)
    description: text(300) | None = None
    postings: list[PostingIn] = Field(max_length=500)

    @field_validator("reason")
    @classmethod
    def reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why this journal is made")
        return value.strip()


class AccountPublic(SQLModel):
    code: str
    name: str
    name_cy: str
    type: str


class PostingPublic(SQLModel):
    account_code: str
    amount_pence: int
    client_id: int | None = None
    member_id: int | None = None
    profession: str | None = None


class JournalEntryPublic(SQLModel):
    id: int
    entry_date: dt.date
    description: str
    source_kind: SourceKind
    source_id: int | None
    reverses_entry_id: int | None
    reason: str | None
    posted_at: dt.datetime | None
    postings: list[PostingPublic]


class JournalEntriesPublic(SQLModel):
    data: list[JournalEntryPublic]
    count: int


class TrialBalanceRow(SQLModel):
    code: str
    name: str
    debit_pence: int
    credit_pence: int


class TrialBalancePublic(SQLModel):
    as_of: dt.date
    accounts: list[TrialBalanceRow]
    total_debit_pence: int
    total_credit_pence: int


class StatementLine(SQLModel):
    code: str
    name: str
    amount_pence: int  # on the account's normal side: income and assets positive when they are what they say


class IncomeStatementPublic(SQLModel):
    start: dt.date
    end: dt.date
    income: list[StatementLine]
    expenses: list[StatementLine]
    total_income_pence: int
    total_expenses_pence: int
    surplus_pence: int


class BalanceSheetPublic(SQLModel):
    as_of: dt.date
    assets: list[StatementLine]
    liabilities: list[StatementLine]
    equity: list[StatementLine]
    total_assets_pence: int
    total_liabilities_pence: int
    total_equity_pence: int
    unclosed_surplus_pence: int
    balances: bool


class MarginRow(SQLModel):
    key: str | None  # the client id or the profession; None for income or costs not attributed to one
    income_pence: int
    direct_costs_pence: int
    margin_pence: int


class MarginsPublic(SQLModel):
    start: dt.date
    end: dt.date
    by: str
    rows: list[MarginRow]


class ImportResult(SQLModel):
    entry_ids: list[int]
    count: int
