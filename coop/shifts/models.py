"""ShiftRequest, Shift and ShiftPattern tables."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime
from coop.enums import CoverStatus


class ShiftPattern(SQLModel, table=True):
    """A client's named shift and its default local times (an end at or before the start is the next day)."""

    __tablename__ = "shift_pattern"
    __table_args__ = (UniqueConstraint("client_id", "code", name="uq_shift_pattern_client_code"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    code: str = Field(max_length=20)
    label: str = Field(max_length=60)
    starts: time
    ends: time


class ShiftRequest(SQLModel, table=True):
    __tablename__ = "shift_request"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    role: str = Field(max_length=20)
    pattern: str | None = Field(default=None, max_length=20)
    min_grade: str | None = Field(default=None, max_length=10)
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    welsh_medium: bool = False
    preferred_member_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    headcount: int
    repeat_days: int = 1
    notes: str | None = Field(default=None, max_length=1000)
    status: str = Field(default=CoverStatus.open, max_length=12)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Shift(SQLModel, table=True):
    """One person's place on one day: a request makes headcount × days of these."""

    __tablename__ = "shift"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="shift_request.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    role: str = Field(max_length=20, index=True)
    kind: str = Field(max_length=20)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    local_date: date = Field(index=True)
    status: str = Field(default=CoverStatus.open, max_length=12, index=True)
    # Bumped by every booking attempt: the UPDATE takes the row (PostgreSQL) or database (SQLite) write lock.
    version: int = 0
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
