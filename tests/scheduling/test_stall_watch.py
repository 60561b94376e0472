"""CP-SAT's whole-model solve hands over to the sub-problem search once it stops finding better rosters."""

import time
from itertools import pairwise

from ortools.sat.python import cp_model

from scheduling.cpsat import StallWatch


def _golomb_ruler(marks: int) -> cp_model.CpModel:
    """The shortest ruler whose marks are all a different distance apart: good rulers come fast, the
    proof that one is shortest does not (for 11 marks, 72; CP-SAT proves it in minutes, not seconds)."""
    model = cp_model.CpModel()
    xs = [model.new_int_var(0, 200, f"mark{i}") for i in range(marks)]
    model.add(xs[0] == 0)
    for a, b in pairwise(xs):
        model.add(b > a)
    gaps = []
    for i in range(marks):
        for j in range(i + 1, marks):
            gap = model.new_int_var(1, 200, f"gap{i}_{j}")
            model.add(gap == xs[j] - xs[i])
            gaps.append(gap)
    model.add_all_different(gaps)
    model.minimize(xs[-1])
    return model


def _solver(seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    return solver


def test_a_solve_that_finds_nothing_better_for_the_window_is_stopped_long_before_its_time_limit():
    solver = _solver(60)
    watch = StallWatch(solver, window=1.0, progress=None, offset=0.0)
    started = time.perf_counter()
    status = watch.solve(_golomb_ruler(11))
    assert status == cp_model.FEASIBLE
    assert watch.stalled
    assert time.perf_counter() - started < 30


def test_a_solve_proven_optimal_is_not_reported_as_stalled_and_progress_is_still_reported():
    seen = []
    solver = _solver(30)
    watch = StallWatch(solver, window=5.0, progress=lambda obj, bound, t: seen.append(obj), offset=0.0)
    status = watch.solve(_golomb_ruler(5))
    assert status == cp_model.OPTIMAL
    assert not watch.stalled
    assert solver.objective_value == 11 and seen[-1] == 11
