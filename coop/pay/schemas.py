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
