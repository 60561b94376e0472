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
