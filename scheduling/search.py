"""Large-neighbourhood search around CP-SAT: free a few members (or a few days), fix the rest, re-solve.

CP-SAT has its own LNS workers, but with two cores they get half a thread between nine neighbourhood
kinds. Rostering has a natural neighbourhood CP-SAT doesn't know about: "re-roster these k members
and leave everyone else as they are" (which lets shifts move between those members) and "re-roster
every member over these few days". Each move is a small CP-SAT solve started from the incumbent, so
it never gets worse.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling.cpsat import hint_every_variable
from scheduling.model import RosterModel


@dataclass
class Incumbent:
    """The best roster so far: every model variable's value, its objective, and the solver holding it."""

    values: list[int]
    objective: int
    solver: cp_model.CpSolver


def incumbent_from(solver: cp_model.CpSolver) -> Incumbent:
    return Incumbent(list(solver.response_proto.solution), round(solver.objective_value), solver)


def large_neighbourhood_search(
    rm: RosterModel,
    incumbent: Incumbent,
    *,
    deadline: float,
    seed: int,
    num_workers: int = 1,
    on_improve: Callable[[Incumbent], None] | None = None,
) -> Incumbent:
    """Improve ``incumbent`` until ``deadline`` (a ``time.perf_counter()`` value)."""
    rng = random.Random(seed)
    proto = rm.model.proto
    index_of = {key: var.index for key, var in rm.x.items()}
    x_by_worker: dict[str, list[int]] = {w.id: [] for w in rm.problem.workers}
    x_by_day: dict[int, list[int]] = {}
    for (wid, sid), idx in index_of.items():
        x_by_worker[wid].append(idx)
        x_by_day.setdefault(rm.shifts[sid].day, []).append(idx)
    workers = [w for w, idxs in x_by_worker.items() if idxs]
    days = sorted(x_by_day)
    if not workers:
        return incumbent
    all_x = list(index_of.values())
    day_of = {index_of[key]: rm.shifts[key[1]].day for key in index_of}
    # Neighbourhood: `size` members over a window of `span` days; start with half the members over a
    # week, which CP-SAT re-solves to optimality in a fraction of a second on the benchmark instances.
    size = max(2, len(workers) // 2)
    span = min(7, len(days))
    iteration = 0
    while time.perf_counter() < deadline - 0.2:
        iteration += 1
        first = days[rng.randrange(0, len(days) - span + 1)]
        chosen = rng.sample(workers, size)
        free = {i for w in chosen for i in x_by_worker[w] if first <= day_of[i] < first + span}
        saved = {}
        for idx in all_x:
            if idx not in free:
                # Decision variables are Booleans: their domain is the pair [lo, hi].
                domain = proto.variables[idx].domain
                saved[idx] = (domain[0], domain[1])
                domain[0] = domain[1] = incumbent.values[idx]
        hint_every_variable(rm.model, incumbent.values)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = num_workers
        p.random_seed = rng.randrange(1 << 30)
        p.max_time_in_seconds = max(0.1, min(1.5, deadline - time.perf_counter()))
        status = solver.solve(rm.model)
        for idx, (lo, hi) in saved.items():
            domain = proto.variables[idx].domain
            domain[0], domain[1] = lo, hi
        improved = False
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective = round(solver.objective_value)
            if objective <= incumbent.objective:
                improved = objective < incumbent.objective
                incumbent = incumbent_from(solver)
                if improved and on_improve:
                    on_improve(incumbent)
        # Grow the neighbourhood when moves are solved to optimality without gain; when a move runs
        # out of time, trade members for a shorter window.
        if status == cp_model.OPTIMAL and not improved:
            if size < len(workers):
                size += 1
            else:
                span = min(len(days), span + 7)
        elif status != cp_model.OPTIMAL:
            if span > 7:
                span = max(7, span - 7)
                size = min(len(workers), size + 2)
            else:
                size = max(2, size - 1)
    hint_every_variable(rm.model, incumbent.values)
    return incumbent
