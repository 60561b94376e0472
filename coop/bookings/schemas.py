"""What bookings and timesheets take in and give out."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coop.enums import BookingStatus, TimesheetStatus
from coop.inputs import Comment, Id, Instant, Note


class BookOnBehalf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: Id | None = None


class BookingPublic(BaseModel):
    id: int
    shift_id: int
    member_id: int
    member_name: str
    client_id: int
    client_name: str
    role: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    local_date: date
    status: BookingStatus
    booked_at: datetime
    can_cancel: bool = False
    timesheet_id: int | None = None
    timesheet_status: TimesheetStatus | None = None
    timesheet_comment: str | None = None


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Note | None = None


class TimesheetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    started_at: Instant
    ended_at: Instant
    break_minutes: int | None = Field(default=None, ge=0, le=600)

    @model_validator(mode="after")
    def _in_order(self):
        if self.ended_at <= self.started_at:
            raise ValueError("ended_at must be after started_at")
        if (self.ended_at - self.started_at).total_seconds() > 24 * 3600:
            raise ValueError("a timesheet covers at most 24 hours")
        return self


class TimesheetPublic(BaseModel):
    id: int
    booking_id: int
    shift_id: int
    member_id: int
    member_name: str
    client_id: int
    client_name: str
    started_at: datetime
    ended_at: datetime
    break_minutes: int
    worked_minutes: int
    status: TimesheetStatus
    submitted_at: datetime
    decided_at: datetime | None
    query_comment: str | None
    resolution_comment: str | None


class QueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment


class ResolveIn(BaseModel):
    """A coordinator settles a query, correcting the times if need be."""

    model_config = ConfigDict(extra="forbid")

    started_at: Instant | None = None
    ended_at: Instant | None = None
    break_minutes: int | None = Field(default=None, ge=0, le=600)
    comment: Comment
