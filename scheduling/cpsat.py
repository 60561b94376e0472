"""The CP-SAT plumbing every strategy shares: build the model, set the solver's parameters, watch its progress,
hint it, and turn its answer into a :class:`RosterSolution`.

Determinism: with ``num_workers=1`` CP-SAT is deterministic for a given seed and model. With several
workers and a wall-clock limit it is not (the workers race). For a reproducible multi-worker run set
``deterministic_time_limit``: the engine then sets ``max_deterministic_time`` and ``interleave_search``
(workers take turns in fixed-size batches), which makes the run depend only on the seed and the model,
at some cost in speed. The wall-clock ``time_limit_s`` still applies as a safety net. The "phased"
strategy runs many short time-limited solves, so it is reproducible only with ``num_workers=1`` and an
unloaded machine; use the portfolio strategy when a roster must be reproducible.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling import parameters as tuning
from scheduling.constraints import HARD, REDUNDANT
from scheduling.explain import explain
from scheduling.model import RosterModel
from scheduling.objective import DEFAULT_WEIGHTS, Penalty, Weights, build_objective, exact_cover_cost
from scheduling.parameters import SolveParameters
from scheduling.problem import RosterProblem
from scheduling.solution import RosterSolution

Progress = Callable[[float, float, float], None]
"""Called on each improving roster with (objective, best bound, elapsed seconds)."""


class ProgressCallback(cp_model.CpSolverSolutionCallback):
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


class StallWatch(ProgressCallback):
    """Stops CP-SAT's search once it has found no better roster for ``window`` seconds, so that the time
    left goes to a search that still gains (the sub-problem search of the phased strategy). Reports
    progress like :class:`ProgressCallback` when given ``progress``."""

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


def hint_pairs(rm: RosterModel, hint: Iterable[tuple[str, str]]) -> None:
    chosen = set(hint)
    rm.model.clear_hints()
    for key, var in rm.x.items():
        rm.model.add_hint(var, (key[1], key[0]) in chosen)


def hint_from(target: RosterModel, source: RosterModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable of ``target`` that has a same-named variable in ``source``'s solution."""
    values = solver.response_proto.solution
    by_name = {v.name: values[i] for i, v in enumerate(source.model.proto.variables) if v.name}
    target.model.clear_hints()
    hint = target.model.proto.solution_hint
    for i, v in enumerate(target.model.proto.variables):
        if v.name in by_name:
            hint.vars.append(i)
            hint.values.append(by_name[v.name])


def hint_every_variable(model: cp_model.CpModel, values) -> None:
    """Hint every variable of ``model`` with ``values`` (a full solution, in variable order)."""
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def light_presolve(solver: cp_model.CpSolver) -> None:
    """One presolve round, no probing, no symmetry: a 52-week member (Instance24, 11,648 decisions) then has
    a first roster in 0.3 s instead of 0.6 s, most of which was presolve."""
    p = solver.parameters
    p.max_presolve_iterations, p.cp_model_probing_level, p.symmetry_level = 1, 0, 0


def light_presolve_if_large(solver: cp_model.CpSolver, model: cp_model.CpModel) -> None:
    if len(model.proto.variables) > tuning.LARGE_MODEL_VARIABLES:
        light_presolve(solver)


def complete_hint(rm: RosterModel, parameters: SolveParameters, time_limit_s: float) -> cp_model.CpSolver | None:
    """Turn a hint of decisions into a hint of every variable (the day and night literals, the shortfalls,
    the continuity pairs follow from the decisions): CP-SAT takes a complete, feasible hint as its first
    solution at once, but only guides its search with a partial one. Returns the solver holding the
    hinted roster's every value, or None when the hint is infeasible or time ran out."""
    solver = cp_model.CpSolver()
    configure(solver, parameters, time_limit_s)
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.log_search_progress = False
    light_presolve_if_large(solver, rm.model)
    status = solver.solve(rm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    hint_every_variable(rm.model, solver.response_proto.solution)
    return solver


def to_solution(
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
