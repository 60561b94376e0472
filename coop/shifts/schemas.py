"""What cover requests and shifts take in and give out."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from coop.clock import LocalTime
from coop.enums import CoverStatus, Profession
from coop.inputs import Code, Day, Grade, Id, Instant, LongNote, Tag, text


class Requirements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_grade: Grade | None = None
    skills: list[Tag] = Field(default_factory=list, max_length=20)
    welsh_medium: bool = False


class ShiftRequestCreate(BaseModel):
    """Either explicit times (ISO 8601 with an offset) or a pattern code and a local date."""

    model_config = ConfigDict(extra="forbid")

    client_id: Id
    role: Profession
    starts_at: Instant | None = None
    ends_at: Instant | None = None
    pattern: Code | None = None
    on: Day | None = None
    headcount: int = Field(default=1, ge=1, le=50)
    requirements: Requirements = Field(default_factory=Requirements)
    preferred_member_ids: list[Id] = Field(default_factory=list, max_length=50)
    notes: LongNote | None = None
    repeat_days: int = Field(default=1, ge=1, le=200)

    @model_validator(mode="after")
    def _when(self):
        explicit = self.starts_at is not None or self.ends_at is not None
        if explicit:
            if self.starts_at is None or self.ends_at is None:
                raise ValueError("give both starts_at and ends_at")
            if self.ends_at <= self.starts_at:
                raise ValueError("ends_at must be after starts_at")
            if (self.ends_at - self.starts_at).total_seconds() > 16 * 3600:
                raise ValueError("a shift lasts at most 16 hours")
        elif not (self.pattern and self.on):
            raise ValueError("give starts_at and ends_at, or a pattern and the date it is on")
        if self.headcount * self.repeat_days > 500:
            raise ValueError("at most 500 shifts in one request")
        return self


class ShiftPublic(BaseModel):
    id: int
    request_id: int
    client_id: int
    client_name: str
    role: str
    kind: str
    status: CoverStatus
    starts_at: datetime
    ends_at: datetime
    local_date: date
    hours: float
    member_id: int | None = None
    member_name: str | None = None
    booking_id: int | None = None


class ShiftRequestPublic(BaseModel):
    id: int
    client_id: int
    client_name: str
    role: str
    pattern: str | None
    headcount: int
    repeat_days: int
    requirements: Requirements
    preferred_member_ids: list[int]
    notes: str | None
    status: CoverStatus
    created_at: datetime
    shifts: list[ShiftPublic]


class ShiftRequestsPublic(BaseModel):
    data: list[ShiftRequestPublic]
    count: int


class ShiftsPublic(BaseModel):
    data: list[ShiftPublic]
    count: int


class OpenShift(ShiftPublic):
    """An open shift offered to a member, with why it is offered to them."""

    distance_km: float | None
    why: list[str]
    # What the shift would pay the member at today's card, holiday pay included (coop/pay/estimates.py);
    # None when no card prices the member's grade.
    pay_estimate_pence: int | None = None
    pay_rate_pence: int | None = None
    pay_rate_unit: str | None = None  # "hour" or "day"


class Candidate(BaseModel):
    member_id: int
    name: str
    rank: int | None
    score: int
    why: list[str]
    distance_km: float | None
    reasons: list[dict]


class Candidates(BaseModel):
    shift_id: int
    eligible: list[Candidate]
    ineligible: list[Candidate]


MAX_PATTERNS = 50


class PatternIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=20, pattern=r"^[a-z0-9_]+$")
    label: text(60, min_length=1)
    starts: LocalTime
    ends: LocalTime

    @field_validator("code")
    @classmethod
    def _not_custom(cls, code: str) -> str:
        if code == "custom":  # the kind of a shift requested with its own times
            raise ValueError("'custom' is kept for shifts with their own times: choose another code")
        return code

    @field_validator("starts", "ends")
    @classmethod
    def _local(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("give the local time in Wales, without an offset")
        return value

    @field_validator("ends")
    @classmethod
    def _at_most_16_hours(cls, ends: time, info: ValidationInfo) -> time:
        starts = info.data.get("starts")
        if starts is not None:
            # An end at or before the start is the next day (a night), as in local_span().
            minutes = ((ends.hour - starts.hour) * 60 + ends.minute - starts.minute) % (24 * 60) or 24 * 60
            if minutes > 16 * 60:
                raise ValueError("a shift lasts at most 16 hours (an end at or before the start is the next day)")
        return ends


class Patterns(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patterns: list[PatternIn] = Field(max_length=MAX_PATTERNS)

    @field_validator("patterns")
    @classmethod
    def _unique(cls, patterns: list[PatternIn]):
        codes = [p.code for p in patterns]
        if len(set(codes)) != len(codes):
            raise ValueError("each pattern code once")
        return patterns


class CancellationTerms(BaseModel):
    shift_id: int
    late: bool
    notice_hours: int
    charge_minutes: int
    basis: str
