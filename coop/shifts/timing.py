"""Shift times in Wales: patterns, nights, ISO weeks and durations, correct across clock changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from coop.clock import LONDON, at_local, elapsed_minutes
from coop.enums import ClientKind
from coop.policy import Policy

# Default patterns by kind of client (a client may set its own): code → (label, start, end).
DEFAULT_PATTERNS: dict[str, dict[str, tuple[str, time, time]]] = {
    ClientKind.school: {
        "full_day": ("Full day", time(8, 30), time(15, 30)),
        "am": ("Morning session", time(8, 30), time(12, 0)),
        "pm": ("Afternoon session", time(12, 45), time(15, 30)),
    },
    ClientKind.ward: {
        "early": ("Early", time(7, 0), time(15, 0)),
        "late": ("Late", time(14, 0), time(22, 0)),
        "night": ("Night", time(20, 0), time(8, 0)),
        "long_day": ("Long day", time(7, 30), time(20, 0)),
    },
    ClientKind.care_provider: {
        "morning_visit": ("Morning visit", time(7, 0), time(9, 0)),
        "lunch_visit": ("Lunch visit", time(12, 0), time(13, 0)),
        "tea_visit": ("Tea visit", time(16, 30), time(17, 30)),
        "bed_visit": ("Bedtime visit", time(20, 0), time(21, 0)),
        "day": ("Day shift", time(8, 0), time(20, 0)),
        "sleep_in": ("Sleep-in", time(22, 0), time(7, 0)),
    },
}


def local_span(day: date, starts: time, ends: time) -> tuple[datetime, datetime]:
    """The instants of a wall-clock shift on a local date; an end at or before the start is the next day."""
    start = at_local(day, starts)
    end_day = day + timedelta(days=1) if ends <= starts else day
    return start, at_local(end_day, ends)


def working_days(first: date, count: int, kind: str) -> list[date]:
    """`count` consecutive working days from `first`: weekdays for schools, every day for wards and care."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if kind != ClientKind.school or day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@lru_cache(maxsize=4096)
def _night(day: date, start_hour: int, end_hour: int) -> tuple[datetime, datetime]:
    """The night that starts on local `day`, as UTC instants."""
    return at_local(day, time(start_hour)), at_local(day + timedelta(days=1), time(end_hour))


def night_minutes(start: datetime, end: datetime, policy: Policy) -> int:
    """Minutes of the shift inside local night time (23:00–06:00 by default, RULES §1.3)."""
    total = 0
    day = start.astimezone(LONDON).date() - timedelta(days=1)
    last = end.astimezone(LONDON).date()
    while day <= last:
        night_from, night_to = _night(day, policy.night_start_hour, policy.night_end_hour)
        overlap_from, overlap_to = max(start, night_from), min(end, night_to)
        if overlap_to > overlap_from:
            total += elapsed_minutes(overlap_from, overlap_to)
        day += timedelta(days=1)
    return total


def is_night(start: datetime, end: datetime, policy: Policy) -> bool:
    """RULES §0.4: a night shift has 3 hours or more between 23:00 and 06:00."""
    return night_minutes(start, end, policy) >= policy.night_min_hours * 60


def iso_week(on: date) -> tuple[int, int]:
    year, week, _ = on.isocalendar()
    return year, week


def shift_minutes(start: datetime, end: datetime) -> int:
    return elapsed_minutes(start, end)
