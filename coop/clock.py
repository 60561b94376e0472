"""Time: every instant is aware and stored in UTC; local dates are Europe/London."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import WithJsonSchema

LONDON = ZoneInfo("Europe/London")

# A wall-clock time in Wales, as the API takes and gives it ("07:30", "07:30:00"): no offset, because the offset
# depends on the date it falls on. JSON Schema's `format: time` requires an offset, so it is documented by pattern.
LOCAL_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LOCAL_TIME_PATTERN,
            "description": "local time in Europe/London, without an offset",
            "examples": ["07:30", "19:45:00"],
        }
    ),
]

# Tests (and the demo loader) may pin "now"; every module reads it through utcnow().
_pinned: list[datetime] = []


def utcnow() -> datetime:
    return _pinned[-1] if _pinned else datetime.now(UTC)


@contextmanager
def travel_to(at: datetime) -> Iterator[None]:
    """Pin the co-op's clock to an aware instant for the duration of the block."""
    if at.tzinfo is None:
        raise ValueError("travel_to needs an aware datetime")
    _pinned.append(at.astimezone(UTC))
    try:
        yield
    finally:
        _pinned.pop()


def today_local() -> date:
    return utcnow().astimezone(LONDON).date()


def to_local(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry its offset")
    return at.astimezone(LONDON)


def local_date(at: datetime) -> date:
    """The calendar date in Wales of an instant: a shift's date is its local start date."""
    return to_local(at).date()


def at_local(day: date, clock_time: time) -> datetime:
    """The instant (in UTC) a wall-clock time on a local date happens in Wales (fold=0 on the repeated hour)."""
    return datetime.combine(day, clock_time, tzinfo=LONDON).astimezone(UTC)


def elapsed_minutes(start: datetime, end: datetime) -> int:
    """Real minutes between two instants: a night across the clock change is 11 or 13 hours.

    Both are taken to UTC first: Python subtracts two datetimes that share a tzinfo as wall-clock times.
    """
    return int((end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(minutes=1))
