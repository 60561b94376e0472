"""Roster a problem: merge the shifts no rule tells apart, pick the strategy, split the answer back.

The strategies live in :mod:`scheduling.strategies`: "portfolio" (one CP-SAT solve, the default), "staged" (a
co-op's roster run) and "phased" (the published benchmark). How to solve is :class:`SolveParameters`
(:mod:`scheduling.parameters`); the CP-SAT plumbing they share is :mod:`scheduling.cpsat`.
"""

from __future__ import annotations

from collections.abc import Iterable

from scheduling.aggregate import merge_hint, merge_identical, split_solution
from scheduling.cpsat import Progress
from scheduling.objective import DEFAULT_WEIGHTS, Weights
from scheduling.parameters import SolveParameters
from scheduling.problem import RosterProblem
from scheduling.solution import RosterSolution
from scheduling.strategies.phased import solve_phased
from scheduling.strategies.portfolio import solve_portfolio
from scheduling.strategies.staged import solve_staged

__all__ = ["Progress", "SolveParameters", "solve"]


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
        solution = solve_portfolio(problem, parameters, weights=weights, progress=progress, hint=hint)
    return split_solution(merged, solution)
