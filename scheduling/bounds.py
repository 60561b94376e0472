"""A lower bound on unfilled places that doesn't wait on CP-SAT: the linear relaxation of the main rules.

On a large week CP-SAT's own bound comes late (its LP worker shares two cores with the search), so the
fill stage could say little about how many places no roster can fill. This solves, with GLOP, the
linear relaxation of a subset of the hard rules over the same candidate pairs: each place at most once,
no two shifts of a member closer than the rest time (one row per maximal clique, as the engine does), each
ISO week within the member's weekly maximum, in minutes and as the number of shifts that fit in it, and no
more shifts over the horizon than the working days in a row allow (counted exactly, see
:func:`flow_bound`). Dropping the other rules and integrality only loosens it, so the optimum is a valid
lower bound on every roster's unfilled cost.

On a week too large for GLOP in the time, :func:`flow_bound` gives a weaker bound in a fraction of a
second: a maximum-weight flow through each member's days, weeks and whole horizon (see there).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow
from ortools.linear_solver import pywraplp

from scheduling.candidates import Candidates
from scheduling.problem import RosterProblem, Shift, Worker


class Cancel:
    """Lets another thread stop a relaxation: before it is solved, or while GLOP solves it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._solver: pywraplp.Solver | None = None
        self.cancelled = False

    def attach(self, solver: pywraplp.Solver) -> bool:
        """Record the solver about to solve; False if the relaxation is no longer wanted."""
        with self._lock:
            self._solver = solver
            return not self.cancelled

    def __call__(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._solver is not None:
                self._solver.InterruptSolve()


@dataclass(frozen=True)
class Relaxed:
    """The linear relaxation's optimum: its unfilled cost, a bound on every roster's, and how much of each
    (shift id, member id) pair its solution works, for the pairs it works at all."""

    bound: float
    shares: Mapping[tuple[str, str], float]


def fill_relaxation(
    problem: RosterProblem,
    candidates: Candidates,
    place_cost: Mapping[str, int],
    *,
    time_limit_s: float = 10.0,
    cancel: Cancel | None = None,
) -> Relaxed | None:
    """The least unfilled cost of the relaxation over the ``candidates`` pairs, each missing place costing
    ``place_cost[shift id]``, with the relaxation's solution, which a search may start near; None if GLOP
    gave no optimum in the time or ``cancel`` was called. GLOP lets go of the interpreter while it solves,
    so this may run on a thread beside a search."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(max(0.1, time_limit_s) * 1000))
    x = {(w.id, s.id): solver.NumVar(0.0, 1.0, "") for w in problem.workers for s in candidates.shifts_of.get(w.id, ())}
    add_relaxed_rules(solver, problem, candidates, x)
    # Unfilled cost = sum of cost × demand − sum of cost × assigned; maximise the assigned part.
    total = sum(place_cost.get(s.id, 0) * s.demand for s in problem.shifts)
    objective = solver.Objective()
    for (_wid, sid), var in x.items():
        objective.SetCoefficient(var, place_cost.get(sid, 0))
    objective.SetMaximization()
    if cancel is not None and not cancel.attach(solver):
        return None
    if solver.Solve() != pywraplp.Solver.OPTIMAL or (cancel is not None and cancel.cancelled):
        return None
    shares = {(sid, wid): value for (wid, sid), var in x.items() if (value := var.solution_value()) > 1e-6}
    return Relaxed(total - solver.Objective().Value(), shares)


def _at_most(solver: pywraplp.Solver, terms, bound: float) -> None:
    """The row sum(coefficient × variable) <= ``bound``, each variable once, set coefficient by coefficient:
    building the expressions took 5.5 s of the care week's 7.6 s relaxation, this takes 3.0 s."""
    row = solver.Constraint(-solver.infinity(), bound)
    for var, coefficient in terms:
        row.SetCoefficient(var, coefficient)


def add_relaxed_rules(solver: pywraplp.Solver, problem: RosterProblem, candidates: Candidates, x: Mapping) -> None:
    """The relaxation's rows over ``x`` (a variable per (member id, shift id) candidate pair): every one holds
    for every roster within the rules, so a MIP of the same rules may take them as cuts (:mod:`scheduling.mip`)."""
    horizon = problem.horizon
    on_shift: dict[str, list] = defaultdict(list)
    for (_wid, sid), var in x.items():
        on_shift[sid].append(var)
    for shift in problem.shifts:
        if on_shift[shift.id]:
            _at_most(solver, [(v, 1) for v in on_shift[shift.id]], min(shift.demand, shift.cap))
    for worker in problem.workers:
        shifts = sorted(candidates.shifts_of.get(worker.id, ()), key=lambda s: s.start)
        if not shifts:
            continue
        mine = {s.id: x[worker.id, s.id] for s in shifts}
        _rest_cliques(solver, shifts, mine, worker.min_rest_minutes)
        if worker.max_weekly_minutes is not None:
            by_week: dict[int, list] = defaultdict(list)
            for s in shifts:
                by_week[horizon.week_of_day(s.day)].append(s)
            for week, in_week in by_week.items():
                left = _week_left(worker, horizon, week)
                _at_most(solver, [(mine[s.id], s.minutes) for s in in_week], left)
                # As many shifts as fit, the shortest first: integral, so tighter than the minutes alone.
                _at_most(solver, [(mine[s.id], 1) for s in in_week], _most_by_minutes(in_week, left))
                _rounded_minutes(solver, in_week, mine, left)
        # Days in a row and total minutes as a count of shifts (RULES §0.3), then the days in a row day by
        # day: on the regional week's care workers the second raises the bound from 350 to 430.
        _at_most(solver, [(v, 1) for v in mine.values()], _most_overall(worker, shifts))
        _day_windows(solver, worker, shifts, mine)


def _day_windows(solver, worker: Worker, shifts: list[Shift], mine) -> None:
    """No more than ``max_consecutive_days`` days worked in any run of one more day (RULES §0.3), the fixed
    shifts' days included. A day's "worked" is at least the sum over each set of its shifts that the rest
    rule lets hold at most one of (the same maximal cliques as :func:`_rest_cliques`, within the day): a row
    per clique rather than per shift, on a care week a few a day instead of dozens."""
    limit = worker.max_consecutive_days
    if limit is None:
        return
    by_day: dict[int, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_day[s.day].append(s)
    fixed_days = {f.day for f in worker.fixed_shifts}
    worked = {}
    for day, today in by_day.items():
        if day in fixed_days:
            continue
        worked[day] = solver.NumVar(0.0, 1.0, "")
        for clique in _cliques(today, worker.min_rest_minutes):
            _at_most(solver, [(worked[day], -1), *((mine[sid], 1) for sid in clique)], 0)
    for first in range(min([0, *fixed_days]), max(by_day) - limit + 1):
        window = range(first, first + limit + 1)
        days = [worked[d] for d in window if d in worked]
        held = sum(1 for d in window if d in fixed_days)
        if days and len(days) + held > limit:
            _at_most(solver, [(v, 1) for v in days], limit - held)


def _cliques(shifts: list[Shift], rest: int) -> list[frozenset[str]]:
    """The maximal sets of ``shifts`` (sorted by start) that pairwise clash once stretched by ``rest``."""
    found: list[frozenset[str]] = []
    active: list[Shift] = []
    for i, shift in enumerate(shifts):
        active = [s for s in active if s.end + rest > shift.start]
        active.append(shift)
        if i + 1 < len(shifts) and shifts[i + 1].start == shift.start:
            continue
        ids = frozenset(s.id for s in active)
        if not found or not ids <= found[-1]:
            found.append(ids)
    return found


def _rest_cliques(solver, shifts, mine, rest: int) -> None:
    """At most one shift of every maximal set that pairwise overlaps once stretched by the rest time."""
    for clique in _cliques(shifts, rest):
        if len(clique) > 1:
            _at_most(solver, [(mine[sid], 1) for sid in clique], 1)


def flow_bound(problem: RosterProblem, candidates: Candidates, place_cost: Mapping[str, int]) -> int:
    """The least unfilled cost of a relaxation that is a network flow (:func:`fill_flow`)."""
    return fill_flow(problem, candidates, place_cost).bound


@dataclass(frozen=True)
class FlowFill:
    """The flow relaxation's optimum: its unfilled cost, a bound on every roster's, and the
    (shift id, member id) pairs it fills, which break only the rules the flow leaves out."""

    bound: int
    pairs: tuple[tuple[str, str], ...]


def fill_flow(problem: RosterProblem, candidates: Candidates, place_cost: Mapping[str, int]) -> FlowFill:
    """A relaxation of the fill that is a network flow, solved exactly in well under a second.

    Each place flows from a member through one of the member's days and weeks: a day holds at most as many
    shifts as fit in it with the rest time between them (RULES §0.1; with 11 hours' rest, one), a week at
    most as many as its hours allow, the shortest first, after the fixed shifts (RULES §0.2), and the
    horizon at most as many as the working days in a row allow, counting the days worked just before it
    (RULES §0.3), and as its total minutes allow. Every roster within the rules is such a flow, so the
    most a flow fills bounds what any roster fills. It ignores rest across midnight, nights in a row and
    the finer rules, which :func:`fill_relaxation` keeps.
    """
    horizon = problem.horizon
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {}
    pair_arcs: list[tuple[int, str, str]] = []

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node("source"), node("sink")
    places = 0
    for shift in problem.shifts:
        if candidates.workers_of.get(shift.id):
            capacity = min(shift.demand, shift.cap)
            flow.add_arc_with_capacity_and_unit_cost(node(shift.id), sink, capacity, -place_cost.get(shift.id, 0))
            places += capacity
    for worker in problem.workers:
        shifts = candidates.shifts_of.get(worker.id, ())
        if not shifts:
            continue
        by_day: dict[int, list[Shift]] = defaultdict(list)
        for s in shifts:
            by_day[s.day].append(s)
        day_cap = {day: _most_in_a_day(worker, today) for day, today in by_day.items()}
        total = _most_overall(worker, shifts, by_day, day_cap)
        if total <= 0:
            continue
        me = node(("worker", worker.id))
        flow.add_arc_with_capacity_and_unit_cost(source, me, total, 0)
        weeks: dict[int, list[int]] = defaultdict(list)
        for day in by_day:
            weeks[horizon.week_of_day(day)].append(day)
        for week, days in weeks.items():
            in_week = [s for d in days for s in by_day[d]]
            cap = min(sum(day_cap[d] for d in days), _most_by_minutes(in_week, _week_left(worker, horizon, week)))
            if cap <= 0:
                continue
            wk = node(("week", worker.id, week))
            flow.add_arc_with_capacity_and_unit_cost(me, wk, cap, 0)
            for day in days:
                dn = node(("day", worker.id, day))
                flow.add_arc_with_capacity_and_unit_cost(wk, dn, day_cap[day], 0)
                for s in by_day[day]:
                    pair_arcs.append((flow.add_arc_with_capacity_and_unit_cost(dn, node(s.id), 1, 0), s.id, worker.id))
    total_cost = sum(place_cost.get(s.id, 0) * s.demand for s in problem.shifts)
    if places == 0:
        return FlowFill(total_cost, ())
    # Every place may also go unfilled, at no gain.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, places, 0)
    flow.set_node_supply(source, places)
    flow.set_node_supply(sink, -places)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the fill flow has no optimum")  # the bypass arc makes it always feasible
    pairs = tuple((sid, wid) for arc, sid, wid in pair_arcs if flow.flow(arc) > 0)
    return FlowFill(total_cost + flow.optimal_cost(), pairs)


def _most_overall(worker: Worker, shifts, by_day=None, day_cap=None) -> int:
    """The most shifts the member can work over the horizon by days in a row and total minutes."""
    if day_cap is None:
        by_day = defaultdict(list)
        for s in shifts:
            by_day[s.day].append(s)
        day_cap = {day: _most_in_a_day(worker, today) for day, today in by_day.items()}
    return min(_most_by_days_in_a_row(worker, day_cap), _most_by_minutes(shifts, _total_left(worker)))


def _most_in_a_day(worker: Worker, shifts: list[Shift]) -> int:
    """The most of these shifts one member can work: earliest end first, each after the last one's rest."""
    count, free_from = 0, None
    for s in sorted(shifts, key=lambda s: s.end):
        if free_from is None or s.start >= free_from:
            count, free_from = count + 1, s.end + worker.min_rest_minutes
    return count if worker.max_shifts_per_day is None else min(count, worker.max_shifts_per_day)


def _most_by_minutes(shifts, minutes: int | None) -> int:
    """The most of these shifts that fit in ``minutes``, the shortest first (None: no limit)."""
    if minutes is None:
        return len(shifts)
    count, used = 0, 0
    for m in sorted(s.minutes for s in shifts):
        if used + m > minutes:
            break
        count, used = count + 1, used + m
    return count


ROUNDING_MULTIPLES = 2
"""The k of :func:`_rounded_minutes`: 2 raised the seed-3 regional nurses' bound from 135 to 140 (their
optimum), as 3 and 4 did, with fewer rows (1 left it at 135)."""


def _rounded_minutes(solver, shifts: list[Shift], mine, left: int) -> None:
    """The week's minutes rounded (Chvátal-Gomory, RULES §0.2's weekly maximum): for each shift length L and
    k up to ``ROUNDING_MULTIPLES``, the sum of floor(k × minutes / L) over the shifts worked is at most
    floor(k × left / L). Each row holds for whole shifts only, so it cuts off the relaxation's fractions
    of long shifts that fill the week's minutes exactly: a nurse with 35.5 hours left may take two
    12.5-hour nights and a 7.5-hour early (worth 2 + 2 + 1 <= floor(2 × 2130 / 750) = 5 with k = 2), not
    the 2.84 nights the minutes alone allow. Rows every roster meets anyway, or met twice, are left out."""
    lengths = sorted({s.minutes for s in shifts})
    seen = set()
    for length in lengths:
        for k in range(1, ROUNDING_MULTIPLES + 1):
            coefficients = tuple(k * s.minutes // length for s in shifts)
            bound = k * left // length
            if sum(coefficients) <= bound or coefficients in seen:
                continue
            seen.add(coefficients)
            _at_most(solver, [(mine[s.id], c) for s, c in zip(shifts, coefficients, strict=True) if c], bound)


def _week_left(worker: Worker, horizon, week: int) -> int | None:
    if worker.max_weekly_minutes is None:
        return None
    fixed = sum(f.minutes for f in worker.fixed_shifts if horizon.week_of_day(f.day) == week)
    return max(0, worker.max_weekly_minutes - fixed)


def _total_left(worker: Worker) -> int | None:
    if worker.max_total_minutes is None:
        return None
    return max(0, worker.max_total_minutes - sum(f.minutes for f in worker.fixed_shifts))


def _most_by_days_in_a_row(worker: Worker, day_cap: Mapping[int, int]) -> int:
    """The most shifts over the horizon when no more than ``max_consecutive_days`` days run in a row, the
    fixed shifts' days worked too: a dynamic programme over the run of days worked so far."""
    limit = worker.max_consecutive_days
    if limit is None:
        return sum(day_cap.values())
    fixed_days = {f.day for f in worker.fixed_shifts}
    first = min([0, *fixed_days])
    last = max([*day_cap, *fixed_days, 0])
    best = {0: 0}  # run length so far -> most shifts
    for day in range(first, last + 1):
        after: dict[int, int] = {}
        for run, value in best.items():
            if day in fixed_days:
                # Held already, whatever the run (a rule the history broke); what else fits that day counts.
                moves = [(min(run + 1, limit), value + day_cap.get(day, 0))]
            else:
                moves = [(0, value)]
                if day_cap.get(day, 0) and run < limit:
                    moves.append((run + 1, value + day_cap[day]))
            for next_run, next_value in moves:
                after[next_run] = max(after.get(next_run, -1), next_value)
        best = after
    return max(best.values())
