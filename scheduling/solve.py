"""Build the CP-SAT model from a :class:`RosterProblem`, solve it and return a :class:`RosterSolution`.

Determinism: with ``num_workers=1`` CP-SAT is deterministic for a given seed and model. With several
workers and a wall-clock limit it is not (the workers race). For a reproducible multi-worker run set
``deterministic_time_limit``: the engine then sets ``max_deterministic_time`` and ``interleave_search``
(workers take turns in fixed-size batches), which makes the run depend only on the seed and the model,
at some cost in speed. The wall-clock ``time_limit_s`` still applies as a safety net.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling.constraints import HARD
from scheduling.explain import explain
from scheduling.model import RosterModel
from scheduling.objective import DEFAULT_WEIGHTS, Penalty, Weights, build_objective
from scheduling.problem import RosterProblem
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
            multi-worker runs are reproducible (see the module docstring).
        log_search: let CP-SAT log its progress (to stdout, for the benchmark CLI).
        explain: compute the reasons of every assignment and unfilled shift (costly on very large
            problems; the benchmark switches it off).
    """

    time_limit_s: float = 30.0
    random_seed: int = 0
    num_workers: int | None = None
    deterministic_time_limit: float | None = None
    log_search: bool = False
    explain: bool = True


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self._progress = progress

    def on_solution_callback(self) -> None:
        self._progress(self.objective_value, self.best_objective_bound, self.wall_time)


@dataclass
class BuiltModel:
    """A model ready to solve: the constraints, variables and objective penalties."""

    rm: RosterModel
    penalties: list[Penalty]
    weights: Weights


def build(problem: RosterProblem, weights: Weights = DEFAULT_WEIGHTS) -> BuiltModel:
    """Build the CP-SAT model: variables for candidate pairs, every hard rule, the objective."""
    rm = RosterModel.build(problem)
    for add_rule in HARD:
        add_rule(rm)
    penalties = build_objective(rm, weights)
    return BuiltModel(rm=rm, penalties=penalties, weights=weights)


def configure(solver: cp_model.CpSolver, parameters: SolveParameters) -> None:
    """Set CP-SAT parameters from ``parameters``."""
    p = solver.parameters
    p.max_time_in_seconds = parameters.time_limit_s
    p.random_seed = parameters.random_seed
    p.num_workers = parameters.num_workers or os.cpu_count() or 1
    p.log_search_progress = parameters.log_search
    if parameters.deterministic_time_limit is not None:
        p.max_deterministic_time = parameters.deterministic_time_limit
        if p.num_workers > 1:
            p.interleave_search = True


def solve_built(
    built: BuiltModel,
    parameters: SolveParameters = SolveParameters(),
    *,
    progress: Progress | None = None,
    hint: Iterable[tuple[str, str]] | None = None,
) -> RosterSolution:
    """Solve an already built model (see :func:`solve`)."""
    rm = built.rm
    if hint is not None:
        chosen = set(hint)
        for key, var in rm.x.items():
            rm.model.add_hint(var, (key[1], key[0]) in chosen)
    solver = cp_model.CpSolver()
    configure(solver, parameters)
    started = time.perf_counter()
    callback = _ProgressCallback(progress) if progress else None
    status = solver.solve(rm.model, callback)
    wall = time.perf_counter() - started
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return RosterSolution(status=name, wall_time_s=wall)
    chosen_pairs = [(sid, wid) for (wid, sid), var in rm.x.items() if solver.boolean_value(var)]
    objective = round(solver.objective_value)
    bound = solver.best_objective_bound
    gap = 0.0 if status == cp_model.OPTIMAL else (objective - bound) / max(1.0, abs(objective))
    cost_by_term: dict[str, int] = {}
    for p in built.penalties:
        value = p.expr if isinstance(p.expr, int) else solver.value(p.expr)
        cost_by_term[p.term] = cost_by_term.get(p.term, 0) + p.weight * value
    return explain(
        rm,
        chosen_pairs,
        status=name,
        objective=objective,
        best_bound=bound,
        gap=gap,
        wall_time_s=wall,
        cost_by_term=cost_by_term,
        with_reasons=parameters.explain,
    )


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
        parameters: time limit, seed, workers.
        weights: the objective weights (``DEFAULT_WEIGHTS`` unless the co-op changed them).
        progress: called with (objective, bound, elapsed seconds) on each improving roster.
        hint: (shift_id, member_id) pairs of a previous roster to start from.

    Returns:
        A ``RosterSolution``; unfilled shifts and every assignment carry their reasons.
    """
    return solve_built(build(problem, weights), parameters, progress=progress, hint=hint)
