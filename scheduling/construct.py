"""A first roster built one member at a time, for rosters too large for CP-SAT to find one as a whole.

On the published benchmark's long horizons (26 and 52 weeks) CP-SAT finds no roster of the whole model
in ten minutes, although one always exists: every member's own rules (total minutes in a narrow band,
runs of working days and days off, weekends) bind that member alone, and cover is soft. So the roster
is built member by member: each member's whole horizon is a sub-problem of the same engine
(:func:`scheduling.refill.sub_problem`) whose cover is what the members before them left open, solved
by CP-SAT for the full objective. The most constrained members (fewest eligible shifts) go first.

A member's own rules are hard to satisfy by branching alone: with one worker CP-SAT finds no roster for
a single 26-week member in 10 s; its feasibility-jump worker, which runs beside the search once there
are two workers, finds one in a tenth of a second. Hence at least two workers for every member.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from ortools.sat.python import cp_model

from scheduling.cpsat import light_presolve
from scheduling.objective import Weights
from scheduling.problem import RosterProblem
from scheduling.refill import Roster, chosen, engine_model, sub_problem

MIN_SECONDS_PER_MEMBER = 0.1
"""A member's share of the time never falls below this: a member with no roster leaves the whole
roster without one, so the construction runs past its deadline rather than give up."""

RETRY_SECONDS = (1.0, 10.0, 10.0, 30.0)
"""The further attempts for a member whose share found no roster, each with another seed: 0.12 s a member
(Instance20 at 60 s) is sometimes too little for a 26-week member's first roster, and how long CP-SAT
takes for it depends on the seed (Instance22's member H: none in 10 s with seed 0; 9.5, 3.2 and 1.8 s with
seeds 1, 2 and 3). Instance22 at 600 s found no roster at 235 s once a member had failed all five; its
members N and AC, in a scratch run: a first roster in 0.5–6.0 s with three or four of seeds 0–3, none in
10 s with the others, so a member failing every attempt is bad luck that further seeds undo."""


def _attempts(share: float, give_up: float | None) -> Iterator[float]:
    """The time limits of a member's attempts: its share, ``RETRY_SECONDS``, then the last of them again
    while an attempt still ends before ``give_up`` (a ``time.perf_counter()`` value)."""
    yield share
    yield from RETRY_SECONDS
    while give_up is not None and time.perf_counter() + RETRY_SECONDS[-1] < give_up:
        yield RETRY_SECONDS[-1]


MIN_WORKERS = 2
"""CP-SAT's feasibility-jump worker only runs beside a search worker (see the module docstring)."""


def member_by_member(
    problem: RosterProblem,
    weights: Weights,
    *,
    deadline: float,
    num_workers: int = MIN_WORKERS,
    seed: int = 0,
    give_up: float | None = None,
) -> Roster | None:
    """A roster of ``problem`` within every hard rule, each member rostered in turn with what the others
    already hold fixed, sharing the time to ``deadline`` (a ``time.perf_counter()`` value) equally.

    Returns the (shift id, member id) pairs, or None when some member's rules admit no roster at all
    (or CP-SAT found none in its share, then in each of ``RETRY_SECONDS``, then in further attempts of
    the last of them, each with another seed, until ``give_up``)."""
    roster: Roster = set()
    horizon = range(problem.horizon.num_days)
    order = sorted(problem.workers, key=lambda w: (len(w.eligible_shift_ids), w.id))
    for done, worker in enumerate(order):
        if not worker.eligible_shift_ids:
            continue
        sub = sub_problem(problem, roster, {worker.id}, horizon)
        rm = engine_model(sub, weights)
        share = max(MIN_SECONDS_PER_MEMBER, (deadline - time.perf_counter()) / (len(order) - done))
        for attempt, limit_s in enumerate(_attempts(share, give_up)):
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = limit_s
            solver.parameters.num_workers = max(MIN_WORKERS, num_workers)
            solver.parameters.random_seed = seed + attempt
            # A retry is for a roster at all: it stops at the first one rather than spend its time improving it.
            solver.parameters.stop_after_first_solution = attempt > 0
            light_presolve(solver)
            status = solver.solve(rm.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                roster |= chosen(rm, solver)
                break
            if status == cp_model.INFEASIBLE:
                return None
        else:
            return None
    return roster
