"""The "portfolio" strategy: one CP-SAT solve of the whole model, with every worker of CP-SAT's own portfolio.

Right for small rosters and tests, and the reference the other strategies are checked against.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from ortools.sat.python import cp_model

from scheduling.cpsat import BuiltModel, Progress, ProgressCallback, build, configure, hint_pairs, to_solution
from scheduling.objective import DEFAULT_WEIGHTS, Weights
from scheduling.parameters import SolveParameters
from scheduling.problem import RosterProblem
from scheduling.solution import RosterSolution


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
        hint_pairs(rm, hint)
    solver = cp_model.CpSolver()
    configure(solver, parameters)
    started = time.perf_counter()
    callback = ProgressCallback(progress) if progress else None
    status = solver.solve(rm.model, callback)
    wall = time.perf_counter() - started
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return RosterSolution(status=name, wall_time_s=wall)
    return to_solution(
        built,
        solver,
        status=name,
        objective=round(solver.objective_value),
        bound=solver.best_objective_bound,
        wall=wall,
        parameters=parameters,
    )


def solve_portfolio(
    problem: RosterProblem,
    parameters: SolveParameters,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    progress: Progress | None = None,
    hint: Iterable[tuple[str, str]] | None = None,
) -> RosterSolution:
    """The "portfolio" strategy: the whole model, with the redundant rules, in one CP-SAT run."""
    return solve_built(build(problem, weights), parameters, progress=progress, hint=hint)
