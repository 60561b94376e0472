"""Which (worker, shift) pairs get a decision variable, and why the others don't.

A pair is a candidate when the co-op's rule set found the worker eligible (``Worker.eligible_shift_ids``)
and the shift doesn't clash with a shift the worker already holds. Clashes with fixed shifts are engine
level reasons, reported with these codes:

- ``overlap_with_fixed_shift``: the times overlap (RULES §0.1).
- ``rest_with_fixed_shift``: less than the worker's minimum rest between them (RULES §0.1).
- ``night_succession_with_fixed_shift``: a night followed too soon by a non-night (RULES §0.5).
- ``forbidden_succession_with_fixed_shift``: a forbidden kind on the next day.
- ``weekly_hours_with_fixed_shifts``: the fixed shifts leave no room in that ISO week (RULES §0.2).
- ``total_hours_limit``: the shift alone would break the horizon's total-minutes maximum.
- ``kind_limit``: the worker may work no shift of that kind.
- ``shifts_per_day_limit``: the fixed shifts already fill that day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from scheduling.fixed import FixedIndex, clash_margin, index_fixed
from scheduling.problem import FixedShift, RosterProblem, Shift, Worker


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs and the engine-level reason for each excluded eligible pair."""

    shifts_of: dict[str, tuple[Shift, ...]]
    workers_of: dict[str, tuple[str, ...]]
    excluded: dict[tuple[str, str], str]


def clash_with_fixed(problem: RosterProblem, worker: Worker, shift: Shift, fixed: FixedShift) -> str | None:
    """The reason ``shift`` can't be worked next to ``fixed``, or None."""
    if shift.start < fixed.end and fixed.start < shift.end:
        return "overlap_with_fixed_shift"
    rest = worker.min_rest_minutes
    if shift.start < fixed.end + rest and fixed.start < shift.end + rest:
        return "rest_with_fixed_shift"
    gap = problem.night_succession_gap_minutes
    if gap is not None:
        if fixed.is_night and not shift.is_night and fixed.end <= shift.start < fixed.end + gap:
            return "night_succession_with_fixed_shift"
        if shift.is_night and not fixed.is_night and shift.end <= fixed.start < shift.end + gap:
            return "night_succession_with_fixed_shift"
    if fixed.day + 1 == shift.day and (fixed.kind, shift.kind) in problem.forbidden_successions:
        return "forbidden_succession_with_fixed_shift"
    if shift.day + 1 == fixed.day and (shift.kind, fixed.kind) in problem.forbidden_successions:
        return "forbidden_succession_with_fixed_shift"
    return None


def exclusion_reason(
    problem: RosterProblem, worker: Worker, shift: Shift, fixed: FixedIndex | None = None
) -> str | None:
    """Why an eligible pair gets no variable, or None when it is a candidate. ``fixed`` is the worker's
    fixed-shift index, built here when not given."""
    if fixed is None:
        fixed = FixedIndex.of(problem, worker)
    for held in fixed.near(shift.start, shift.end, clash_margin(problem, worker)):
        reason = clash_with_fixed(problem, worker, shift, held)
        if reason:
            return reason
    if worker.max_weekly_minutes is not None:
        week = problem.horizon.week_of_day(shift.day)
        if fixed.minutes_by_week[week] + shift.minutes > worker.max_weekly_minutes:
            return "weekly_hours_with_fixed_shifts"
    if worker.max_total_minutes is not None:
        if fixed.minutes_in_horizon + shift.minutes > worker.max_total_minutes:
            return "total_hours_limit"
    if worker.max_shifts_by_kind.get(shift.kind, 1) <= 0:
        return "kind_limit"
    if worker.max_shifts_per_day is not None and fixed.per_day[shift.day] >= worker.max_shifts_per_day:
        return "shifts_per_day_limit"
    return None


def find_candidates(problem: RosterProblem, fixed: dict[str, FixedIndex] | None = None) -> Candidates:
    """Split eligible pairs into candidates and engine-excluded pairs (``fixed``: the workers' fixed-shift
    indexes, built here when not given)."""
    if fixed is None:
        fixed = index_fixed(problem)
    shifts_of: dict[str, tuple[Shift, ...]] = {}
    workers_of: dict[str, list[str]] = defaultdict(list)
    excluded: dict[tuple[str, str], str] = {}
    for worker in problem.workers:
        mine = []
        for shift in problem.shifts:
            if shift.id not in worker.eligible_shift_ids:
                continue
            reason = exclusion_reason(problem, worker, shift, fixed[worker.id])
            if reason:
                excluded[worker.id, shift.id] = reason
            else:
                mine.append(shift)
                workers_of[shift.id].append(worker.id)
        shifts_of[worker.id] = tuple(mine)
    return Candidates(
        shifts_of=shifts_of,
        workers_of={s.id: tuple(workers_of.get(s.id, ())) for s in problem.shifts},
        excluded=excluded,
    )
