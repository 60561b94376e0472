"""Improve a roster by re-rostering small pieces of it: neighbourhood searches on sub-problems.

``refill`` fills more places; ``improve`` lowers the whole objective (for the published benchmark's large
instances, whose models are too large for CP-SAT to re-solve whole many times).

A co-op's week is too large for CP-SAT to improve quickly as a whole, but filling is local: an empty
shift can be filled when one of the members who could take it gives up a shift of theirs that a
colleague can take instead. Each move picks an unfilled shift, the members who could take it and the
members who could take *their* shifts nearby, and re-rosters just those members over a few days, with
everything else they hold as fixed shifts: a small :class:`RosterProblem` of the same engine, with every
hard rule (weekly hours and days in a row count the fixed shifts), solved for fill alone. A move is kept
only when it fills more (priority-weighted), so the roster never gets worse and stays within the rules.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from ortools.sat.python import cp_model

from scheduling.candidates import Candidates, find_candidates
from scheduling.constraints import HARD
from scheduling.model import RosterModel
from scheduling.objective import Weights, build_objective
from scheduling.problem import FixedShift, RosterProblem, Shift

FILL_ONLY = Weights(
    fill=1,
    continuity_run=0,
    worked_here_before=0,
    preferred_by_client=0,
    fairness_max_shortfall=0,
    fairness_total_shortfall=0,
    member_preference=0,
    travel_per_km=0,
    shift_request=0,
)
"""Weights for the fill stage: unfilled places, times their priority, and nothing else."""

MAX_MEMBERS_PER_MOVE = 64
"""The widest neighbourhood: beyond it a move is too slow to solve in its second."""

Roster = set[tuple[str, str]]
"""(shift id, member id) pairs."""


def unfilled_cost(problem: RosterProblem, roster: Roster) -> int:
    """Places left empty, each times its shift's priority (the fill stage's objective)."""
    held: dict[str, int] = defaultdict(int)
    for sid, _ in roster:
        held[sid] += 1
    return sum(s.priority * max(0, s.demand - held[s.id]) for s in problem.shifts)


def as_fixed(shift: Shift) -> FixedShift:
    return FixedShift(
        id=shift.id,
        day=shift.day,
        start=shift.start,
        end=shift.end,
        kind=shift.kind,
        is_night=shift.is_night,
        client_id=shift.client_id,
        continuity_group=shift.continuity_group,
    )


def sub_problem(problem: RosterProblem, roster: Roster, members: set[str], days: range) -> RosterProblem:
    """``members`` re-rostered over ``days``: their shifts elsewhere become fixed, the shifts of the window
    are those with room left once the other members are counted, each needing what they don't give."""
    shifts = problem.shifts_by_id
    held_by_others: dict[str, int] = defaultdict(int)
    theirs: dict[str, list[str]] = defaultdict(list)
    for sid, wid in roster:
        if wid in members:
            theirs[wid].append(sid)
        else:
            held_by_others[sid] += 1
    window = {}
    for shift in problem.shifts:
        others = held_by_others[shift.id]
        if shift.day in days and others < shift.cap:
            # What the others give counts: the sub-problem's cover costs differ from the whole roster's by a
            # constant (under- and over-cover are linear either side of the demand).
            window[shift.id] = replace(shift, demand=max(0, shift.demand - others), max_assigned=shift.cap - others)
    workers = []
    for worker in problem.workers:
        if worker.id not in members:
            continue
        outside = tuple(as_fixed(shifts[sid]) for sid in theirs[worker.id] if sid not in window)
        workers.append(
            replace(
                worker,
                eligible_shift_ids=frozenset(sid for sid in worker.eligible_shift_ids if sid in window),
                fixed_shifts=worker.fixed_shifts + outside,
            )
        )
    wanted = {sid for w in workers for sid in w.eligible_shift_ids}
    return replace(problem, shifts=tuple(s for s in window.values() if s.id in wanted), workers=tuple(workers))


def engine_model(sub: RosterProblem, weights: Weights) -> RosterModel:
    """The engine's own model of a sub-problem: a sub-problem is a roster like any other."""
    rm = RosterModel.build(sub)
    for add_rule in HARD:
        add_rule(rm)
    build_objective(rm, weights)
    return rm


