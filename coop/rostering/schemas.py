"""What roster runs take in and give out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coop.enums import Profession, RunStatus
from coop.inputs import Day, Id


class RosterRunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: Day
    ends_on: Day
    profession: Profession | None = None
    client_ids: list[Id] = Field(default_factory=list, max_length=500)
    time_limit_s: int = Field(default=30, ge=1, le=600)

    @model_validator(mode="after")
    def _horizon(self):
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        if (self.ends_on - self.starts_on).days > 27:
            raise ValueError("a roster covers a day to four weeks")
        return self


class RosterRunPublic(BaseModel):
    id: int
    status: RunStatus
    starts_on: date
    ends_on: date
    profession: str | None
    client_ids: list[int]
    time_limit_s: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: dict[str, Any]
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    assignments: list[dict[str, Any]] = []
    unfilled: list[dict[str, Any]] = []
    fairness: dict[str, Any] = {}
    continuity: dict[str, Any] = {}
    stages: dict[str, Any] = {}
    error: str | None = None
    applied_at: datetime | None = None
    apply_result: dict[str, Any] = {}


class ApplyResult(BaseModel):
    booked: int
    skipped: list[dict[str, Any]]
