"""Small builders for engine tests: shifts by day and hour, members with sane defaults, a checked solve."""

from __future__ import annotations

import datetime as dt

from scheduling import (
    FixedShift,
    Horizon,
    RosterProblem,
    RosterSolution,
    Shift,
    SolveParameters,
    Worker,
    solve,
    validate_roster,
)

MONDAY = dt.date(2025, 3, 3)
FAST = SolveParameters(time_limit_s=10, num_workers=1, random_seed=1)


def at(day: int, hour: float) -> int:
    """Minutes from the horizon start for ``hour`` o'clock on ``day``."""
    return day * 1440 + round(hour * 60)


def shift(sid: str, day: int, start_h: float = 8, end_h: float = 16, **kw) -> Shift:
    """A shift on ``day`` from ``start_h`` to ``end_h`` (end before start means the next morning)."""
    end_day = day + 1 if end_h <= start_h else day
    return Shift(
        id=sid,
        client_id=kw.pop("client_id", "school"),
        day=day,
        start=at(day, start_h),
        end=at(end_day, end_h),
        **kw,
    )


def night(sid: str, day: int, **kw) -> Shift:
    return shift(sid, day, 20, 8, kind="night", is_night=True, **kw)


def fixed(fid: str, day: int, start_h: float = 8, end_h: float = 16, **kw) -> FixedShift:
    end_day = day + 1 if end_h <= start_h else day
    return FixedShift(id=fid, day=day, start=at(day, start_h), end=at(end_day, end_h), **kw)


def member(mid: str, eligible: list[str] | set[str], **kw) -> Worker:
    return Worker(id=mid, eligible_shift_ids=frozenset(eligible), **kw)


def problem(shifts: list[Shift], workers: list[Worker], days: int = 7, start: dt.date = MONDAY, **kw) -> RosterProblem:
    return RosterProblem(horizon=Horizon(start, days), shifts=tuple(shifts), workers=tuple(workers), **kw)


def solve_checked(p: RosterProblem, **kw) -> RosterSolution:
    """Solve with one worker and assert the independent checker finds no hard-rule violation."""
    solution = solve(p, kw.pop("parameters", FAST), **kw)
    assert solution.status in ("OPTIMAL", "FEASIBLE"), solution.status
    pairs = [(a.shift_id, a.member_id) for a in solution.assignments]
    assert validate_roster(p, pairs) == []
    return solution


def reasons_of(solution: RosterSolution, shift_id: str) -> dict[str, int]:
    (unfilled,) = [u for u in solution.unfilled if u.shift_id == shift_id]
    return {r.code: r.count for r in unfilled.reasons}


def assignment(solution: RosterSolution, shift_id: str, member_id: str):
    (a,) = [a for a in solution.assignments if a.shift_id == shift_id and a.member_id == member_id]
    return a
