"""A lower bound on unfilled places that doesn't wait on CP-SAT: the linear relaxation of the main rules.

On a large week CP-SAT's own bound comes late (its LP worker shares two cores with the search), so the
fill stage could say little about how many places no roster can fill. This solves, with GLOP, the
linear relaxation of a subset of the hard rules over the same candidate pairs: each place at most once,
no two shifts of a member closer than the rest time (one row per maximal clique, as the engine does), each
ISO week within the member's weekly maximum, and at most ``max_consecutive_days`` working days in any
run of ``max_consecutive_days + 1``. Dropping the other rules and integrality only loosens it, so the
optimum is a valid lower bound on every roster's unfilled cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ortools.linear_solver import pywraplp

from scheduling.model import RosterModel


def fill_lower_bound(rm: RosterModel, place_cost: Mapping[str, int], *, time_limit_s: float = 10.0) -> float | None:
    """The least unfilled cost of the relaxation, each missing place costing ``place_cost[shift id]``, or
    None if GLOP gave no optimum in the time."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(max(0.1, time_limit_s) * 1000))
    problem, horizon = rm.problem, rm.problem.horizon
    x = {key: solver.NumVar(0.0, 1.0, "") for key in rm.x}
    on_shift: dict[str, list] = defaultdict(list)
    for (_wid, sid), var in x.items():
        on_shift[sid].append(var)
    for shift in problem.shifts:
        if on_shift[shift.id]:
            solver.Add(sum(on_shift[shift.id]) <= min(shift.demand, shift.cap))
    for worker in problem.workers:
        shifts = sorted(rm.candidates.shifts_of[worker.id], key=lambda s: s.start)
        if not shifts:
            continue
        mine = {s.id: x[worker.id, s.id] for s in shifts}
        _rest_cliques(solver, shifts, mine, worker.min_rest_minutes)
        if worker.max_weekly_minutes is not None:
            by_week: dict[int, list] = defaultdict(list)
            for s in shifts:
                by_week[horizon.week_of_day(s.day)].append(s)
            for week, in_week in by_week.items():
                fixed = sum(f.minutes for f in worker.fixed_shifts if horizon.week_of_day(f.day) == week)
                solver.Add(sum(s.minutes * mine[s.id] for s in in_week) <= max(0, worker.max_weekly_minutes - fixed))
        if worker.max_consecutive_days is not None:
            _days_in_a_row(solver, rm, worker, mine)
    # Unfilled cost = sum of cost × demand − sum of cost × assigned; maximise the assigned part.
    total = sum(place_cost.get(s.id, 0) * s.demand for s in problem.shifts)
    solver.Maximize(sum(place_cost.get(sid, 0) * var for (_wid, sid), var in x.items()))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return total - solver.Objective().Value()


def _rest_cliques(solver, shifts, mine, rest: int) -> None:
    """At most one shift of every maximal set that pairwise overlaps once stretched by the rest time."""
    active: list = []
    last: frozenset = frozenset()
    for i, shift in enumerate(shifts):
        active = [s for s in active if s.end + rest > shift.start]
        active.append(shift)
        if i + 1 < len(shifts) and shifts[i + 1].start == shift.start:
            continue
        ids = frozenset(s.id for s in active)
        if len(ids) > 1 and not ids <= last:
            solver.Add(sum(mine[sid] for sid in ids) <= 1)
            last = ids


def _days_in_a_row(solver, rm: RosterModel, worker, mine) -> None:
    """y[d] >= each shift of day d, and at most ``max_consecutive_days`` of every window one day longer."""
    limit = worker.max_consecutive_days
    days = rm.day_range(worker)
    fixed_days = {f.day for f in worker.fixed_shifts}
    y: dict[int, object] = {}
    for day in days:
        if day in fixed_days:
            y[day] = 1
            continue
        today = [mine[s.id] for s in rm.shifts_on(worker.id, day)]
        if not today:
            y[day] = 0
            continue
        v = solver.NumVar(0.0, 1.0, "")
        for var in today:
            solver.Add(v >= var)
        y[day] = v
    values = [y[d] for d in days]
    for i in range(len(values) - limit):
        window = values[i : i + limit + 1]
        if any(not isinstance(v, int) for v in window):
            solver.Add(sum(window) <= limit)