def _hint(rm: RosterModel, current: Roster) -> None:
    rm.model.clear_hints()
    for key, var in rm.x.items():
        rm.model.add_hint(var, (key[1], key[0]) in current)


def _search(rm: RosterModel, time_limit_s: float, seed: int, num_workers: int = 1) -> tuple[int, cp_model.CpSolver]:
    """One short CP-SAT solve of a sub-problem from its hint (single-threaded unless told)."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(0.05, time_limit_s)
    p.num_workers = num_workers
    p.random_seed = seed
    return solver.solve(rm.model), solver


def chosen(rm: RosterModel, solver: cp_model.CpSolver) -> Roster:
    return {(sid, wid) for (wid, sid), var in rm.x.items() if solver.boolean_value(var)}


def chosen_values(rm: RosterModel, values: list[int]) -> Roster:
    """The roster of a solution given as every model variable's value, by index."""
    return {(sid, wid) for (wid, sid), var in rm.x.items() if values[var.index]}


def _solve_fill(sub: RosterProblem, current: Roster, time_limit_s: float, seed: int) -> tuple[Roster, bool] | None:
    """The sub-problem's best fill from ``current`` (its pairs), and whether it is proven; None if no answer."""
    rm = engine_model(sub, FILL_ONLY)
    _hint(rm, current)
    status, solver = _search(rm, time_limit_s, seed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return chosen(rm, solver), status == cp_model.OPTIMAL


def refill(
    problem: RosterProblem,
    roster: Roster,
    *,
    deadline: float,
    seed: int = 0,
    members_per_move: int = 16,
    span_days: int = 3,
    candidates: Candidates | None = None,
    stop: Callable[[], bool] | None = None,
) -> Roster:
    """Improve ``roster`` (feasible) until ``deadline`` (a ``time.perf_counter()`` value), until ``stop()``
    is true, or until every place that any member could take is filled; returns the best roster found.
    ``candidates`` are the problem's own (:func:`scheduling.candidates.find_candidates`), when the caller
    has them already."""
    rng = random.Random(seed)
    candidates = candidates or find_candidates(problem)
    shifts = problem.shifts_by_id
    roster = set(roster)
    held: dict[str, set[str]] = defaultdict(set)
    mine: dict[str, set[str]] = defaultdict(set)
    for sid, wid in roster:
        held[sid].add(wid)
        mine[wid].add(sid)
    tabu: dict[str, int] = {}
    move = 0
    while time.perf_counter() < deadline - 0.05 and not (stop is not None and stop()):
        move += 1
        open_ = [s for s in problem.shifts if len(held[s.id]) < s.demand and candidates.workers_of[s.id]]
        if not open_:
            break  # every place anyone could take is filled
        fresh = [s for s in open_ if tabu.get(s.id, 0) <= move]
        if not fresh:  # every empty place was looked at in vain: look again, wider, unless already widest
            if members_per_move >= min(MAX_MEMBERS_PER_MOVE, len(problem.workers)):
                break
            tabu.clear()
            members_per_move = min(2 * members_per_move, MAX_MEMBERS_PER_MOVE)
            fresh = open_
        target = rng.choice(fresh)
        span = span_days if move % 4 else 7  # now and then the whole week, for weekly-hours swaps
        first = max(0, target.day - span // 2)
        days = range(first, min(problem.horizon.num_days, first + span))
        members = _neighbours(rng, candidates, shifts, held, mine, target, days, members_per_move)
        sub = sub_problem(problem, roster, members, days)
        sub_ids = {s.id for s in sub.shifts}
        current = {(sid, wid) for sid, wid in roster if wid in members and sid in sub_ids}
        before = unfilled_cost(sub, current)
        found = _solve_fill(sub, current, min(1.0, deadline - time.perf_counter()), rng.randrange(1 << 30))
        if found is None:
            continue
        better, proven = found
        if unfilled_cost(sub, better) < before:
            for sid, wid in current:
                roster.discard((sid, wid))
                held[sid].discard(wid)
                mine[wid].discard(sid)
            for sid, wid in better:
                roster.add((sid, wid))
                held[sid].add(wid)
                mine[wid].add(sid)
        elif proven:
            tabu[target.id] = move + 25  # nothing to gain around it for now: look elsewhere a while
    return roster


def _neighbours(rng, candidates, shifts, held, mine, target: Shift, days: range, limit: int) -> set[str]:
    """The members who could take ``target``, then those who could take their shifts in the window."""
    first = list(candidates.workers_of[target.id])
    rng.shuffle(first)
    chosen = set(first[: max(2, limit // 2)])
    second = []
    for wid in chosen:
        for sid in mine[wid]:
            if shifts[sid].day in days:
                second.extend(w for w in candidates.workers_of[sid] if w not in chosen)
    rng.shuffle(second)
    for wid in second:
        if len(chosen) >= limit:
            break
        chosen.add(wid)
    for wid in first:
        if len(chosen) >= limit:
            break
        chosen.add(wid)
    return chosen


def _sub_cost(rm: RosterModel, current: Roster) -> int | None:
    """The sub-problem's objective for ``current`` (every decision fixed to it), which stays the hint."""
    _hint(rm, current)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    if solver.solve(rm.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return round(solver.objective_value)


NEIGHBOURHOODS = ("members", "days", "short")
"""The moves of :func:`improve`, each a choice of members and days to re-roster:

- ``members``: a few members at random over two weeks (more members, then more weeks, while their moves
  are solved to optimality; fewer when they time out);
- ``days``: as many members as ``DECISIONS_PER_MOVE`` allows, at random, over a few days (cover is decided
  day by day, so moving work between members on the same days is what lowers it);
- ``short``: a few days around a shift left short, weighted by what its shortfall costs, with members who
  may take that shift.

Which move runs next is drawn in proportion to what each gained a second lately, never below
``MIN_SHARE``. Measured on the benchmark (60 s, single runs, against ``members`` alone): Instance13 4,923
against 6,656; Instance20 18,395 against 19,251; Instance24, from the same roster of 537,734, 441,237
against 477,288."""

DECISIONS_PER_MOVE = 2_500
"""The size of a ``days`` or ``short`` move, in (member, shift) pairs: on Instance24 such a move over four
days solves to optimality in a tenth of a second."""

MIN_SHARE = 0.1
"""The least share of the moves each neighbourhood keeps, so one that stopped paying is tried again."""

MOVE_MAX_S = 0.25
"""The most time a move of :func:`improve` gets. CP-SAT finds a sub-problem's better roster from the hint in a
fraction of a second; proving it the best takes the rest, and that time buys more moves instead (the
neighbourhoods then settle at the sizes it proves in this time). Instance23, from the same first roster of
124,641 (scratch runs, 2 workers): in 90 s, 95,305 with 2 s a move, 83,467 with 1 s, 76,140 with 0.5 s,
73,183 with 0.25 s and 69,151 with 0.1 s; from its roster of 48,237 after 300 s more, in 120 s, 42,972 with
0.5 s, 41,623 with 0.25 s and 44,054 with 0.1 s (too small a neighbourhood once the easy gains are taken).
Its whole ten-minute run with seed 1 went from 58,679 to 40,000."""


def improve(
    problem: RosterProblem,
    roster: Roster,
    weights: Weights,
    *,
    deadline: float,
    seed: int = 0,
    num_workers: int = 1,
) -> Roster:
    """Lower the whole objective of ``roster`` (feasible) until ``deadline``: each move re-rosters some
    members over a window of days as a sub-problem with ``weights`` (see ``NEIGHBOURHOODS``), kept when it
    costs less.

    Exact when every soft term is a member's own or a shift's cover (as in the published benchmark);
    terms across members and days (the largest shortfall, continuity across the window's edge) are
    counted within the sub-problem only. Each move is solved with ``num_workers`` CP-SAT workers
    (Instance19 in 60 s, single runs: 6,587 with two, 6,802 with one).
    """
    rng = random.Random(seed)
    roster = set(roster)
    moves = _Moves(problem, rng)
    if not moves.workers:
        return roster
    while time.perf_counter() < deadline - 0.1:
        started = time.perf_counter()
        kind = moves.pick()
        picked = moves.choose(kind, roster)
        if picked is None:
            continue
        members, window = picked
        sub = sub_problem(problem, roster, members, window)
        sub_ids = {s.id for s in sub.shifts}
        current = {(sid, wid) for sid, wid in roster if wid in members and sid in sub_ids}
        rm = engine_model(sub, weights)
        before = _sub_cost(rm, current)
        if before is None:
            continue
        status, solver = _search(
            rm, min(MOVE_MAX_S, deadline - time.perf_counter()), rng.randrange(1 << 30), num_workers
        )
        gain = 0
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and round(solver.objective_value) < before:
            gain = before - round(solver.objective_value)
            roster = (roster - current) | chosen(rm, solver)
        moves.record(kind, gain, time.perf_counter() - started, proven=status == cp_model.OPTIMAL)
    return roster


class _Moves:
    """The neighbourhoods' sizes and recent gains (see ``NEIGHBOURHOODS``)."""

    def __init__(self, problem: RosterProblem, rng: random.Random) -> None:
        self.problem, self.rng = problem, rng
        self.workers = [w.id for w in problem.workers if w.eligible_shift_ids]
        self.days = problem.horizon.num_days
        self.shifts_a_day = max(1, len(problem.shifts) // max(1, self.days))
        self.takers: dict[str, list[str]] = defaultdict(list)
        for w in problem.workers:
            for sid in w.eligible_shift_ids:
                self.takers[sid].append(w.id)
        self.size, self.span = min(len(self.workers), 4), min(self.days, 14)
        self.few_days = dict.fromkeys(("days", "short"), min(self.days, 2))
        self.rate = dict.fromkeys(NEIGHBOURHOODS, 1.0)

    def pick(self) -> str:
        total = sum(self.rate.values()) or 1.0
        shares = [max(MIN_SHARE, self.rate[k] / total) for k in NEIGHBOURHOODS]
        return self.rng.choices(NEIGHBOURHOODS, shares)[0]

    def choose(self, kind: str, roster: Roster) -> tuple[set[str], range] | None:
        """The members and days of a ``kind`` move, or None when there is nothing for it to do."""
        rng = self.rng
        if kind == "members":
            first = rng.randrange(0, self.days - self.span + 1)
            return set(rng.sample(self.workers, self.size)), range(first, first + self.span)
        span = self.few_days[kind]
        room = max(2, DECISIONS_PER_MOVE // (self.shifts_a_day * span))
        if kind == "days":
            first = rng.randrange(0, self.days - span + 1)
            return set(rng.sample(self.workers, min(len(self.workers), room))), range(first, first + span)
        held: dict[str, int] = defaultdict(int)
        for sid, _ in roster:
            held[sid] += 1
        short = [s for s in self.problem.shifts if held[s.id] < s.demand and self.takers[s.id]]
        if not short:
            self.rate[kind] = 0.0
            return None
        costs = [(s.priority if s.under_weight is None else s.under_weight) * (s.demand - held[s.id]) for s in short]
        target = rng.choices(short, costs)[0] if sum(costs) else rng.choice(short)
        first = max(0, min(self.days - span, target.day - rng.randrange(span)))
        takers = self.takers[target.id]
        return set(rng.sample(takers, min(len(takers), room))), range(first, first + span)

    def record(self, kind: str, gain: int, seconds: float, *, proven: bool) -> None:
        """Learn from a move: its gain a second, and whether its neighbourhood can grow."""
        self.rate[kind] = 0.9 * self.rate[kind] + 0.1 * gain / max(seconds, 1e-3) + 1e-3
        # Grow a neighbourhood while its moves are solved to optimality; shrink it when they time out.
        if kind == "members":
            if proven:
                if self.size < min(len(self.workers), 24):
                    self.size += 1
                elif self.span < self.days:
                    self.span = min(self.days, self.span + 7)
            elif self.size > 2:
                self.size -= 1
        elif proven:
            self.few_days[kind] = min(self.days, self.few_days[kind] + 1)
        elif self.few_days[kind] > 1:
            self.few_days[kind] -= 1
