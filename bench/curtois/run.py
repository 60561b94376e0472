"""Solve one benchmark instance through the ``scheduling`` engine and check the roster independently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bench.curtois.checker import CheckResult, check
from bench.curtois.mapping import to_problem, to_roster
from bench.curtois.reader import Instance
from scheduling.parameters import SolveParameters
from scheduling.solve import solve


@dataclass
class InstanceResult:
    name: str
    status: str
    objective: int | None
    bound: float | None
    wall_time_s: float
    roster: dict[str, dict[str, str]]
    check: CheckResult | None


def solve_instance(
    instance: Instance,
    *,
    time_limit_s: float = 60.0,
    num_workers: int = 2,
    seed: int = 0,
    log: bool = False,
    strategy: str = "phased",
    sub_search_fraction: float | None = None,
    stall_fraction: float | None = None,
    column_fraction: float | None = None,
) -> InstanceResult:
    """Solve ``instance`` with the engine's general model, then re-check it with the checker. The
    fractions left ``None`` are the engine's defaults (``SolveParameters``)."""
    problem = to_problem(instance)
    defaults = SolveParameters()
    params = SolveParameters(
        time_limit_s=time_limit_s,
        random_seed=seed,
        num_workers=num_workers,
        log_search=log,
        explain=False,
        strategy=strategy,
        sub_search_fraction=defaults.sub_search_fraction if sub_search_fraction is None else sub_search_fraction,
        stall_fraction=defaults.stall_fraction if stall_fraction is None else stall_fraction,
        column_fraction=defaults.column_fraction if column_fraction is None else column_fraction,
        large_column_fraction=defaults.large_column_fraction if column_fraction is None else column_fraction,
    )
    solution = solve(problem, params)
    pairs = [(a.shift_id, a.member_id) for a in solution.assignments]
    roster = to_roster(pairs)
    # The JSON roster holds one shift per employee and day; a second one would vanish from it unseen.
    per_day = Counter((member, sid.split(":", 1)[0]) for sid, member in pairs)
    doubles = [f"{m}: two shifts on day {d}" for (m, d), n in per_day.items() if n > 1]
    checked = check(instance, roster) if solution.objective is not None else None
    if checked is not None:
        checked.violations.extend(doubles)
    return InstanceResult(
        name=instance.name,
        status=solution.status,
        objective=solution.objective,
        bound=solution.best_bound,
        wall_time_s=solution.wall_time_s,
        roster=roster,
        check=checked,
    )
