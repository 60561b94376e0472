"""Booking, Timesheet, CancellationCharge and IdempotencyRecord tables.

The database itself refuses double booking: a partial unique index allows one live booking per shift,
and (PostgreSQL) an exclusion constraint or (SQLite) a trigger refuses a member two live bookings that
overlap in time. Both are created in the migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime
from coop.enums import BookingStatus, TimesheetStatus


class Booking(SQLModel, table=True):
    __tablename__ = "booking"
    __table_args__ = (
        Index(
            "uq_booking_live_shift",
            "shift_id",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    # The shift's times, copied so the database can refuse overlapping bookings of one member.
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status: str = Field(default=BookingStatus.booked, max_length=12)
    booked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    booked_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    cancelled_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    cancel_reason: str | None = Field(default=None, max_length=300)
    roster_run_id: int | None = None


class Timesheet(SQLModel, table=True):
    """What was actually worked. Approved timesheets are what pay and invoices will read."""

    __tablename__ = "timesheet"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    break_minutes: int
    worked_minutes: int
    status: str = Field(default=TimesheetStatus.submitted, max_length=12, index=True)
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    decided_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    query_comment: str | None = Field(default=None, max_length=1000)
    resolution_comment: str | None = Field(default=None, max_length=1000)


class CancellationCharge(SQLModel, table=True):
    """A late cancellation by a client, recorded for billing (RULES §0.7): minutes, priced by the money work."""

    __tablename__ = "cancellation_charge"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", unique=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    booking_id: int | None = Field(default=None, foreign_key="booking.id")
    charge_minutes: int
    basis: str = Field(max_length=120)
    notice_hours_given: int
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a request sent with an Idempotency-Key, returned again on a retry.

    A key is bound to the request it was first sent with: the same user (the key), the same operation and
    the same target and body (`fingerprint`, a SHA-256 of them in canonical JSON). `response` is the answer
    as it was given then, so a retry gets exactly that even if the booking has changed since.
    """

    __tablename__ = "idempotency_record"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    key: str = Field(max_length=100, primary_key=True)
    operation: str = Field(max_length=60)
    fingerprint: str = Field(max_length=64)
    result_id: int
    response: dict = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
