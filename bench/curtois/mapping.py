"""Map a benchmark instance onto the engine's general problem types, and a roster back.

One engine ``Shift`` per (day, shift type): demand = cover requirement, no hard cap beyond the staff
size, under/over weights from the cover section (types without a cover line get demand 0, weight 0).
Staff limits map onto ``Worker`` fields; days off become ineligibility (code ``day_off``); shift on/off
requests become ``ShiftRequest``. Rest, weekly hours and nights are switched off (the benchmark has no
clock times), and ``max_shifts_per_day=1`` holds the "one shift a day" rule.
"""

from __future__ import annotations

import datetime as dt

from bench.curtois.reader import Instance
from scheduling.problem import Horizon, RosterProblem, Shift, ShiftRequest, Worker

# Every instance starts on a Monday; any Monday will do.
START = dt.date(2024, 1, 1)


def shift_id(day: int, shift_type: str) -> str:
    return f"{day}:{shift_type}"


def to_problem(instance: Instance) -> RosterProblem:
    """The engine problem for ``instance`` (same objective, same hard rules)."""
    cover = {(c.day, c.shift): c for c in instance.cover}
    n_staff = len(instance.staff)
    shifts = []
    for day in range(instance.horizon):
        for t in instance.shifts.values():
            c = cover.get((day, t.id))
            start = day * 1440
            shifts.append(
                Shift(
                    id=shift_id(day, t.id),
                    client_id="ward",
                    day=day,
                    start=start,
                    end=start + t.minutes,
                    kind=t.id,
                    demand=c.requirement if c else 0,
                    max_assigned=n_staff,
                    under_weight=c.under_weight if c else 0,
                    over_weight=c.over_weight if c else 0,
                )
            )
    requests: dict[str, list[ShiftRequest]] = {e: [] for e in instance.staff}
    for r in instance.on_requests:
        requests[r.employee].append(ShiftRequest(shift_id(r.day, r.shift), r.weight, on=True))
    for r in instance.off_requests:
        requests[r.employee].append(ShiftRequest(shift_id(r.day, r.shift), r.weight, on=False))
    workers = []
    for e in instance.staff.values():
        off = instance.days_off.get(e.id, frozenset())
        eligible = frozenset(
            s.id for s in shifts if s.day not in off and e.max_shifts.get(s.kind, instance.horizon) > 0
        )
        reasons = {s.id: ("day_off",) for s in shifts if s.day in off}
        workers.append(
            Worker(
                id=e.id,
                eligible_shift_ids=eligible,
                ineligible_reasons=reasons,
                max_weekly_minutes=None,
                max_consecutive_days=e.max_consecutive_shifts,
                max_consecutive_nights=None,
                min_rest_minutes=0,
                max_shifts_per_day=1,
                max_shifts_by_kind=dict(e.max_shifts),
                min_total_minutes=e.min_total_minutes,
                max_total_minutes=e.max_total_minutes,
                min_consecutive_days=e.min_consecutive_shifts,
                min_consecutive_days_off=e.min_consecutive_days_off,
                max_weekends=e.max_weekends,
                shift_requests=tuple(requests[e.id]),
            )
        )
    forbidden = frozenset((t.id, u) for t in instance.shifts.values() for u in t.cannot_follow if u in instance.shifts)
    return RosterProblem(
        horizon=Horizon(START, instance.horizon),
        shifts=tuple(shifts),
        workers=tuple(workers),
        forbidden_successions=forbidden,
        night_succession_gap_minutes=None,
    )


def to_roster(pairs: list[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """(shift_id, member_id) pairs -> {"employee": {"day": "shift type"}} (the CLI's JSON shape)."""
    roster: dict[str, dict[str, str]] = {}
    for sid, member in pairs:
        day, kind = sid.split(":", 1)
        roster.setdefault(member, {})[day] = kind
    return roster


def from_roster(roster: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    return [(shift_id(int(day), kind), e) for e, days in roster.items() for day, kind in days.items()]
