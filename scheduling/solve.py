"""Build the CP-SAT model from a :class:`RosterProblem`, solve it and return a :class:`RosterSolution`.

Determinism: with ``num_workers=1`` CP-SAT is deterministic for a given seed and model. With several
workers and a wall-clock limit it is not (the workers race). For a reproducible multi-worker run set
``deterministic_time_limit``: the engine then sets ``max_deterministic_time`` and ``interleave_search``
(workers take turns in fixed-size batches), which makes the run depend only on the seed and the model,
at some cost in speed. The wall-clock ``time_limit_s`` still applies as a safety net. The "phased"
strategy runs many short time-limited solves, so it is reproducible only with ``num_workers=1`` and an
unloaded machine; use the portfolio strategy when a roster must be reproducible.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling.aggregate import merge_hint, merge_identical, split_solution
from scheduling.bounds import Cancel, fill_relaxation, flow_bound
from scheduling.candidates import Candidates, find_candidates
from scheduling.columns import ColumnBound, column_bound, margins
from scheduling.constraints import HARD, REDUNDANT
from scheduling.construct import light_presolve, member_by_member
from scheduling.explain import brief_solution, explain
from scheduling.mip import fill_over
from scheduling.model import RosterModel
from scheduling.objective import (
    DEFAULT_WEIGHTS,
    Penalty,
    Weights,
    build_objective,
    exact_cover_cost,
    least_soft_cost,
)
from scheduling.problem import RosterProblem
from scheduling.refill import improve, refill, unfilled_cost
from scheduling.search import Incumbent, hint_every_variable, incumbent_from, large_neighbourhood_search
from scheduling.solution import RosterSolution

Progress = Callable[[float, float, float], None]
"""Called on each improving roster with (objective, best bound, elapsed seconds)."""


@dataclass(frozen=True)
class SolveParameters:
    """How to solve.

    Attributes:
        time_limit_s: wall-clock limit in seconds.
        random_seed: CP-SAT's seed.
        num_workers: parallel search workers; None means every core (``os.cpu_count()``).
        deterministic_time_limit: if set, a deterministic-time limit and interleaved search, so that
            multi-worker runs are reproducible (see the module docstring). Portfolio strategy only.
        log_search: let CP-SAT log its progress (to stdout, for the benchmark CLI).
        explain: compute the reasons of every assignment and unfilled shift (costly on very large
            problems; the benchmark switches it off).
        strategy: "portfolio" (one CP-SAT solve of the full model: right for small rosters and tests),
            "phased" (for hard benchmark rosters): CP-SAT with its LP-heavy worker on the lean model
            (``first_fraction`` of the time on models of up to ``TIGHT_MODEL_MAX_DECISIONS``, all of
            it above; CP-SAT's default worker above ``LP_HEAVY_MAX_DECISIONS``), optionally our own
            large-neighbourhood search (``lns_fraction``), then on small models CP-SAT's LP-heavy
            worker on the model with the redundant rules (``REDUNDANT``) from the best roster, to
            raise the bound and perhaps prove optimality; or "staged" (a co-op's week):
            fill as many places as possible first (``fill_fraction`` of the time, less when proven),
            then everything else with that fill kept (see :func:`solve_staged`).
        fill_fraction: the share of the time the "staged" strategy gives to filling (the rest is stage 2).
        refill_fraction: the share of the time spent first on :func:`scheduling.refill.refill`, the
            local fill search, on rosters of more than ``REFILL_ABOVE_PAIRS`` eligible pairs. The local
            search fills more a second than CP-SAT on a co-op's week: on the regional week at x1 (60 s,
            single runs, bench/RESULTS.md) 0.7 and 0.5 left 666 and 674 places unfilled against 688 at
            0.6 and 0.3, every profession still modelled and its quality stage run. With the MIP after it
            (``mip_fraction``) it gets 0.1: the MIP fills more than the local search a second, and must
            wait for the relaxation anyway (x1: 774 places unfilled with the local search alone at 0.5,
            703-718 at 0.3 / 0.3 and 0.2 / 0.4, 705 at 0.1 / 0.5, where the care workers' MIP finished).
        mip_fraction: after the local search, the most of the time (from the run's start, waiting for the
            relaxation included) for the fill as a MIP over the pairs the linear relaxation works and the
            roster's own (:mod:`scheduling.mip`). On a week whose relaxation is too large to solve in time
            (``LP_BOUND_MAX_PAIRS``, ``LP_PAIRS_PER_SECOND``) there is no MIP and its share goes to the local
            search.
        sub_search_fraction: on "phased" models too large for the tight model, the share of the time
            given, after CP-SAT's whole-model solve, to the neighbourhood search on sub-problems
            (:func:`scheduling.refill.improve`) from CP-SAT's best roster.
        stall_fraction: with the sub-problem search on, CP-SAT's whole-model solve also hands over once it
            has found no better roster for this share of the time limit (0: never early). Off: on
            Instances 15-18 (600 s, single runs) the rule at 0.1 gave 4893, 3645, 6276, 5382 against
            4903, 3842, 5870, 5186 without it, 19,801 in all against 20,196.
        column_fraction: on "phased" models of up to ``SUB_PROBLEM_SEARCH_ABOVE`` decisions, the most of the time
            given first to the bound from whole rosters as columns (:mod:`scheduling.columns`). The restricted
            master's solution then guides a dive (:func:`_dive`) to a first roster, which is optimal when it
            reaches the bound; on small models the prices then leave open only the pairs a roster near the
            bound may hold (``RESTRICT_SLACK``) for the first search, and fix what they can for the second; a
            roster that reaches the bound ends any search, proven. The generation stops when it converges, so
            the share is spent whole only where it does not (60 s, 2 cores: Instances 4-7 converge in 4-13 s,
            10 and 11 in 9 s, 8 and 16 in 22-27 s; 15, 17 and 18 not in 60 s).
        large_column_fraction: the same on models above ``SUB_PROBLEM_SEARCH_ABOVE``, where the dive runs only
            if the generation came near converging (:func:`near_converged`) and the first roster is built
            member by member otherwise: Instance12's generation takes 25-30 s (at half of 60 s it sometimes
            stopped short, at 4,037), and its dive then finds the optimum, 4,040, proven by the bound at 32 s.
    """

    time_limit_s: float = 30.0
    random_seed: int = 0
    num_workers: int | None = None
    deterministic_time_limit: float | None = None
    log_search: bool = False
    explain: bool = True
    strategy: str = "portfolio"
    first_fraction: float = 0.5
    lns_fraction: float = 0.0
    fill_fraction: float = 0.7
    refill_fraction: float = 0.1
    mip_fraction: float = 0.5
    sub_search_fraction: float = 0.0
    stall_fraction: float = 0.0
    column_fraction: float = 0.5
    large_column_fraction: float = 0.6


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Reports each improving roster to ``progress``; with ``floor`` (a bound proven outside CP-SAT), stops the
    search at a roster that reaches it, which is then optimal. The floor is not put in the model as a
    constraint: on Instances 4-7 that made CP-SAT's rosters far worse in 60 s (Instance7: 1,277 against 1,063)."""

    def __init__(self, progress: Progress | None, offset: float = 0.0, floor: int | None = None) -> None:
        super().__init__()
        self._progress = progress
        self._offset = offset
        self._floor = floor

    def on_solution_callback(self) -> None:
        if self._progress:
            bound = self.best_objective_bound if self._floor is None else max(self.best_objective_bound, self._floor)
            self._progress(self.objective_value, bound, self._offset + self.wall_time)
        if self._floor is not None and self.objective_value <= self._floor:
            self.stop_search()


class _StallWatch(_ProgressCallback):
    """Stops CP-SAT's search once it has found no better roster for ``window`` seconds, so that the time
    left goes to a search that still gains (the sub-problem search of the phased strategy). Reports
    progress like :class:`_ProgressCallback` when given ``progress``."""

    def __init__(self, solver: cp_model.CpSolver, window: float, progress: Progress | None, offset: float) -> None:
        super().__init__(progress or (lambda *_: None), offset)
        self._solver, self._window = solver, window
        self._last: float | None = None
        self._done = threading.Event()
        self.stalled = False

    def on_solution_callback(self) -> None:
        self._last = time.perf_counter()
        super().on_solution_callback()

    def solve(self, model: cp_model.CpModel) -> int:
        watcher = threading.Thread(target=self._watch, daemon=True)
        watcher.start()
        try:
            return self._solver.solve(model, self)
        finally:
            self._done.set()
            watcher.join()

    def _watch(self) -> None:
        while not self._done.wait(min(1.0, self._window / 4)):
            if self._last is not None and time.perf_counter() - self._last > self._window:
                self.stalled = True
                self._solver.stop_search()
                return


@dataclass
class BuiltModel:
    """A model ready to solve: the constraints, variables and objective penalties."""

    rm: RosterModel
    penalties: list[Penalty]
    weights: Weights


def build(problem: RosterProblem, weights: Weights = DEFAULT_WEIGHTS, *, redundant: bool = True) -> BuiltModel:
    """Build the CP-SAT model: variables for candidate pairs, every hard rule, the objective; with
    ``redundant``, also the rules restated for tighter bounds (``REDUNDANT``)."""
    rm = RosterModel.build(problem)
    for add_rule in HARD:
        add_rule(rm)
    if redundant:
        for add_rule in REDUNDANT:
            add_rule(rm)
    penalties = build_objective(rm, weights)
    return BuiltModel(rm=rm, penalties=penalties, weights=weights)


def configure(solver: cp_model.CpSolver, parameters: SolveParameters, time_limit_s: float | None = None) -> None:
    """Set CP-SAT parameters from ``parameters``."""
    p = solver.parameters
    p.max_time_in_seconds = parameters.time_limit_s if time_limit_s is None else max(0.05, time_limit_s)
    p.random_seed = parameters.random_seed
    p.num_workers = parameters.num_workers or os.cpu_count() or 1
    p.log_search_progress = parameters.log_search
    if parameters.deterministic_time_limit is not None:
        p.max_deterministic_time = parameters.deterministic_time_limit
        if p.num_workers > 1:
            p.interleave_search = True


def _hint_pairs(rm: RosterModel, hint: Iterable[tuple[str, str]]) -> None:
    chosen = set(hint)
    rm.model.clear_hints()
    for key, var in rm.x.items():
        rm.model.add_hint(var, (key[1], key[0]) in chosen)


def _hint_from(target: RosterModel, source: RosterModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable of ``target`` that has a same-named variable in ``source``'s solution."""
    values = solver.response_proto.solution
    by_name = {v.name: values[i] for i, v in enumerate(source.model.proto.variables) if v.name}
    target.model.clear_hints()
    hint = target.model.proto.solution_hint
    for i, v in enumerate(target.model.proto.variables):
        if v.name in by_name:
            hint.vars.append(i)
            hint.values.append(by_name[v.name])


def _result(
    built: BuiltModel,
    solver: cp_model.CpSolver,
    *,
    status: str,
    objective: int,
    bound: float,
    wall: float,
    parameters: SolveParameters,
) -> RosterSolution:
    rm = built.rm
    chosen_pairs = [(sid, wid) for (wid, sid), var in rm.x.items() if solver.boolean_value(var)]
    head_count: dict[str, int] = {}
    for sid, _ in chosen_pairs:
        head_count[sid] = head_count.get(sid, 0) + 1
    cost_by_term: dict[str, int] = {}
    for p in built.penalties:
        value = p.expr if isinstance(p.expr, int) else solver.value(p.expr)
        if p.shift_id is not None:
            exact = exact_cover_cost(p, rm.shifts[p.shift_id].demand, head_count.get(p.shift_id, 0))
            value = value if exact is None else exact
        cost_by_term[p.term] = cost_by_term.get(p.term, 0) + p.weight * value
    # The roster's exact cost; it can only be below the solver's figure (slack in cover variables).
    objective = min(objective, sum(cost_by_term.values()))
    gap = 0.0 if status == "OPTIMAL" else (objective - bound) / max(1.0, abs(objective))
    return explain(
        rm,
        chosen_pairs,
        status=status,
        objective=objective,
        best_bound=bound,
        gap=gap,
        wall_time_s=wall,
        cost_by_term=cost_by_term,
        with_reasons=parameters.explain,
    )


def solve_built(
    built: BuiltModel,
    parameters: SolveParameters = SolveParameters(),
    *,
    progress: Progress | None = None,
    hint: Iterable[tuple[str, str]] | None = None,
) -> RosterSolution:
    """Solve an already built model in one CP-SAT run (the "portfolio" strategy, see :func:`solve`)."""
    rm = built.rm
    if hint is not None:
        _hint_pairs(rm, hint)
    solver = cp_model.CpSolver()
    configure(solver, parameters)
    started = time.perf_counter()
    callback = _ProgressCallback(progress) if progress else None
    status = solver.solve(rm.model, callback)
    wall = time.perf_counter() - started
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return RosterSolution(status=name, wall_time_s=wall)
    return _result(
        built,
        solver,
        status=name,
        objective=round(solver.objective_value),
        bound=solver.best_objective_bound,
        wall=wall,
        parameters=parameters,
    )


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
        _hint_pairs(lean.rm, hint)
    if len(lean.rm.x) > SUB_PROBLEM_SEARCH_ABOVE:
        return _phased_large(problem, lean, parameters, weights, progress, started)
    tighten = len(lean.rm.x) <= TIGHT_MODEL_MAX_DECISIONS
    sub_search = 0.0 if tighten else parameters.sub_search_fraction
    columns = _columns(problem, lean, parameters, weights, parameters.column_fraction, COLUMN_MAX_S)
    floor = None if columns is None or columns.bound is None else math.ceil(columns.bound - 1e-6)
    dived = _dive(problem, columns, parameters, weights, floor=floor, progress=progress, started=started)
    proven = _proven_dive(dived, floor, parameters, started)
    if proven is not None:
        return proven
    if dived is not None:
        _hint_from(lean.rm, dived[0].rm, dived[1])
    priced = None
    if floor is not None and tighten:
        priced = margins(
            columns,
            deadline=time.perf_counter() + MARGINS_FRACTION * parameters.time_limit_s,
            seed=parameters.random_seed,
            threads=parameters.num_workers or os.cpu_count() or 1,
        )
    # Every roster outside the pairs left open costs at least ``outside`` (None: nothing is fixed).
    open_pairs = None if priced is None else priced.fixed_below(floor + RESTRICT_SLACK)
    outside = None
    if open_pairs:
        outside = floor + RESTRICT_SLACK + 1
        # Restricted this far, the model with the run automaton is small enough for its LP to pay: it finds
        # the roster and proves it where the lean model did neither (``RESTRICT_SLACK``). ``lean`` names the
        # model searched from here on.
        lean = build(problem, weights, redundant=True)
        if dived is not None:
            _hint_from(lean.rm, dived[0].rm, dived[1])
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
    if len(lean.rm.x) <= LP_HEAVY_MAX_DECISIONS:
        solver.parameters.subsolvers.append("max_lp")
    if sub_search > 0 and parameters.stall_fraction > 0:
        watch = _StallWatch(
            solver, parameters.stall_fraction * parameters.time_limit_s, progress, time.perf_counter() - started
        )
        status = watch.solve(lean.rm.model)
    else:
        callback = _ProgressCallback(progress, time.perf_counter() - started, floor) if progress or floor else None
        status = solver.solve(lean.rm.model, callback)
    if status in (cp_model.UNKNOWN, cp_model.INFEASIBLE) and outside is not None and left() > 1.0:
        # No roster found near the bound: the whole model again. Only a proof that there is none there (not a
        # search that ran out of time) makes the reach the bound.
        floor = outside if status == cp_model.INFEASIBLE else floor
        outside, lean, status = None, build(problem, weights, redundant=False), cp_model.UNKNOWN
        if dived is not None:
            _hint_from(lean.rm, dived[0].rm, dived[1])
    if status == cp_model.UNKNOWN and left() > 1.0:
        # No roster yet (large problems): give CP-SAT's default portfolio, whose first-solution workers
        # don't wait on the LP, the time that is left.
        solver = cp_model.CpSolver()
        configure(solver, parameters, left())
        callback = _ProgressCallback(progress, time.perf_counter() - started) if progress else None
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
            _hint_from(tight.rm, lean.rm, best.solver)
            solver = cp_model.CpSolver()
            configure(solver, parameters, left())
            # One full worker with the LP at its strongest, now with the run rules' automaton, for the
            # bound; CP-SAT gives the other workers to its own neighbourhood search from the hinted roster.
            solver.parameters.subsolvers.append("max_lp")
            callback = _ProgressCallback(progress, time.perf_counter() - started, floor) if progress or floor else None
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
    return _result(
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
    return min(0.3 * parameters.time_limit_s, max(2.0, len(rm.x) / FIX_PAIRS_PER_SECOND))


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
    _hint_pairs(rm, pairs)
    return _complete_hint(rm, parameters, max(deadline - time.perf_counter(), 10.0 * reserve))


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
    :class:`_ProgressCallback`).
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
    time_limit_s = min(DIVE_FRACTION * parameters.time_limit_s, started + parameters.time_limit_s - now)
    if found is None or found.bound is None or not found.worked or time_limit_s <= 0.5:
        return None
    dived = build(problem, weights, redundant=False)
    model = dived.rm.model
    model.clear_hints()
    for key, var in dived.rm.x.items():
        share = found.worked.get(key, 0.0)
        model.add_hint(var, share >= 0.5)
        if share >= DIVE_WHOLE:
            model.add(var == 1)
        elif share <= 1.0 - DIVE_WHOLE:
            model.add(var == 0)
    solver = cp_model.CpSolver()
    configure(solver, parameters, time_limit_s)
    solver.parameters.subsolvers.append("max_lp")
    callback = _ProgressCallback(progress, now - started, floor) if progress or floor is not None else None
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
    return _result(
        dived[0],
        dived[1],
        status="OPTIMAL",
        objective=round(dived[1].objective_value),
        bound=floor,
        wall=time.perf_counter() - started,
        parameters=parameters,
    )


DIVE_WHOLE = 0.99
"""A pair the columns' master works at least this much is fixed worked in the dive, at most 1 - this fixed
off. Instance10: 317 of 3,484 pairs fixed worked, 2,324 off, 843 left to CP-SAT."""

DIVE_FRACTION = 0.25
"""The most of the time for the dive (:func:`_dive`), after the columns."""

DIVE_MASTER_GAP = 0.05
"""On large models the dive runs only when the columns' bound is within this share of the restricted master's
value (:func:`near_converged`); otherwise the first roster is built member by member. Instance12 after 25 s:
4,023 against 4,041, and the dive found its optimum 4,040; Instance13 after 60 s: 220 against 5,649, and the
dive's 3,963 came after 60 s more."""


def near_converged(found: ColumnBound) -> bool:
    """Whether the column generation is close enough to the relaxation's value for a dive to be worth its time."""
    if found.bound is None or found.master_value is None:
        return False
    return found.master_value - found.bound <= DIVE_MASTER_GAP * max(1.0, abs(found.master_value))


COLUMN_MAX_S = 120.0
"""The most time the column generation gets on models of up to ``SUB_PROBLEM_SEARCH_ABOVE`` decisions, whatever
its share: Instances 1-12, 14 and 16 converge (or as good as) within 30 s on 2 cores, 17 within about 60 s."""

LARGE_COLUMN_MAX_S = 60.0
"""The same on larger models, where only Instance12 came near converging (in 25-38 s), and the generation's time
is taken from the neighbourhood search: Instance23's ten minutes ended at 64,289 with 120 s of columns, against
57,654 with 90 s before the dive (single runs)."""

LARGE_COLUMN_ROUNDS = 30
"""On models above ``SUB_PROBLEM_SEARCH_ABOVE`` the generation gives up once its rounds are too slow for this
many in its time (``rounds_needed`` of :func:`scheduling.columns.column_bound`). Instance12 converged in 41
rounds of 0.65 s; a round of Instances 13 and 19 takes 2-3 s, of 20 and 21 6-18 s, and 22-24 did not finish
their first in 30-60 s: their generation never converged, and its minute went from the neighbourhood search."""

MARGINS_FRACTION = 0.2
"""The most of the time, after the columns' share, for probing every pair at the columns' prices
(:func:`scheduling.columns.margins`): Instance5's 676 pairs take 5 s, Instance7's 1,248 take 10 s."""

RESTRICT_SLACK = 0
"""How far above the columns' bound (``floor``) the first search of a small model looks: only the pairs the prices
leave open to rosters costing at most ``floor`` + this are searched (:meth:`scheduling.columns.Margins.fixed_below`),
on the model with the run automaton. Every roster within that reach is in the search, so its optimum, when it is
proven, is optimal if it is within one of the reach, and otherwise proves no roster costs that little. At 0,
Instance7 (floor 1,055, 617 of its 1,248 pairs fixed) is proven optimal at 1,056 in 29-52 s (seven runs, seeds
0-3); at 2 (243 fixed) on the lean model it was found and proven in one run of five. Instance5: the search at its
floor, 1,141, ends in 2 s with 1,143 and no roster under 1,142; the second search's fixings prove 1,143 (16-33 s
in all)."""


TIGHT_MODEL_MAX_DECISIONS = 2_300
"""Up to this many decisions the phased strategy probes the columns' margins and ends on the model with the
redundant run automaton, whose LP proves small benchmark rosters optimal; on larger ones it slowed CP-SAT
more than its bound helped (measured before the margins restricted it), so CP-SAT keeps the lean model
there. At 2,000 Instances 8 (2,158 decisions) and 16 (2,250) took the lean model: 1,326 and 1,330 (2014
best 1,308) and 3,227 in ten minutes; at 2,300, 1,301-1,303 (three runs) and 3,225, proven optimal in 99 s."""

LP_HEAVY_MAX_DECISIONS = 10_000
"""Up to this many decisions the phased strategy's full CP-SAT worker is the LP-heavy one (``max_lp``); above
it, CP-SAT's default worker, whose rosters were better there (Instance12, 10,452 decisions: 6,762 against
6,842 in 60 s; Instance13, 39,936: 6,441 against 7,242 in 90 s; single runs, which vary a lot). Both have
since moved to the sub-problem path (``SUB_PROBLEM_SEARCH_ABOVE``)."""

SUB_PROBLEM_SEARCH_ABOVE = 8_000
"""Decisions above which the phased strategy builds its first roster member by member
(``scheduling.construct``) and searches on sub-problems (``scheduling.refill.improve``) instead of
solving the whole model: CP-SAT finds no roster of the 26- and 52-week benchmark instances in ten
minutes, and re-solving the whole model costs seconds a move there. Measured in 60 s, single runs: better
on Instance12 (10,452 decisions: 5,197 against 6,762), 13 (39,936: 5,776 against 6,441) and 19 (9,728:
6,587 against 7,645); worse on 15 (6,726: 7,642 against 7,242), 14, 16 and 18; mixed on 17."""


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
        problem, lean, parameters, weights, parameters.large_column_fraction, LARGE_COLUMN_MAX_S, LARGE_COLUMN_ROUNDS
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
    return _result(
        lean,
        final,
        status="OPTIMAL" if objective <= bound else "FEASIBLE",
        objective=objective,
        bound=bound,
        wall=time.perf_counter() - started,
        parameters=parameters,
    )


CONSTRUCT_FRACTION = (0.1, 0.5)
"""The least and the most of the time for the member-by-member first roster (``construct_fraction``)."""

SEARCH_DECISIONS_PER_SECOND = 4_000
"""How much of a model the neighbourhood search re-rosters a second: moves of about 2,500 decisions in half
a second or so (Instance24)."""


def construct_fraction(decisions: int, time_limit_s: float) -> float:
    """The share of the time for the first roster: 10%, unless the neighbourhood search could not go over
    the whole model once in the time, when the first roster needs to be good by itself.

    Instance20 (35,260 decisions): 2 s a member gave 18,784 after 100 s; 0.5 s a member gave 21,650 after
    28 s, and the search had that down to 14,863 by 58 s. Instance24 (1,039,432 decisions): the first
    roster of a member gains as much in its next 1.7 s (Instance24's member AE: 996,237 at its first
    roster, 989,836 after 2 s) as the search gains in 4 s."""
    least, most = CONSTRUCT_FRACTION
    return min(most, max(least, decisions / (SEARCH_DECISIONS_PER_SECOND * time_limit_s)))


FIX_PAIRS_PER_SECOND = 50_000
"""How fast CP-SAT takes a whole roster of a large model as fixed values (presolve included), to keep time
for it at the end of the search."""


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


MODEL_PAIRS_PER_SECOND = 15_000
"""How fast the model is built and its hint completed, in eligible pairs a second (a care workers' week of
122,000 pairs took about 6 s to build and 1 s to complete, 17,000 a second; larger weeks are slower a
pair); a week that would take more than ``MODEL_SHARE`` of the time the local search and the MIP leave is
not modelled, and their roster stands, without a quality stage."""

MODEL_SHARE = 0.6
"""At x1 the care workers' week (80,000 merged pairs, 5.3 s by the rate above) is still modelled in its 29 s,
with the quality stage run."""

UNMODELLED_SEARCH_FRACTION = 0.9
"""The share of the time the local search gets on a week too large to model; the rest explains it."""

REFILL_ABOVE_PAIRS = 2_000
"""Below this many eligible (member, shift) pairs CP-SAT fills the whole roster quickly on its own."""

LP_BOUND_MAX_PAIRS = 150_000
"""Above this many candidate pairs GLOP takes longer than a run can spare for the fill bound (a care
workers' week of 80,000 merged pairs takes it about 4.5 s); the flow bound stands alone there."""

LP_PAIRS_PER_SECOND = 12_000
"""GLOP's pace on the fill's relaxation, in candidate pairs a second (care workers at x1: 80,182 pairs in
6-7 s; nurses 22,773 in 1.5 s): a week whose relaxation would not be solved by the time half the MIP's share
has gone gets no MIP (at x2 the nurses' and teachers' did not, and the MIP's share was lost to waiting)."""

LP_BOUND_FRACTION = 0.2
"""The most of a staged run's search time the linear relaxation may take."""

EXPLAIN_PAIRS_PER_SECOND = 25_000
"""How fast a roster is explained (every unfilled shift's free members checked against their own shifts),
in eligible pairs a second: a care workers' week of 80,000 merged pairs took 3.3 s."""

EXPLAIN_MAX_FRACTION = 0.15
"""The most of a staged run's time held back for explaining the roster."""

LARGE_MODEL_VARIABLES = 20_000
"""Above this many variables CP-SAT's full presolve (probing, symmetry, several rounds) takes most of a
roster run's time before the search starts; the staged strategy then presolves lightly."""


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
        self.relaxing = self.pairs <= LP_BOUND_MAX_PAIRS
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


MIP_MIN_S = 1.0
"""Below this many seconds left, the MIP is not tried."""


def _fill_by_mip(
    problem: RosterProblem, roster: set[tuple[str, str]], bounds: _Bounds, deadline: float
) -> tuple[set[tuple[str, str]], float]:
    """The local search's roster, or SCIP's fuller one over the pairs the linear relaxation works and the
    roster's own (:func:`scheduling.mip.fill_over`) once the relaxation has finished, with the seconds it
    took. The relaxation is nearly integral on a co-op's week, so those few pairs hold a roster that fills
    about as much as any can, which SCIP finds in seconds and CP-SAT's moves do not."""
    began = time.perf_counter()
    shares = bounds.relaxation(deadline - began - MIP_MIN_S)
    if shares is None or deadline - time.perf_counter() < MIP_MIN_S:
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
        if deadline - time.perf_counter() >= MIP_MIN_S:
            again = fill_over(problem, {*shares, *wider}, found.roster, time_limit_s=deadline - time.perf_counter())
            found = again or found
    return (roster if found is None else found.roster), time.perf_counter() - began


def _light_presolve_if_large(solver: cp_model.CpSolver, model: cp_model.CpModel) -> None:
    if len(model.proto.variables) > LARGE_MODEL_VARIABLES:
        light_presolve(solver)


def _complete_hint(rm: RosterModel, parameters: SolveParameters, time_limit_s: float) -> cp_model.CpSolver | None:
    """Turn a hint of decisions into a hint of every variable (the day and night literals, the shortfalls,
    the continuity pairs follow from the decisions): CP-SAT takes a complete, feasible hint as its first
    solution at once, but only guides its search with a partial one. Returns the solver holding the
    hinted roster's every value, or None when the hint is infeasible or time ran out."""
    solver = cp_model.CpSolver()
    configure(solver, parameters, time_limit_s)
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.log_search_progress = False
    _light_presolve_if_large(solver, rm.model)
    status = solver.solve(rm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    hint_every_variable(rm.model, solver.response_proto.solution)
    return solver


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
    explaining = min(EXPLAIN_MAX_FRACTION * parameters.time_limit_s, pairs / EXPLAIN_PAIRS_PER_SECOND)
    searching = parameters.time_limit_s - (explaining if parameters.explain else 0.0)
    deadline = started + searching
    fill_deadline = started + parameters.fill_fraction * searching

    def left() -> float:
        return deadline - time.perf_counter()

    roster = None if hint is None else set(hint)
    refill_s = mip_s = 0.0
    refilling = parameters.refill_fraction > 0 and pairs > REFILL_ABOVE_PAIRS
    # The fill's bounds need no model: they are taken on a thread while the search runs (see _Bounds).
    candidates = find_candidates(problem)
    bounds = _Bounds(problem, candidates, LP_BOUND_FRACTION * searching)
    # Without the relaxation's solution in time there is no MIP, and the local search has its time too.
    relaxed_in_time = (
        bounds.pairs / LP_PAIRS_PER_SECOND <= (parameters.refill_fraction + parameters.mip_fraction / 2) * searching
    )
    mip_fraction = parameters.mip_fraction if refilling and bounds.relaxing and relaxed_in_time else 0.0
    refill_fraction = parameters.refill_fraction + parameters.mip_fraction - mip_fraction
    # Building the model alone would take most of the time the local search leaves: the search gets it all.
    modelled = pairs / MODEL_PAIRS_PER_SECOND <= MODEL_SHARE * (1 - refill_fraction - mip_fraction) * searching
    # A week too large to model: the local search before and after the MIP, or all along without one (a
    # second start loses the first's widened neighbourhoods: x2 teachers 175 places against 146).
    share = refill_fraction if modelled else (UNMODELLED_SEARCH_FRACTION - mip_fraction) / (2 if mip_fraction else 1)
    mip_share = share + mip_fraction
    if mip_fraction:  # the MIP needs the relaxation: it may take until half the MIP's share has gone
        bounds.lp_time_limit_s = max(LP_BOUND_FRACTION, share + mip_fraction / 2) * searching
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
            deadline=max(shared, started + mip_share * searching - MIP_MIN_S - 1.0) if waits else shared,
            seed=parameters.random_seed,
            candidates=candidates,
            stop=(lambda: time.perf_counter() >= shared and not bounds.is_alive()) if waits else None,
        )
        refill_s = time.perf_counter() - searched_from
        if mip_fraction:
            roster, mip_s = _fill_by_mip(problem, roster, bounds, started + mip_share * searching)
        if waits and left() > MIP_MIN_S:  # again from the MIP's roster, or its own
            searched_from = time.perf_counter()
            roster = refill(
                problem,
                roster,
                deadline=started + UNMODELLED_SEARCH_FRACTION * searching,
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
        _hint_pairs(built.rm, roster)
        given = _complete_hint(built.rm, parameters, max(1.0, 0.25 * (fill_deadline - time.perf_counter())))
        if given is not None and progress:
            progress(unit * given.objective_value + least_others, unit * nobody + least_others, given.wall_time)
    solver = cp_model.CpSolver()
    configure(solver, parameters, fill_deadline - time.perf_counter())
    _light_presolve_if_large(solver, model)
    if progress:
        callback = _ProgressCallback(
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
        if len(built.rm.x) <= LP_BOUND_MAX_PAIRS and left() > 1.0:
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
    _light_presolve_if_large(solver, model)

    def combined_bound(others_bound: float) -> float:
        # A roster leaving no more unfilled than stage 1's (the rosters stage 2 searches) costs at least the
        # fill's bound plus stage 2's; one leaving more unfilled costs at least a unit more than stage 1's
        # fill plus the least the other terms can cost. Sound whether or not stage 1 is proven.
        kept = unit * (fill_best if fill_proven else fill_bound) + max(others_bound, least_others)
        return min(kept, unit * (fill_best + 1) + least_others)

    if progress:
        callback = _ProgressCallback(
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
    solution = _result(
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


def solve(
    problem: RosterProblem,
    parameters: SolveParameters = SolveParameters(),
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    progress: Progress | None = None,
    hint: Iterable[tuple[str, str]] | None = None,
) -> RosterSolution:
    """Roster ``problem``: fill what can be filled under the hard rules, best by ``weights``.

    Args:
        problem: the plain-data problem (minutes from the horizon start).
        parameters: time limit, seed, workers, strategy.
        weights: the objective weights (``DEFAULT_WEIGHTS`` unless the co-op changed them).
        progress: called with (objective, bound, elapsed seconds) on each improving roster.
        hint: (shift_id, member_id) pairs of a previous roster to start from.

    Returns:
        A ``RosterSolution``; unfilled shifts and every assignment carry their reasons.
    """
    # Shifts no rule or term tells apart are solved as one shift with their number as its demand.
    merged = merge_identical(problem)
    if merged.merged_any:
        problem, hint = merged.problem, None if hint is None else merge_hint(merged, hint)
    if parameters.strategy == "phased":
        solution = solve_phased(problem, parameters, weights=weights, progress=progress, hint=hint)
    elif parameters.strategy == "staged":
        solution = solve_staged(problem, parameters, weights=weights, progress=progress, hint=hint)
    else:
        solution = solve_built(build(problem, weights), parameters, progress=progress, hint=hint)
    return split_solution(merged, solution)
