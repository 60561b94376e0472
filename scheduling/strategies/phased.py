"""The "phased" strategy: the published nurse-rostering benchmark's hard rosters (``bench/curtois``).

A bound from whole rosters as columns (:mod:`scheduling.columns`), a dive near the columns' relaxation, then on
small models CP-SAT on the model restricted by the columns' prices and the proof on the model with the redundant
rules; on mid-sized models CP-SAT from the dive's roster, optionally handed to the sub-problem search; on large
models (``SUB_PROBLEM_SEARCH_ABOVE``) a first roster member by member (:mod:`scheduling.construct`) and the
neighbourhood search on sub-problems (:func:`scheduling.refill.improve`). A co-op's roster run never comes here.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterable

from ortools.sat.python import cp_model

from scheduling import parameters as tuning
from scheduling.columns import ColumnBound, column_bound, margins
from scheduling.construct import member_by_member
from scheduling.cpsat import (
    BuiltModel,
    Progress,
    ProgressCallback,
    StallWatch,
    build,
    complete_hint,
    configure,
    hint_from,
    hint_pairs,
    to_solution,
)
from scheduling.model import RosterModel
from scheduling.objective import DEFAULT_WEIGHTS, Weights
from scheduling.parameters import SolveParameters
from scheduling.problem import RosterProblem
from scheduling.refill import improve
from scheduling.search import Incumbent, incumbent_from, large_neighbourhood_search
from scheduling.solution import RosterSolution


def solve_phased(
    problem: RosterProblem,
    parameters: SolveParameters,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    progress: Progress | None = None,
    hint: Iterable[tuple[str, str]] | None = None,
) -> RosterSolution:
    """The "phased" strategy: first roster, large-neighbourhood search, then bounding (see
    ``SolveParameters``). Budgets are fractions of ``time_limit_s``, counted from the call."""
    started = time.perf_counter()
    deadline = started + parameters.time_limit_s

    def left() -> float:
        return deadline - time.perf_counter()

    lean = build(problem, weights, redundant=False)
    if hint is not None:
        hint_pairs(lean.rm, hint)
    if len(lean.rm.x) > tuning.SUB_PROBLEM_SEARCH_ABOVE:
        return _phased_large(problem, lean, parameters, weights, progress, started)
    tighten = len(lean.rm.x) <= tuning.TIGHT_MODEL_MAX_DECISIONS
    sub_search = 0.0 if tighten else parameters.sub_search_fraction
    columns = _columns(problem, lean, parameters, weights, parameters.column_fraction, tuning.COLUMN_MAX_S)
    floor = None if columns is None or columns.bound is None else math.ceil(columns.bound - 1e-6)
    dived = _dive(problem, columns, parameters, weights, floor=floor, progress=progress, started=started)
    proven = _proven_dive(dived, floor, parameters, started)
    if proven is not None:
        return proven
    if dived is not None:
        hint_from(lean.rm, dived[0].rm, dived[1])
    priced = None
    if floor is not None and tighten:
        priced = margins(
            columns,
            deadline=time.perf_counter() + tuning.MARGINS_FRACTION * parameters.time_limit_s,
            seed=parameters.random_seed,
            threads=parameters.num_workers or os.cpu_count() or 1,
        )
    # Every roster outside the pairs left open costs at least ``outside`` (None: nothing is fixed).
    open_pairs = None if priced is None else priced.fixed_below(floor + tuning.RESTRICT_SLACK)
    outside = None
    if open_pairs:
        outside = floor + tuning.RESTRICT_SLACK + 1
        # Restricted this far, the model with the run automaton is small enough for its LP to pay: it finds
        # the roster and proves it where the lean model did neither (``RESTRICT_SLACK``). ``lean`` names the
        # model searched from here on.
        lean = build(problem, weights, redundant=True)
        if dived is not None:
            hint_from(lean.rm, dived[0].rm, dived[1])
        for (wid, sid), worked in open_pairs.items():
            lean.rm.model.add(lean.rm.x[wid, sid] == int(worked))
    solver = cp_model.CpSolver()
    configure(
        solver,
        parameters,
        parameters.first_fraction * left() if tighten else (1.0 - sub_search) * left(),
    )
    # The full worker runs the LP at its strongest (bounds, and proofs on small rosters); with two or
    # more workers CP-SAT gives the others to its first-solution and neighbourhood workers, which on
    # these rosters improve faster than our own neighbourhood search (``lns_fraction``, off by default).
    # On very large models that LP is too slow to pay: CP-SAT's default worker finds better rosters.
    if len(lean.rm.x) <= tuning.LP_HEAVY_MAX_DECISIONS:
        solver.parameters.subsolvers.append("max_lp")
    if sub_search > 0 and parameters.stall_fraction > 0:
        watch = StallWatch(
            solver, parameters.stall_fraction * parameters.time_limit_s, progress, time.perf_counter() - started
        )
        status = watch.solve(lean.rm.model)
    else:
        callback = ProgressCallback(progress, time.perf_counter() - started, floor) if progress or floor else None
        status = solver.solve(lean.rm.model, callback)
    if status in (cp_model.UNKNOWN, cp_model.INFEASIBLE) and outside is not None and left() > 1.0:
        # No roster found near the bound: the whole model again. Only a proof that there is none there (not a
        # search that ran out of time) makes the reach the bound.
        floor = outside if status == cp_model.INFEASIBLE else floor
        outside, lean, status = None, build(problem, weights, redundant=False), cp_model.UNKNOWN
        if dived is not None:
            hint_from(lean.rm, dived[0].rm, dived[1])
    if status == cp_model.UNKNOWN and left() > 1.0:
        # No roster yet (large problems): give CP-SAT's default portfolio, whose first-solution workers
        # don't wait on the LP, the time that is left.
        solver = cp_model.CpSolver()
        configure(solver, parameters, left())
        callback = ProgressCallback(progress, time.perf_counter() - started) if progress else None
        status = solver.solve(lean.rm.model, callback)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        searched = solver.best_objective_bound if outside is None else min(solver.best_objective_bound, outside)
        bound = searched if floor is None else max(searched, floor)
        best, best_built = incumbent_from(solver), lean
        if dived is not None and round(dived[1].objective_value) < best.objective:
            best, best_built = incumbent_from(dived[1]), dived[0]
    elif dived is not None and floor is not None:  # the dive's roster stands, with the columns' bound
        bound, (best_built, best) = floor, (dived[0], incumbent_from(dived[1]))
    else:
        # Near the bound only, none found is not "no roster at all".
        name = "UNKNOWN" if outside is not None else solver.status_name(status)
        return RosterSolution(status=name, wall_time_s=time.perf_counter() - started)
    if bound < best.objective:

        def report(incumbent: Incumbent) -> None:
            if progress:
                progress(incumbent.objective, bound, time.perf_counter() - started)

        if parameters.lns_fraction > 0:
            lns_end = time.perf_counter() + parameters.lns_fraction * parameters.time_limit_s
            best = large_neighbourhood_search(
                lean.rm,
                best,
                deadline=min(deadline, lns_end),
                seed=parameters.random_seed,
                num_workers=solver.parameters.num_workers,
                on_improve=report,
            )
        if sub_search > 0 and left() > 1.0:
            best = _search_sub_problems(problem, lean, best, parameters, weights, deadline) or best
        # Pairs the columns' prices rule out of every roster cheaper than the best (reduced-cost fixing).
        fixed = {} if priced is None else priced.fixed_below(best.objective - 1)
        if fixed is None:  # no roster is cheaper than the best: it is optimal
            bound = best.objective
        elif tighten and left() > 0.5:
            tight = build(problem, weights, redundant=True)
            for (wid, sid), worked in fixed.items():
                tight.rm.model.add(tight.rm.x[wid, sid] == int(worked))
            hint_from(tight.rm, lean.rm, best.solver)
            solver = cp_model.CpSolver()
            configure(solver, parameters, left())
            # One full worker with the LP at its strongest, now with the run rules' automaton, for the
            # bound; CP-SAT gives the other workers to its own neighbourhood search from the hinted roster.
            solver.parameters.subsolvers.append("max_lp")
            callback = ProgressCallback(progress, time.perf_counter() - started, floor) if progress or floor else None
            tight_status = solver.solve(tight.rm.model, callback)
            if tight_status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                # With pairs fixed, the solver's bound holds for the rosters left; the others cost the best's.
                bound = max(
                    bound, min(best.objective, solver.best_objective_bound) if fixed else solver.best_objective_bound
                )
                if round(solver.objective_value) <= best.objective:
                    best = incumbent_from(solver)
                    best_built = tight
            elif tight_status == cp_model.INFEASIBLE:
                if not fixed:  # can't happen: the rules are redundant
                    raise RuntimeError("redundant rules cut off a feasible roster")
                bound = best.objective  # no roster is left that could be cheaper than the best

    optimal = bound >= best.objective - 1e-6
    return to_solution(
        best_built,
        best.solver,
        status="OPTIMAL" if optimal else "FEASIBLE",
        objective=best.objective,
        bound=min(bound, best.objective),
        wall=time.perf_counter() - started,
        parameters=parameters,
    )


def _scoring_reserve(rm: RosterModel, parameters: SolveParameters) -> float:
    """The time kept at the end of a sub-problem search to take its roster back into the whole model: about
    what building the model took."""
    return min(0.3 * parameters.time_limit_s, max(2.0, len(rm.x) / tuning.FIX_PAIRS_PER_SECOND))


def _improve_and_score(
    problem: RosterProblem,
    rm: RosterModel,
    pairs: set[tuple[str, str]],
    parameters: SolveParameters,
    weights: Weights,
    deadline: float,
) -> cp_model.CpSolver | None:
    """The neighbourhood search on sub-problems from ``pairs`` until ``deadline`` less the scoring reserve,
    then its roster back into ``rm`` for its exact cost, taking as long as that needs (the roster is
    feasible, so only time can fail it, and the search's work is in it). None if even that ran out."""
    reserve = _scoring_reserve(rm, parameters)
    workers = parameters.num_workers or os.cpu_count() or 1
    pairs = improve(
        problem, pairs, weights, deadline=deadline - reserve, seed=parameters.random_seed, num_workers=workers
    )
    hint_pairs(rm, pairs)
    return complete_hint(rm, parameters, max(deadline - time.perf_counter(), 10.0 * reserve))


def _search_sub_problems(
    problem: RosterProblem,
    lean: BuiltModel,
    best: Incumbent,
    parameters: SolveParameters,
    weights: Weights,
    deadline: float,
) -> Incumbent | None:
    """From CP-SAT's best roster of the whole model, :func:`_improve_and_score`; None if no better."""
    pairs = {(sid, wid) for (wid, sid), var in lean.rm.x.items() if best.values[var.index]}
    final = _improve_and_score(problem, lean.rm, pairs, parameters, weights, deadline)
    if final is None or round(final.objective_value) >= best.objective:
        return None
    return incumbent_from(final)


def _columns(
    problem: RosterProblem,
    built: BuiltModel,
    parameters: SolveParameters,
    weights: Weights,
    share: float,
    most_s: float,
    rounds_needed: int | None = None,
) -> ColumnBound | None:
    """The column bound (:mod:`scheduling.columns`) within ``share`` of the time from now and at most ``most_s``
    seconds, or None when the share is 0. A roster that reaches it is optimal, and the search stops there (see
    :class:`ProgressCallback`).
    Instance4's columns prove its optimum (1,716) in 4 s, where CP-SAT's own bound took 47 s to reach it;
    Instances 5-7 come within one or two of theirs (1,141, 1,949, 1,055 against 1,143, 1,950, 1,056) in 6-10 s."""
    if share <= 0:
        return None
    return column_bound(
        problem,
        built.penalties,
        weights,
        deadline=time.perf_counter() + min(share * parameters.time_limit_s, most_s),
        seed=parameters.random_seed,
        threads=parameters.num_workers or os.cpu_count() or 1,
        rounds_needed=rounds_needed,
    )


def _dive(
    problem: RosterProblem,
    found: ColumnBound | None,
    parameters: SolveParameters,
    weights: Weights,
    *,
    floor: int | None,
    progress: Progress | None,
    started: float,
) -> tuple[BuiltModel, cp_model.CpSolver] | None:
    """A roster near the columns' relaxation ("price and dive"): every pair the restricted master's solution
    works wholly (``DIVE_WHOLE``) is fixed worked, every pair it does not work at all fixed off, and CP-SAT
    searches the rest, hinted with the master's solution rounded. The fixings only restrict: a roster found
    is a roster of the whole problem, and when it reaches the columns' bound (``floor``) it is optimal.

    It takes at most ``DIVE_FRACTION`` of the run's time, and no more than is left of the run that began at
    ``started``. None when the columns have no master solution, or CP-SAT finds no roster in that. Measured
    (2 cores, columns then dive): Instance10's optimum 4,631 at 9.7 s and Instance11's 3,443 at 9.0 s, each
    proven by the bound; Instance12's optimum 4,040 at 31 s (bound 4,024); Instance9's optimum 439 at 11 s."""
    now = time.perf_counter()
    time_limit_s = min(tuning.DIVE_FRACTION * parameters.time_limit_s, started + parameters.time_limit_s - now)
    if found is None or found.bound is None or not found.worked or time_limit_s <= 0.5:
        return None
    dived = build(problem, weights, redundant=False)
    model = dived.rm.model
    model.clear_hints()
    for key, var in dived.rm.x.items():
        share = found.worked.get(key, 0.0)
        model.add_hint(var, share >= 0.5)
        if share >= tuning.DIVE_WHOLE:
            model.add(var == 1)
        elif share <= 1.0 - tuning.DIVE_WHOLE:
            model.add(var == 0)
    solver = cp_model.CpSolver()
    configure(solver, parameters, time_limit_s)
    solver.parameters.subsolvers.append("max_lp")
    callback = ProgressCallback(progress, now - started, floor) if progress or floor is not None else None
    status = solver.solve(model, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return dived, solver


def _proven_dive(
    dived: tuple[BuiltModel, cp_model.CpSolver] | None, floor: int | None, parameters: SolveParameters, started: float
) -> RosterSolution | None:
    """The dive's roster as the run's answer, optimal, when it reaches the columns' bound; else None."""
    if dived is None or floor is None or round(dived[1].objective_value) > floor:
        return None
    return to_solution(
        dived[0],
        dived[1],
        status="OPTIMAL",
        objective=round(dived[1].objective_value),
        bound=floor,
        wall=time.perf_counter() - started,
        parameters=parameters,
    )


def near_converged(found: ColumnBound) -> bool:
    """Whether the column generation is close enough to the relaxation's value for a dive to be worth its time."""
    if found.bound is None or found.master_value is None:
        return False
    return found.master_value - found.bound <= tuning.DIVE_MASTER_GAP * max(1.0, abs(found.master_value))


def _phased_large(
    problem: RosterProblem,
    lean: BuiltModel,
    parameters: SolveParameters,
    weights: Weights,
    progress: Progress | None,
    started: float,
) -> RosterSolution:
    """The phased strategy on a large model: the column bound first (``large_column_fraction`` of the time),
    then a first roster from a dive near the columns' relaxation when the generation came near converging, or
    member by member, then neighbourhood search on sub-problems for the rest of the time, then the roster back
    into the model for its exact cost.

    No CP-SAT search of the whole model runs, so the bound is the column bound (:mod:`scheduling.columns`), or
    the trivial one, 0 (every term of the benchmark's objective is a non-negative penalty); ``progress`` hears of
    the dive's rosters and of the final one."""
    deadline = started + parameters.time_limit_s
    workers = parameters.num_workers or os.cpu_count() or 1
    # The bound first, so that the time a converged generation leaves goes to the search (Instance12's converged
    # in 38 s of its 90, and the 52 s left went unused when the bound came last).
    found = _columns(
        problem,
        lean,
        parameters,
        weights,
        parameters.large_column_fraction,
        tuning.LARGE_COLUMN_MAX_S,
        tuning.LARGE_COLUMN_ROUNDS,
    )
    floor = None if found is None or found.bound is None else math.ceil(found.bound - 1e-6)
    pairs = None
    if found is not None and near_converged(found):
        dived = _dive(problem, found, parameters, weights, floor=floor, progress=progress, started=started)
        proven = _proven_dive(dived, floor, parameters, started)
        if proven is not None:
            return proven
        if dived is not None:
            pairs = {(sid, wid) for (wid, sid), var in dived[0].rm.x.items() if dived[1].boolean_value(var)}
    if pairs is None:
        share = construct_fraction(len(lean.rm.x), parameters.time_limit_s) * parameters.time_limit_s
        pairs = member_by_member(
            problem,
            weights,
            deadline=time.perf_counter() + share,
            num_workers=workers,
            seed=parameters.random_seed,
            give_up=deadline - _scoring_reserve(lean.rm, parameters),
        )
    if pairs is None:  # some member's rules admit no roster, or CP-SAT found none in the time
        return RosterSolution(status="UNKNOWN", wall_time_s=time.perf_counter() - started)
    final = _improve_and_score(problem, lean.rm, pairs, parameters, weights, deadline)
    if final is None:
        raise RuntimeError(f"could not score a roster of {len(lean.rm.x)} decisions in the time")
    objective, bound = round(final.objective_value), 0.0
    if found is not None and found.bound is not None:
        bound = float(max(0, min(objective, math.ceil(found.bound - 1e-6))))
    if progress:
        progress(objective, bound, time.perf_counter() - started)
    return to_solution(
        lean,
        final,
        status="OPTIMAL" if objective <= bound else "FEASIBLE",
        objective=objective,
        bound=bound,
        wall=time.perf_counter() - started,
        parameters=parameters,
    )


def construct_fraction(decisions: int, time_limit_s: float) -> float:
    """The share of the time for the first roster: 10%, unless the neighbourhood search could not go over
    the whole model once in the time, when the first roster needs to be good by itself.

    Instance20 (35,260 decisions): 2 s a member gave 18,784 after 100 s; 0.5 s a member gave 21,650 after
    28 s, and the search had that down to 14,863 by 58 s. Instance24 (1,039,432 decisions): the first
    roster of a member gains as much in its next 1.7 s (Instance24's member AE: 996,237 at its first
    roster, 989,836 after 2 s) as the search gains in 4 s."""
    least, most = tuning.CONSTRUCT_FRACTION
    return min(most, max(least, decisions / (tuning.SEARCH_DECISIONS_PER_SECOND * time_limit_s)))
