"""The "staged" strategy: a co-op's week, filled first and then improved with that fill kept.

Stage 1 fills as many places as possible: on a large week by the local search (:mod:`scheduling.refill`), then
as a MIP over the pairs the fill's linear relaxation works (:mod:`scheduling.mip`), then by CP-SAT; its bound
comes from a thread beside the search (:class:`_Bounds`, :mod:`scheduling.bounds`). Stage 2 keeps that fill
and minimises continuity, fairness, preferences and travel. Nothing here belongs to the published benchmark's
path (:mod:`scheduling.strategies.phased`): an import-linter contract keeps it so.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping

from ortools.sat.python import cp_model

from scheduling import parameters as tuning
from scheduling.bounds import Cancel, fill_relaxation, flow_bound
from scheduling.candidates import Candidates, find_candidates
from scheduling.cpsat import (
    Progress,
    ProgressCallback,
    build,
    complete_hint,
    configure,
    hint_every_variable,
    hint_pairs,
    light_presolve_if_large,
    to_solution,
)
from scheduling.explain import brief_solution
from scheduling.mip import fill_over
from scheduling.objective import DEFAULT_WEIGHTS, Penalty, Weights, least_soft_cost
from scheduling.parameters import SolveParameters
from scheduling.problem import RosterProblem
from scheduling.refill import refill, unfilled_cost
from scheduling.solution import RosterSolution


def solve_staged(
    problem: RosterProblem,
    parameters: SolveParameters,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    progress: Progress | None = None,
    hint: Iterable[tuple[str, str]] | None = None,
) -> RosterSolution:
    """The "staged" strategy: the same objective as "portfolio", solved lexicographically.

    Filling dominates every other term by construction (``Weights.fill``), so the best roster is the
    best of those that fill the most. Stage 1 minimises the unfilled places alone: on a large week first
    by local search from the hint (:func:`scheduling.refill.refill`), then as a MIP over the pairs the
    linear relaxation works (:func:`_fill_by_mip`, where it is solved in time), then with CP-SAT on the model,
    where the continuity, fairness and preference variables drop out in presolve; its bound is the best
    of CP-SAT's, the linear relaxation's (:mod:`scheduling.bounds`) and the places nobody may take.
    Stage 2 keeps at least that fill as a constraint and minimises the other terms from the stage-1
    roster. A week too large to model in the time keeps its refilled roster, briefly explained and
    uncosted. Each stage's figures are in ``RosterSolution.stages``; the combined bound is sound: when
    stage 1 is proven, it is the fill optimum plus stage 2's bound, otherwise the fill bound plus the
    least the other terms could ever cost.
    """
    started = time.perf_counter()
    pairs = sum(len(w.eligible_shift_ids) for w in problem.workers)
    # The explanations come after the search, inside the same time limit.
    explaining = min(tuning.EXPLAIN_MAX_FRACTION * parameters.time_limit_s, pairs / tuning.EXPLAIN_PAIRS_PER_SECOND)
    searching = parameters.time_limit_s - (explaining if parameters.explain else 0.0)
    deadline = started + searching
    fill_deadline = started + parameters.fill_fraction * searching

    def left() -> float:
        return deadline - time.perf_counter()

    roster = None if hint is None else set(hint)
    refill_s = mip_s = 0.0
    refilling = parameters.refill_fraction > 0 and pairs > tuning.REFILL_ABOVE_PAIRS
    # The fill's bounds need no model: they are taken on a thread while the search runs (see _Bounds).
    candidates = find_candidates(problem)
    bounds = _Bounds(problem, candidates, tuning.LP_BOUND_FRACTION * searching)
    # Without the relaxation's solution in time there is no MIP, and the local search has its time too.
    relaxed_in_time = (
        bounds.pairs / tuning.LP_PAIRS_PER_SECOND
        <= (parameters.refill_fraction + parameters.mip_fraction / 2) * searching
    )
    mip_fraction = parameters.mip_fraction if refilling and bounds.relaxing and relaxed_in_time else 0.0
    refill_fraction = parameters.refill_fraction + parameters.mip_fraction - mip_fraction
    # Building the model alone would take most of the time the local search leaves: the search gets it all.
    modelled = (
        pairs / tuning.MODEL_PAIRS_PER_SECOND <= tuning.MODEL_SHARE * (1 - refill_fraction - mip_fraction) * searching
    )
    # A week too large to model: the local search before and after the MIP, or all along without one (a
    # second start loses the first's widened neighbourhoods: x2 teachers 175 places against 146).
    share = (
        refill_fraction if modelled else (tuning.UNMODELLED_SEARCH_FRACTION - mip_fraction) / (2 if mip_fraction else 1)
    )
    mip_share = share + mip_fraction
    if mip_fraction:  # the MIP needs the relaxation: it may take until half the MIP's share has gone
        bounds.lp_time_limit_s = max(tuning.LP_BOUND_FRACTION, share + mip_fraction / 2) * searching
    bounds.start()
    if refilling:
        # A large week: fill locally first (scheduling.refill), before CP-SAT even has the model built.
        searched_from, shared = time.perf_counter(), started + share * searching
        # A week too large to model searches locally while the MIP waits for the relaxation too; on a
        # modelled week that took a core from the relaxation (care workers at x1: 446 against 432-433).
        waits = mip_fraction and not modelled
        roster = refill(
            problem,
            roster or set(),
            deadline=max(shared, started + mip_share * searching - tuning.MIP_MIN_S - 1.0) if waits else shared,
            seed=parameters.random_seed,
            candidates=candidates,
            stop=(lambda: time.perf_counter() >= shared and not bounds.is_alive()) if waits else None,
        )
        refill_s = time.perf_counter() - searched_from
        if mip_fraction:
            roster, mip_s = _fill_by_mip(problem, roster, bounds, started + mip_share * searching)
        if waits and left() > tuning.MIP_MIN_S:  # again from the MIP's roster, or its own
            searched_from = time.perf_counter()
            roster = refill(
                problem,
                roster,
                deadline=started + tuning.UNMODELLED_SEARCH_FRACTION * searching,
                seed=parameters.random_seed + 1,
                candidates=candidates,
            )
            refill_s += time.perf_counter() - searched_from
    if roster is not None and not modelled:
        return _unmodelled(
            problem, roster, parameters, started, (refill_s, mip_s), bounds.best_cost(deadline - time.perf_counter())
        )
    built = build(problem, weights, redundant=False)
    model = built.rm.model
    fill_expr, unit, others = _split_fill(built.penalties)
    nobody = sum(p.weight // unit * p.expr for p in built.penalties if p.term == "fill" and isinstance(p.expr, int))
    others_expr = cp_model.LinearExpr.weighted_sum([p.expr for p in others], [p.weight for p in others])
    least_others = least_soft_cost(built.rm, others)
    model.clear_objective()
    model.minimize(fill_expr)
    given = None
    if roster is not None:
        hint_pairs(built.rm, roster)
        given = complete_hint(built.rm, parameters, max(1.0, 0.25 * (fill_deadline - time.perf_counter())))
        if given is not None and progress:
            progress(unit * given.objective_value + least_others, unit * nobody + least_others, given.wall_time)
    solver = cp_model.CpSolver()
    configure(solver, parameters, fill_deadline - time.perf_counter())
    light_presolve_if_large(solver, model)
    if progress:
        callback = ProgressCallback(
            lambda o, b, t: progress(unit * o + least_others, unit * b + least_others, t),
            time.perf_counter() - started,
        )
    # A roster already at the fill's bound (the MIP's often is) needs no fill search.
    floor = bounds.known_cost() if all(s.under_weight is None for s in problem.shifts) else None
    at_floor = given is not None and floor is not None and unfilled_cost(problem, roster) <= floor
    status = (
        solver.solve(model, callback if progress else None)
        if fill_deadline - time.perf_counter() > 0.1 and not at_floor
        else cp_model.UNKNOWN
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if given is None and roster is not None:  # the model came too late to take even the roster back
            return _unmodelled(problem, roster, parameters, started, (refill_s, mip_s), bounds.best_cost(left()))
        if given is None:
            bounds.stop()
            return RosterSolution(status=solver.status_name(status), wall_time_s=time.perf_counter() - started)
        solver, status = given, cp_model.FEASIBLE  # CP-SAT had no time to better it: the given roster stands
    # The given roster's own solve fixed every decision, so its bound says nothing of other rosters.
    searched_bound = solver.best_objective_bound if solver is not given else nobody
    # Shifts nobody may take are a floor no roster goes below, whatever bound the search reached in the time;
    # on a large week the relaxation of the main rules (scheduling.bounds) is usually the best bound there is.
    fill_best, fill_bound = round(solver.objective_value), max(searched_bound, nobody)
    place_cost = {p.shift_id: p.weight // unit for p in built.penalties if p.term == "fill"}
    if fill_bound < fill_best and all(bounds.place_cost.get(sid) == cost for sid, cost in place_cost.items()):
        fill_bound = max(fill_bound, bounds.best(min(left() / 2, bounds.lp_time_limit_s)) or 0)
    elif fill_bound < fill_best:  # set cover weights (a benchmark's), not priorities: bound in the model's units
        bounds.stop()  # the thread's relaxation counts priorities: it would only take a core from this one
        fill_bound = max(fill_bound, flow_bound(problem, candidates, place_cost))
        if len(built.rm.x) <= tuning.LP_BOUND_MAX_PAIRS and left() > 1.0:
            relaxed = fill_relaxation(
                problem, candidates, place_cost, time_limit_s=min(left() / 2, bounds.lp_time_limit_s)
            )
            if relaxed is not None:
                fill_bound = max(fill_bound, math.ceil(relaxed.bound - 1e-6))
    fill_proven = fill_bound >= fill_best
    bounds.stop()  # proven by CP-SAT, or bounded already: the relaxation on the thread is not wanted
    stages = {
        "fill": {
            "status": "OPTIMAL" if fill_proven else "FEASIBLE",
            "unfilled_cost": fill_best,
            "bound": fill_bound,
            "gap": 0.0 if fill_proven else (fill_best - fill_bound) / max(1.0, abs(fill_best)),
            "seconds": round(solver.wall_time, 2),
            "refill_s": round(refill_s, 2),
            "mip_s": round(mip_s, 2),
        }
    }

    # Stage 2: keep the fill, improve the rest, from the stage-1 roster.
    model.add(fill_expr <= fill_best)
    model.clear_objective()
    model.minimize(others_expr)
    hint_every_variable(model, solver.response_proto.solution)
    first = solver
    solver = cp_model.CpSolver()
    configure(solver, parameters, left())
    light_presolve_if_large(solver, model)

    def combined_bound(others_bound: float) -> float:
        # A roster leaving no more unfilled than stage 1's (the rosters stage 2 searches) costs at least the
        # fill's bound plus stage 2's; one leaving more unfilled costs at least a unit more than stage 1's
        # fill plus the least the other terms can cost. Sound whether or not stage 1 is proven.
        kept = unit * (fill_best if fill_proven else fill_bound) + max(others_bound, least_others)
        return min(kept, unit * (fill_best + 1) + least_others)

    if progress:
        callback = ProgressCallback(
            lambda o, b, t: progress(unit * fill_best + o, combined_bound(b), t), time.perf_counter() - started
        )
    status2 = solver.solve(model, callback if progress else None) if left() > 0.1 else cp_model.UNKNOWN
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        others_best, others_bound = round(solver.objective_value), solver.best_objective_bound
    else:  # no time left, or not even the hint was taken back: the stage-1 roster stands
        solver = first
        others_best = sum(p.weight * (p.expr if isinstance(p.expr, int) else solver.value(p.expr)) for p in others)
        others_bound = least_others
    others_bound = max(others_bound, least_others)
    stages["quality"] = {
        "status": "NOT_RUN" if status2 == cp_model.UNKNOWN else solver.status_name(status2),
        "objective": others_best,
        "bound": others_bound,
        "gap": (others_best - others_bound) / max(1.0, abs(others_best)),
        "seconds": round(solver.wall_time, 2) if solver is not first else 0.0,
    }
    objective = unit * fill_best + others_best
    bound = combined_bound(others_bound)
    optimal = fill_proven and status2 == cp_model.OPTIMAL
    solution = to_solution(
        built,
        solver,
        status="OPTIMAL" if optimal else "FEASIBLE",
        objective=objective,
        bound=min(bound, objective),
        wall=time.perf_counter() - started,
        parameters=parameters,
    )
    return dataclasses.replace(solution, stages=stages)


def _unmodelled(
    problem: RosterProblem,
    roster: set[tuple[str, str]],
    parameters: SolveParameters,
    started: float,
    searched_s: tuple[float, float],
    bound: int | None = None,
) -> RosterSolution:
    """The refilled roster of a week too large to model in the time, explained briefly and without a cost;
    ``searched_s`` the seconds of the local search and the MIP; ``bound`` is the best of the fill's bounds
    taken beside the search (:class:`_Bounds`), in priorities."""
    cost = unfilled_cost(problem, roster)
    if bound is None:  # the flow relaxation counts the shifts nobody may take too
        bound = flow_bound(problem, find_candidates(problem), {s.id: s.priority for s in problem.shifts})
    solution = brief_solution(problem, sorted(roster), status="FEASIBLE", wall_time_s=time.perf_counter() - started)
    stages = {
        "fill": {
            "status": "OPTIMAL" if bound >= cost else "FEASIBLE",
            "unfilled_cost": cost,
            "bound": bound,
            "gap": 0.0 if bound >= cost else (cost - bound) / max(1.0, cost),
            "seconds": 0.0,
            "refill_s": round(searched_s[0], 2),
            "mip_s": round(searched_s[1], 2),
        },
        "quality": {"status": "NOT_RUN", "note": "too large to model in the time"},
    }
    return dataclasses.replace(solution, stages=stages)


def _split_fill(penalties: list[Penalty]) -> tuple[cp_model.LinearExpr, int, list[Penalty]]:
    """The fill terms (shifts nobody can take included, as constants) as one expression in units of their
    common weight, that unit, and the other terms."""
    fill = [p for p in penalties if p.term == "fill"]
    unit = math.gcd(*(p.weight for p in fill)) if fill else 1
    expr = sum(p.weight // unit * p.expr for p in fill if isinstance(p.expr, int)) + cp_model.LinearExpr.weighted_sum(
        [p.expr for p in fill if not isinstance(p.expr, int)],
        [p.weight // unit for p in fill if not isinstance(p.expr, int)],
    )
    return expr, unit, [p for p in penalties if p.term != "fill"]


class _Bounds(threading.Thread):
    """The fill's two bounds that need no model (:mod:`scheduling.bounds`), taken on a thread beside the
    search: first the flow (well under a second), then, on weeks of up to ``LP_BOUND_MAX_PAIRS`` candidate
    pairs, the linear relaxation within ``lp_time_limit_s``. The local search's CP-SAT moves use one core
    and GLOP lets go of the interpreter while it solves, so the relaxation no longer takes the time of the
    stages after the fill. Both count each missing place at its priority over the priorities' common
    divisor, the model's fill unit when no shift sets its own cover weight. Once the run has its answer,
    the relaxation is stopped, so that it takes no core from the stages after it or from the next run."""

    def __init__(self, problem: RosterProblem, candidates: Candidates, lp_time_limit_s: float) -> None:
        super().__init__(name="fill-bounds", daemon=True)
        self.problem, self.candidates, self.lp_time_limit_s = problem, candidates, lp_time_limit_s
        self.unit = math.gcd(*(s.priority for s in problem.shifts)) or 1
        self.place_cost = {s.id: s.priority // self.unit for s in problem.shifts}
        self.flow: int | None = None
        self.relaxed: int | None = None
        self.shares: Mapping[tuple[str, str], float] | None = None
        self.pairs = sum(len(shifts) for shifts in candidates.shifts_of.values())
        self.relaxing = self.pairs <= tuning.LP_BOUND_MAX_PAIRS
        """Whether the week is small enough for the linear relaxation."""
        self.stop = Cancel()

    def run(self) -> None:
        self.flow = flow_bound(self.problem, self.candidates, self.place_cost)
        if self.relaxing:
            relaxed = fill_relaxation(
                self.problem, self.candidates, self.place_cost, time_limit_s=self.lp_time_limit_s, cancel=self.stop
            )
            if relaxed is not None:
                self.relaxed, self.shares = math.ceil(relaxed.bound - 1e-6), relaxed.shares

    def relaxation(self, wait_s: float) -> Mapping[tuple[str, str], float] | None:
        """The relaxation's solution (the pairs it works and how much), waiting up to ``wait_s`` seconds
        for it; None if it has not finished by then (it goes on) or was never taken."""
        self.join(max(0.0, wait_s))
        return self.shares

    def best(self, wait_s: float) -> int | None:
        """The best bound finished after waiting up to ``wait_s`` seconds for the thread, or None; what
        has not finished by then is stopped."""
        self.join(max(0.0, wait_s))
        self.stop()
        return self._finished()

    def _finished(self) -> int | None:
        finished = [b for b in (self.flow, self.relaxed) if b is not None]
        return max(finished) if finished else None

    def known_cost(self) -> int | None:
        """The best bound finished so far, in priorities, without waiting; None if none has."""
        finished = self._finished()
        return None if finished is None else finished * self.unit

    def best_cost(self, wait_s: float) -> int | None:
        """:meth:`best` in priorities, as :func:`scheduling.refill.unfilled_cost` counts a roster."""
        best = self.best(wait_s)
        return None if best is None else best * self.unit


def _fill_by_mip(
    problem: RosterProblem, roster: set[tuple[str, str]], bounds: _Bounds, deadline: float
) -> tuple[set[tuple[str, str]], float]:
    """The local search's roster, or SCIP's fuller one over the pairs the linear relaxation works and the
    roster's own (:func:`scheduling.mip.fill_over`) once the relaxation has finished, with the seconds it
    took. The relaxation is nearly integral on a co-op's week, so those few pairs hold a roster that fills
    about as much as any can, which SCIP finds in seconds and CP-SAT's moves do not."""
    began = time.perf_counter()
    shares = bounds.relaxation(deadline - began - tuning.MIP_MIN_S)
    if shares is None or deadline - time.perf_counter() < tuning.MIP_MIN_S:
        return roster, time.perf_counter() - began
    found = fill_over(problem, shares, roster, time_limit_s=deadline - time.perf_counter())
    floor = bounds.known_cost()
    if found is not None and found.proven and floor is not None and unfilled_cost(problem, found.roster) > floor:
        # Optimal over those pairs but above the bound: once more with every member who may take an empty
        # place (x1 nurses: 164 -> 162, bound 161, in 4 s; where it takes longer than the time left, the
        # first roster stands).
        held: dict[str, int] = defaultdict(int)
        for sid, _ in found.roster:
            held[sid] += 1
        wider = {
            (s.id, wid)
            for s in problem.shifts
            if held[s.id] < s.demand
            for wid in bounds.candidates.workers_of.get(s.id, ())
        }
        if deadline - time.perf_counter() >= tuning.MIP_MIN_S:
            again = fill_over(problem, {*shares, *wider}, found.roster, time_limit_s=deadline - time.perf_counter())
            found = again or found
    return (roster if found is None else found.roster), time.perf_counter() - began
