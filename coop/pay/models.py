"""The rate_card table: effective-dated pay and charge figures (RULES §8.3), added, never edited.

One row per (profession, grade, kind, effective_from). The card in force on a date is the row with the latest
effective_from on or before it; a priced line records the card's id, so a later card never changes it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime

CARD_KINDS = ("annual_salary", "hourly", "floor_hourly", "on_costs", "agency_comparison")
ANY_GRADE = "*"


class RateCard(SQLModel, table=True):
    __tablename__ = "rate_card"
    __table_args__ = (
        UniqueConstraint("profession", "grade", "kind", "effective_from", name="uq_rate_card_key"),
        CheckConstraint("amount_pence IS NULL OR amount_pence >= 0", name="amount_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    profession: str = Field(max_length=20, index=True)
    grade: str = Field(max_length=10)  # a grade of coop.members.grades, or "*" for every grade
    kind: str = Field(max_length=20)
    effective_from: date
    # Amounts in pence: a year's salary (annual_salary), an hour (hourly, floor_hourly), a day or an hour
    # (agency_comparison). Percentages in basis points.
    amount_pence: int | None = None
    divisor_days: int | None = None
    saturday_bp: int | None = None
    weekday_night_bp: int | None = None
    sunday_bp: int | None = None
    bank_holiday_bp: int | None = None
    holiday_bp: int | None = None
    employer_ni_bp: int | None = None
    pension_bp: int | None = None
    margin_bp: int | None = None
    markup_bp: int | None = None
    source: str = Field(default="", max_length=300)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# ------------------------------------------------------------------------------------------------ pay lines

LINE_KINDS = ("pay", "holiday", "travel", "adjustment", "dividend")
PAY_RUN_STATUSES = ("draft", "posted", "exported")
# The band name a holiday-pay line carries (its own payslip line, RULES §1.5, §8.1.14).
HOLIDAY_BAND = "holiday"


class PayPricing(SQLModel, table=True):
    """One pricing of an approved timesheet: the figures it was priced from, kept so a later change is seen.

    A timesheet's pricings are numbered 1, 2, …; the unique (timesheet, sequence) lets only one pricer win
    when two price at once. The newest pricing's figures are the ones its lines stand for.
    """

    __tablename__ = "pay_pricing"
    __table_args__ = (UniqueConstraint("timesheet_id", "sequence", name="uq_pay_pricing_sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    timesheet_id: int = Field(foreign_key="timesheet.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    sequence: int
    worked_on: date = Field(index=True)  # the local date the timesheet started (RULES §6.3)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    break_minutes: int
    worked_minutes: int
    on_costs_card_id: int | None = Field(default=None, foreign_key="rate_card.id")
    priced_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PayRun(SQLModel, table=True):
    """A pay period's run: draft (lines gathered), posted (one ledger entry), exported (the payroll CSV)."""

    __tablename__ = "pay_run"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint("status IN ('draft', 'posted', 'exported')", name="status_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period_start: date = Field(index=True)
    period_end: date
    status: str = Field(default="draft", max_length=10)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    journal_entry_id: int | None = Field(default=None, foreign_key="journal_entry.id")
    exported_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # The payroll file as first exported, and its SHA-256: a second export gives these same bytes.
    csv_text: str | None = None
    csv_sha256: str | None = Field(default=None, max_length=64)


class PayLine(SQLModel, table=True):
    """One written line of a member's pay. Its money never changes: a corrected timesheet adds adjustment
    lines that negate these and new lines for the new figures. Only `pay_run_id` and `exported_at` are set
    later, once each.

    `rate_pence` is the rate rounded to whole pence for display; the line's amount was computed from the exact
    rate (`exact_amount`, a fraction of pence, written down) and rounded once, half up (coop/pay/rules.py).
    """

    __tablename__ = "pay_line"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('pay', 'holiday', 'travel', 'adjustment', 'dividend')",
            name="kind_known",
        ),
        CheckConstraint("(kind = 'adjustment') = (adjusts_line_id IS NOT NULL)", name="adjustment_names_its_line"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pricing_id: int | None = Field(default=None, foreign_key="pay_pricing.id", index=True)
    timesheet_id: int | None = Field(default=None, foreign_key="timesheet.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    rate_card_id: int | None = Field(default=None, foreign_key="rate_card.id")
    kind: str = Field(max_length=12)
    # For an adjustment: the line it negates, and that line's kind (so a total by kind needs no join).
    adjusts_line_id: int | None = Field(default=None, foreign_key="pay_line.id")
    adjusts_kind: str | None = Field(default=None, max_length=12)
    band: str = Field(max_length=20)
    unit: str = Field(max_length=10)  # hour, day, or percent (holiday pay on the pay)
    minutes: int
    rate_pence: int
    exact_amount: str = Field(max_length=80)
    amount_pence: int
    pay_run_id: int | None = Field(default=None, foreign_key="pay_run.id", index=True)
    priced_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    exported_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

    @property
    def pays_for(self) -> str:
        """The kind of pay this line counts as: an adjustment counts as the kind it adjusts."""
        return self.adjusts_kind if self.kind == "adjustment" and self.adjusts_kind else self.kind
