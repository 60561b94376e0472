"""Member, Credential and availability tables."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Column, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime
from coop.enums import MemberStatus


class Member(SQLModel, table=True):
    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    phone: str | None = Field(default=None, max_length=40)
    profession: str = Field(max_length=20, index=True)
    membership_class: str = Field(default="worker", max_length=10)
    status: str = Field(default=MemberStatus.applicant, max_length=12, index=True)
    status_changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    joined_on: date | None = None
    left_on: date | None = None
    # One £1 share by default; votes never depend on shares (RULES §5.1, §8.1.18).
    share_capital_pence: int = Field(default=100)
    postcode: str | None = Field(default=None, max_length=10)
    latitude: float | None = None
    longitude: float | None = None
    welsh_level: str = Field(default="none", max_length=10)
    grade: str | None = Field(default=None, max_length=10)
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    max_hours_per_week: int = Field(default=37)
    max_travel_km: int = Field(default=25)
    opted_out_48h: bool = False
    # Social Care Wales: a care worker who started after 1 Apr 2023 may work unregistered for 6 months.
    care_started_on: date | None = None
    # What the member would rather do, for the roster's preference objective:
    # {"clients": [client ids], "kinds": ["early", "am", …], "weekdays": [0 = Monday … 6]}.
    preferences: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default=text("'{}'")))
    calendar_token: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The member's reference at the co-op's payroll provider, carried on the payroll export.
    payroll_reference: str | None = Field(default=None, max_length=40)


class Credential(SQLModel, table=True):
    __tablename__ = "credential"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(max_length=24)
    reference: str = Field(max_length=80)
    verified_on: date
    verified_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    expires_on: date | None = None
    # DBS only: the barred list checked ("children", "adults" or "both") and the Update Service.
    dbs_workforce: str | None = Field(default=None, max_length=10)
    dbs_update_service: bool = False
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AvailabilityWindow(SQLModel, table=True):
    """A weekly window when the member can work; an end at or before the start runs past midnight."""

    __tablename__ = "availability_window"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    weekday: int = Field(ge=0, le=6)  # 0 = Monday
    starts: time
    ends: time


class AvailabilityException(SQLModel, table=True):
    """Dated days off: leave or other unavailable days, inclusive of both ends."""

    __tablename__ = "availability_exception"
    __table_args__ = (UniqueConstraint("member_id", "starts_on", "ends_on", name="uq_availability_exception_span"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    starts_on: date
    ends_on: date
    kind: str = Field(default="unavailable", max_length=20)
    note: str | None = Field(default=None, max_length=200)
