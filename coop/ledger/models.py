"""The ledger's tables: Account, AccountingPeriod, JournalEntry and Posting.

Double entry, append-only, balanced by construction (STYLE §7.2 item 9). The rules live in three places
that agree: `rules.check_balanced` (pure, errors as data), `service.post_entry` (the use-cases' door), and
the database itself (triggers made by migration 0007, on SQLite and PostgreSQL alike):

- an entry is written unposted (`posted_at` NULL), its postings are inserted, then an UPDATE sets
  `posted_at`: that UPDATE is refused unless the postings sum to zero, there are at least two, and no
  closed accounting period holds the entry's date;
- once posted, an entry and its postings are frozen: no UPDATE or DELETE, and no posting can be added;
- postings are never updated at all (a draft is rebuilt by delete and insert), and an entry cannot be
  inserted already posted.

Amounts are signed integer pence: a debit is positive, a credit negative. A posting carries its entry's
date (checked by the database) so that balances as at a date read the posting table and its
(account_code, entry_date) index alone. Corrections are reversing entries (`reverses_entry_id`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Column, Index, text
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime


class SourceKind(StrEnum):
    """What made an entry: the row in another area it posts (`source_id`), or a person."""

    invoice = "invoice"
    credit_note = "credit_note"
    pay_run = "pay_run"
    payment = "payment"
    manual = "manual"
    # "import" is a Python keyword; the stored value is "import".
    import_ = "import"
    appropriation = "appropriation"
    dividend = "dividend"
    year_close = "year_close"
    reversal = "reversal"


class PeriodStatus(StrEnum):
    open = "open"
    closed = "closed"


ACCOUNT_TYPES = ("asset", "liability", "equity", "income", "expense")


class Account(SQLModel, table=True):
    __tablename__ = "account"
    __table_args__ = (CheckConstraint("type IN ('asset', 'liability', 'equity', 'income', 'expense')", name="type"),)

    code: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=80)
    name_cy: str = Field(max_length=80)
    type: str = Field(max_length=10)


class AccountingPeriod(SQLModel, table=True):
    """A financial year (or part of one). Posting into a closed period is refused, here and in the database."""

    __tablename__ = "accounting_period"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    starts_on: date = Field(index=True)
    ends_on: date
    status: str = Field(default=PeriodStatus.open, max_length=10)
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    closed_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class JournalEntry(SQLModel, table=True):
    __tablename__ = "journal_entry"
    __table_args__ = (
        # The few unposted drafts, which every balance leaves out, found without scanning every entry.
        Index(
            "ix_journal_entry_unposted",
            "id",
            sqlite_where=text("posted_at IS NULL"),
            postgresql_where=text("posted_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_date: date = Field(index=True)  # the local (Europe/London) date the entry belongs to
    description: str = Field(max_length=300)
    source_kind: SourceKind = Field(
        sa_column=Column(
            sa.Enum(
                SourceKind,
                name="journal_source_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
                values_callable=lambda kinds: [kind.value for kind in kinds],
            ),
            nullable=False,
        )
    )
    source_id: int | None = Field(default=None)
    # An entry is reversed at most once (a unique index); the reversal names the entry it undoes.
    reverses_entry_id: int | None = Field(default=None, foreign_key="journal_entry.id", unique=True)
    reason: str | None = Field(default=None, max_length=500)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Posting(SQLModel, table=True):
    __tablename__ = "posting"
    __table_args__ = (
        CheckConstraint("amount_pence <> 0", name="amount_not_zero"),
        # Covering: balances as at a date read this index alone, never the table (trial_balance's one query).
        Index("ix_posting_account_code_entry_date", "account_code", "entry_date", "amount_pence", "entry_id"),
        Index("ix_posting_entry_date", "entry_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True)
    entry_date: date  # the entry's date, copied (the database refuses a mismatch)
    account_code: str = Field(foreign_key="account.code", max_length=10)
    amount_pence: int = Field(sa_column=Column(sa.BigInteger(), nullable=False))  # debit +, credit -
    # Dimensions: margins per client and per profession, dividends per member.
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    profession: str | None = Field(default=None, max_length=20)
