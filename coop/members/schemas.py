"""What the member registry takes in and gives out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coop.clock import LocalTime
from coop.enums import CredentialKind, MembershipClass, MemberStatus, Profession, WelshLevel
from coop.geo import normalise_postcode
from coop.inputs import Day, Email, Grade, Id, Name, Note, Pence, Phone, Postcode, Tag, text

Skill = Tag
MAX_SKILLS = 50
MAX_WINDOWS = 50  # weekly availability windows
MAX_DAYS_OFF = 200
Weekday = Annotated[int, Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")]


def _clean_skills(skills: list[str] | None) -> list[str] | None:
    if skills is None:
        return None
    cleaned = []
    for skill in skills:
        tag = skill.strip()
        if not tag or len(tag) > 40:
            raise ValueError("each skill is a tag of 1 to 40 characters")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _clean_postcode(postcode: str | None) -> str | None:
    return normalise_postcode(postcode) if postcode else None


class Preferences(BaseModel):
    """What a member would rather do; the roster gives these weight, never a guarantee."""

    model_config = ConfigDict(extra="forbid")

    clients: list[Id] = Field(default_factory=list, max_length=50)
    kinds: list[Tag] = Field(default_factory=list, max_length=20)
    weekdays: list[Weekday] = Field(default_factory=list, max_length=7)

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, days: list[int]) -> list[int]:
        return sorted(set(days))


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    profession: Profession
    membership_class: MembershipClass = MembershipClass.worker
    grade: Grade | None = None
    skills: list[Skill] = Field(default_factory=list, max_length=MAX_SKILLS)
    welsh_level: WelshLevel = WelshLevel.none
    phone: Phone | None = None
    postcode: Postcode | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    max_hours_per_week: int = Field(default=37, ge=0, le=80)
    max_travel_km: int = Field(default=25, ge=0, le=500)
    opted_out_48h: bool = False
    share_capital_pence: Pence = Field(default=100, ge=100)
    care_started_on: Day | None = None
    preferences: Preferences = Field(default_factory=Preferences)
    password: text(200, min_length=8) | None = None

    _skills = field_validator("skills")(_clean_skills)
    _postcode = field_validator("postcode")(_clean_postcode)


class MemberUpdate(BaseModel):
    """Every field optional: only what is sent changes."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    email: Email | None = None
    profession: Profession | None = None
    membership_class: MembershipClass | None = None
    grade: Grade | None = None
    skills: list[Skill] | None = Field(default=None, max_length=MAX_SKILLS)
    welsh_level: WelshLevel | None = None
    phone: Phone | None = None
    postcode: Postcode | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    max_hours_per_week: int | None = Field(default=None, ge=0, le=80)
    max_travel_km: int | None = Field(default=None, ge=0, le=500)
    opted_out_48h: bool | None = None
    care_started_on: Day | None = None
    preferences: Preferences | None = None

    _skills = field_validator("skills")(_clean_skills)
    _postcode = field_validator("postcode")(_clean_postcode)


# What a member may change on their own record; the rest is the coordinators' to verify.
SELF_EDITABLE = frozenset(
    {
        "phone",
        "postcode",
        "latitude",
        "longitude",
        "welsh_level",
        "max_hours_per_week",
        "max_travel_km",
        "opted_out_48h",
        "preferences",
    }
)


class MemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    phone: str | None
    profession: str
    membership_class: str
    status: MemberStatus
    status_changed_at: datetime
    joined_on: date | None
    left_on: date | None
    share_capital_pence: int
    postcode: str | None
    latitude: float | None
    longitude: float | None
    welsh_level: str
    grade: str | None
    skills: list[str]
    max_hours_per_week: int
    max_travel_km: int
    opted_out_48h: bool
    care_started_on: date | None
    preferences: dict = {}


class MembersPublic(BaseModel):
    data: list[MemberPublic]
    count: int


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: MemberStatus
    reason: Note | None = None


class CredentialCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CredentialKind
    reference: text(80, min_length=1)
    verified_on: Day
    expires_on: Day | None = None
    dbs_workforce: str | None = Field(default=None, pattern="^(children|adults|both)$")
    dbs_update_service: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.expires_on and self.expires_on < self.verified_on:
            raise ValueError("expires_on is before verified_on")
        if self.kind == CredentialKind.dbs_enhanced and not self.dbs_workforce:
            raise ValueError("an enhanced DBS check needs dbs_workforce: children, adults or both")
        return self


class CredentialPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    member_id: int
    kind: str
    reference: str
    verified_on: date
    verified_by_user_id: int | None
    expires_on: date | None
    dbs_workforce: str | None
    dbs_update_service: bool
    valid_today: bool = False
    expires_in_days: int | None = None


class WeeklyWindow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    starts: LocalTime
    ends: LocalTime = Field(
        description="local time in Europe/London, without an offset; an end at or before the start runs past midnight"
    )


class DayOff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: Day
    ends_on: Day
    kind: str = Field(default="unavailable", pattern="^(leave|unavailable|sickness)$")
    note: text(200) | None = None

    @model_validator(mode="after")
    def _in_order(self):
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class Availability(BaseModel):
    """A weekly pattern plus dated exceptions. No weekly windows means available at any time."""

    model_config = ConfigDict(extra="forbid")

    weekly: list[WeeklyWindow] = Field(default_factory=list, max_length=MAX_WINDOWS)
    exceptions: list[DayOff] = Field(default_factory=list, max_length=MAX_DAYS_OFF)
