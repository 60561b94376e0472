"""RosterRun: one solve of the open shifts of a horizon and scope, its progress, proposal and application."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime
from coop.enums import RunStatus


class RosterRun(SQLModel, table=True):
    __tablename__ = "roster_run"

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=RunStatus.queued, max_length=10, index=True)
    starts_on: date
    ends_on: date
    profession: str | None = Field(default=None, max_length=20)
    client_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    time_limit_s: int = 30
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    heartbeat_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    attempts: int = 0
    progress: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, max_length=2000)
    applied_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    applied_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    apply_result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
