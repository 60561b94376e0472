"""Input and output shapes of the pay area: a coordinator's new rate card, and a card as shown."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ValidationInfo, field_validator, model_validator
from sqlmodel import Field, SQLModel

from coop.enums import Profession
from coop.members.grades import is_grade
from coop.pay.models import ANY_GRADE, CARD_KINDS

# The fields each kind of card must carry (RULES §0.18, §0.19, §4.1, §4.2, §4.4).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "annual_salary": ("amount_pence", "divisor_days"),
    "hourly": ("amount_pence",),
    "floor_hourly": ("amount_pence",),
    "on_costs": ("holiday_bp", "employer_ni_bp", "pension_bp", "margin_bp"),
    "agency_comparison": (),
}
BASIS_POINT_FIELDS = (
    "saturday_bp",
    "weekday_night_bp",
    "sunday_bp",
    "bank_holiday_bp",
    "holiday_bp",
    "employer_ni_bp",
    "pension_bp",
    "margin_bp",
    "markup_bp",
)


class RateCardBase(SQLModel):
    profession: Profession
    grade: str = Field(max_length=10)
    kind: str = Field(max_length=20)
    effective_from: date
    amount_pence: int | None = Field(default=None, ge=0)
    divisor_days: int | None = Field(default=None, gt=0)
    saturday_bp: int | None = Field(default=None, ge=0, le=100_000)
    weekday_night_bp: int | None = Field(default=None, ge=0, le=100_000)
    sunday_bp: int | None = Field(default=None, ge=0, le=100_000)
    bank_holiday_bp: int | None = Field(default=None, ge=0, le=100_000)
    holiday_bp: int | None = Field(default=None, ge=0, le=100_000)
    employer_ni_bp: int | None = Field(default=None, ge=0, le=100_000)
    pension_bp: int | None = Field(default=None, ge=0, le=100_000)
    margin_bp: int | None = Field(default=None, ge=0, le=100_000)
    markup_bp: int | None = Field(default=None, ge=0, le=100_000)
    source: str = Field(default="", max_length=300)


class RateCardCreate(RateCardBase):
    """A new card from a date. Each kind names the fields it needs; the validator says which is missing."""

    @model_validator(mode="after")
    def _fits_its_kind(self) -> RateCardCreate:
        if self.kind not in CARD_KINDS:
            raise ValueError(f"kind must be one of {', '.join(CARD_KINDS)}")
        if self.grade != ANY_GRADE and not is_grade(self.profession, self.grade):
            raise ValueError(f"grade {self.grade!r} is not a {self.profession} grade (or '*')")
        missing = [name for name in REQUIRED_FIELDS[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} card needs {', '.join(missing)}")
        if self.kind == "agency_comparison" and (self.markup_bp is None) == (self.amount_pence is None):
            raise ValueError("an agency_comparison card needs exactly one of markup_bp and amount_pence")
        return self


class RateCardPublic(RateCardBase):
    id: int
    created_by_user_id: int | None
    created_at: datetime


class RateCardsPublic(SQLModel):
    data: list[RateCardPublic]
    count: int


# ------------------------------------------------------------------------------------------ pay lines and runs

MAX_ID = 2**31 - 1
MAX_PERIOD_DAYS = 366


class PayBandLine(SQLModel):
    """A timesheet's pay in one band, net of any adjustment: minutes, the rate, and the amount."""

    band: str
    minutes: int
    rate_pence: int
    amount_pence: int


class MyPayEntry(SQLModel):
    """One approved timesheet's pay: a line per band it crossed, holiday pay as its own line (RULES §1.5)."""

    timesheet_id: int
    shift_id: int
    worked_on: date
    minutes: int
    lines: list[PayBandLine]
    holiday_pay_pence: int
    total_pence: int
    pay_run_id: int | None  # None while any of its lines (an adjustment too) waits for a pay run


class MyPayPublic(SQLModel):
    data: list[MyPayEntry]
    total_pence: int
    pending_pence: int  # approved but not yet in a pay run


class PayRunCreate(SQLModel):
    """A pay period: local dates, Monday to Sunday by default (the page proposes last week)."""

    period_start: date
    period_end: date

    @field_validator("period_end")
    @classmethod
    def _in_order(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("period_start")
        if start is not None and value < start:
            raise ValueError("period_end must be on or after period_start")
        if start is not None and (value - start).days >= MAX_PERIOD_DAYS:
            raise ValueError(f"a pay period is at most {MAX_PERIOD_DAYS} days")
        return value


class PayRunMember(SQLModel):
    member_id: int
    name: str
    payroll_reference: str | None
    minutes: int
    gross_by_band_pence: dict[str, int]
    travel_pence: int
    holiday_pay_pence: int
    dividend_pence: int
    total_pence: int


class PayRunPublic(SQLModel):
    id: int
    period_start: date
    period_end: date
    status: str
    created_at: datetime
    posted_at: datetime | None
    exported_at: datetime | None
    journal_entry_id: int | None
    csv_sha256: str | None
    line_count: int
    members: list[PayRunMember]
    total_pence: int


class PayRunsPublic(SQLModel):
    data: list[PayRunPublic]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


class RateCardIn(RateCardCreate):
    """A coordinator's new card as the API and the page take it: RateCardCreate with every figure bounded."""

    grade: str = Field(min_length=1, max_length=10)
    kind: str = Field(min_length=1, max_length=20)
    amount_pence: int | None = Field(default=None, ge=0, le=10**11)
    divisor_days: int | None = Field(default=None, ge=1, le=366)
    source: str = Field(default="", max_length=300)

    @field_validator("grade", "kind", "source")
    @classmethod
    def _text_has_no_nul(cls, value: str) -> str:
        return _no_nul(value)

    # The card's own checks again, on the field they are about, so that a 422 names it.
    @field_validator("kind")
    @classmethod
    def _a_known_kind(cls, value: str) -> str:
        if value not in CARD_KINDS:
            raise ValueError(f"kind must be one of {', '.join(CARD_KINDS)}")
        return value

    @field_validator("grade")
    @classmethod
    def _a_grade_of_the_profession(cls, value: str, info: ValidationInfo) -> str:
        profession = info.data.get("profession")
        if profession is not None and value != ANY_GRADE and not is_grade(profession, value):
            raise ValueError(f"grade {value!r} is not a {profession} grade (or '*')")
        return value

    def to_create(self) -> RateCardCreate:
        return RateCardCreate.model_validate(self.model_dump())


class RateCardsOverview(SQLModel):
    """The cards in force on a date (one per profession, grade and kind) and every card, newest first."""

    on: date
    in_force: list[RateCardPublic]
    history: list[RateCardPublic]
    count: int
