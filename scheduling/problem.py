"""The rostering problem as plain, frozen data.

Units and conventions (the adapter from the database must follow them):

- Every time is an ``int`` number of **minutes from the horizon start** (local midnight of
  ``Horizon.start_date`` in Europe/London). The adapter converts aware datetimes, so a shift across a
  DST change is simply 11 h or 13 h long here.
- ``day`` is the index of the shift's **local start date**, counted from ``Horizon.start_date`` (0 is
  the first day). Fixed shifts before the horizon may have a negative day; they still count for rest,
  consecutive days/nights and the ISO week they fall in.
- ISO weeks run Monday to Sunday; the horizon may start on any weekday.
- Distances are integer **metres**; weights are non-negative integers.
- Eligibility (credentials, grade, skills, Welsh, availability, do-not-send, travel limits) is decided
  outside the engine by the co-op's rule set. The engine only creates a decision for a pair
  (worker, shift) whose shift id is in ``Worker.eligible_shift_ids``; for the other pairs the adapter
  passes the failed rule codes in ``Worker.ineligible_reasons`` so explanations can count them.

The same types describe a published benchmark (Curtois & Qu 2014): cover is "demand with under/over
penalty weights", and the co-op's usual shift is the special case ``demand=1, max_assigned=1`` with the
dominant default under-cover weight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


@dataclass(frozen=True)
class Horizon:
    """The days being rostered: ``num_days`` local days starting on ``start_date``."""

    start_date: dt.date
    num_days: int

    def week_of_day(self, day: int) -> int:
        """Index of the ISO week (Mon–Sun) holding ``day``; week 0 holds day 0, earlier days are negative."""
        return (self.start_date.weekday() + day) // 7

    def weekday(self, day: int) -> int:
        """Weekday of ``day``: 0 is Monday … 6 is Sunday."""
        return (self.start_date.weekday() + day) % 7


@dataclass(frozen=True)
class Shift:
    """An open shift (a slot to fill), possibly needing several people.

    Attributes:
        id: unique shift id.
        client_id: the school, ward or care provider asking.
        day: index of the local start date in the horizon.
        start, end: minutes from the horizon start; ``end > start``.
        kind: shift type, e.g. 'day', 'early', 'late', 'night', 'long_day', 'visit', 'am', 'pm'
            (in the benchmark, the shift type id). Used by forbidden successions and per-kind limits.
        is_night: True when the shift has 3 h or more between 23:00 and 06:00 (RULES §0.4).
        priority: urgency, an integer >= 1; an unfilled place costs ``priority`` times the fill weight.
        continuity_group: key of a long-term cover run (class, ward); the same member across
            consecutive days of a group is rewarded.
        demand: how many people are asked for.
        max_assigned: hard maximum of people; ``None`` means "never more than asked" (= ``demand``).
        under_weight: cost per missing person; ``None`` means the co-op default: ``priority`` times a
            fill weight that dominates every other objective term combined.
        over_weight: cost per person above ``demand`` (only reachable if ``max_assigned > demand``).
    """

    id: str
    client_id: str
    day: int
    start: int
    end: int
    kind: str = "day"
    is_night: bool = False
    priority: int = 1
    continuity_group: str | None = None
    demand: int = 1
    max_assigned: int | None = None
    under_weight: int | None = None
    over_weight: int = 0

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def cap(self) -> int:
        """The hard maximum number of people on this shift."""
        return self.demand if self.max_assigned is None else self.max_assigned


@dataclass(frozen=True)
class FixedShift:
    """A shift a worker already holds: never moved, but it counts for every hard rule.

    ``day`` is the local start date index (negative before the horizon); ``start``/``end`` are minutes
    from the horizon start (negative before it).
    """

    id: str
    day: int
    start: int
    end: int
    kind: str = "day"
    is_night: bool = False
    client_id: str | None = None
    continuity_group: str | None = None

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class ShiftRequest:
    """A worker's wish about one shift: ``on=True`` costs ``weight`` if NOT assigned, ``on=False``
    costs ``weight`` if assigned (the benchmark's shift on/off requests)."""

    shift_id: str
    weight: int
    on: bool = True


@dataclass(frozen=True)
class Worker:
    """A member who may be rostered.

    Hard limits (``None`` switches a limit off):
        max_weekly_minutes: per ISO week, fixed shifts included (RULES §0.2: 48 h = 2880 unless
            opted out; the adapter passes min(48 h or opt-out cap, the member's own maximum)).
        max_consecutive_days: working days in a row (RULES §0.3, default 6).
        max_consecutive_nights: nights in a row (RULES §0.4, default 4).
        min_rest_minutes: between the end of one shift and the start of the next (RULES §0.1, 660).
        max_shifts_per_day: shifts starting on one day (the benchmark uses 1; the co-op relies on
            overlap and rest instead).
        max_shifts_by_kind: at most this many shifts of a kind over the horizon.
        min_total_minutes / max_total_minutes: total minutes over the horizon, fixed shifts included.
        min_consecutive_days / min_consecutive_days_off: shortest working / off run; runs cut by the
            horizon start or end are exempt.
        max_weekends: weekends (Sat+Sun) with any work.

    Eligibility and history:
        eligible_shift_ids: shifts this worker passes the co-op's rules for.
        ineligible_reasons: for other shifts, the failed rule codes (e.g. ``("credential_expired",)``).
        fixed_shifts: shifts already held.
        worked_for_clients: clients worked for before (continuity).

    Soft wishes:
        wanted_weekly_minutes: minutes a week the member would like (fairness).
        preferred_clients / preferred_kinds / preferred_weekdays (0=Mon): weight per assignment that
            matches (a reward).
        travel_metres: distance per eligible shift id.
        shift_requests: on/off wishes for specific shifts.
    """

    id: str
    eligible_shift_ids: frozenset[str] = frozenset()
    ineligible_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fixed_shifts: tuple[FixedShift, ...] = ()
    wanted_weekly_minutes: int = 0
    max_weekly_minutes: int | None = 48 * 60
    max_consecutive_days: int | None = 6
    max_consecutive_nights: int | None = 4
    min_rest_minutes: int = 11 * 60
    max_shifts_per_day: int | None = None
    max_shifts_by_kind: Mapping[str, int] = field(default_factory=dict)
    min_total_minutes: int | None = None
    max_total_minutes: int | None = None
    min_consecutive_days: int = 1
    min_consecutive_days_off: int = 1
    max_weekends: int | None = None
    worked_for_clients: frozenset[str] = frozenset()
    preferred_clients: Mapping[str, int] = field(default_factory=dict)
    preferred_kinds: Mapping[str, int] = field(default_factory=dict)
    preferred_weekdays: Mapping[int, int] = field(default_factory=dict)
    travel_metres: Mapping[str, int] = field(default_factory=dict)
    shift_requests: tuple[ShiftRequest, ...] = ()


@dataclass(frozen=True)
class RosterProblem:
    """Everything the engine needs for one roster.

    Attributes:
        horizon: the days rostered.
        shifts: the open shifts.
        workers: the members who may be rostered.
        client_preferred_members: client id -> member ids the client asked for.
        forbidden_successions: (kind, next-day kind) pairs a worker may not work on consecutive days.
        night_succession_gap_minutes: after a night shift, no non-night shift may start within this
            many minutes of its end (RULES §0.5: 24 h); ``None`` switches the rule off.
    """

    horizon: Horizon
    shifts: tuple[Shift, ...]
    workers: tuple[Worker, ...]
    client_preferred_members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    forbidden_successions: frozenset[tuple[str, str]] = frozenset()
    night_succession_gap_minutes: int | None = 24 * 60

    def shift_by_id(self) -> dict[str, Shift]:
        return dict(self.shifts_by_id)

    @cached_property
    def shifts_by_id(self) -> Mapping[str, Shift]:
        """The shifts by id, built once (the checker and explanations look shifts up many times)."""
        return {s.id: s for s in self.shifts}

    @cached_property
    def workers_by_id(self) -> Mapping[str, Worker]:
        return {w.id: w for w in self.workers}
