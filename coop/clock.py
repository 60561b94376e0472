"""Time: every instant is aware and stored in UTC; local dates are Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    """The instant a wall-clock time on a local date happens in Wales (fold=0 on the repeated hour)."""
    return datetime.combine(day, clock_time, tzinfo=LONDON)


def elapsed_minutes(start: datetime, end: datetime) -> int:
    """Real minutes between two instants: a night across the clock change is 11 or 13 hours."""
    return int((end - start) / timedelta(minutes=1))
