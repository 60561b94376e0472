"""The fill bound from the linear relaxation (scheduling.bounds) never exceeds what a roster can reach,
and counts the places the rest rule and the weekly maximum leave empty."""

from __future__ import annotations

import random

import pytest

from scheduling import SolveParameters, solve
from scheduling.bounds import Cancel, fill_relaxation, flow_bound
from scheduling.candidates import find_candidates
from scheduling.refill import FILL_ONLY, unfilled_cost
from scheduling.strategies.staged import _Bounds
from tests.scheduling.builders import fixed, member, problem, shift


def _bound(p) -> float:
    return fill_relaxation(p, find_candidates(p), {s.id: s.priority for s in p.shifts}).bound


def test_two_members_cannot_fill_three_shifts_at_the_same_time():
    shifts = [shift("a", 0), shift("b", 0), shift("c", 0, 9, 17)]
    p = problem(shifts, [member("ann", {"a", "b", "c"}), member("bob", {"a", "b", "c"})])
    assert _bound(p) == 1


def test_the_weekly_maximum_leaves_a_place_empty():
    shifts = [shift(f"s{d}", d) for d in range(3)]
    p = problem(shifts, [member("ann", {"s0", "s1", "s2"}, max_weekly_minutes=16 * 60)])
    assert _bound(p) == 1


def test_the_bound_is_never_above_the_best_roster():
    shifts = [shift(f"s{d}", d, priority=1 + d % 3) for d in range(7)] + [shift(f"t{d}", d, 9, 17) for d in range(7)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member(m, ids, max_weekly_minutes=30 * 60) for m in ("ann", "bob", "cat")])
    best = solve(p, SolveParameters(time_limit_s=5, num_workers=1), weights=FILL_ONLY)
    assert best.status == "OPTIMAL"
    assert _bound(p) <= unfilled_cost(p, {(a.shift_id, a.member_id) for a in best.assignments})


def test_the_relaxation_counts_days_in_a_row_day_by_day_where_a_count_over_the_horizon_cannot():
    # Ann may work two days in a row (RULES §0.3), and on the middle day a morning and an evening visit fit:
    # a count of shifts over the horizon lets her take all three mornings while Bob takes the evening.
    shifts = [shift(f"m{d}", d, 7, 9) for d in range(3)] + [shift("e1", 1, 20, 21)]
    ann = member("ann", {"m0", "m1", "m2", "e1"}, max_consecutive_days=2)
    p = problem(shifts, [ann, member("bob", {"e1"})], days=3)
    assert _flow(p) == 0
    assert _bound(p) == 1


@pytest.mark.parametrize("seed", range(8))
def test_the_relaxation_is_never_above_the_best_roster_with_days_held_before(seed):
    rng = random.Random(seed)
    times = [(7, 9), (12, 13), (20, 21), (8, 16)]
    shifts = [shift(f"s{n}", rng.randrange(6), *rng.choice(times), priority=rng.choice([1, 2])) for n in range(16)]
    ids = [s.id for s in shifts]
    workers = []
    for m in ("ann", "bob", "cat"):
        in_a_row = rng.choice([2, 3, 6])
        held = tuple(fixed(f"{m}h{d}", d, 7, 9) for d in range(-rng.randint(0, in_a_row), 0))
        workers.append(member(m, rng.sample(ids, 10), max_consecutive_days=in_a_row, fixed_shifts=held))
    p = problem(shifts, workers, days=6)
    best = solve(p, SolveParameters(time_limit_s=5, num_workers=1), weights=FILL_ONLY)
    assert best.status == "OPTIMAL"
    assert _bound(p) <= unfilled_cost(p, {(a.shift_id, a.member_id) for a in best.assignments}) + 1e-6


def test_a_cancelled_relaxation_gives_no_bound():
    shifts = [shift("a", 0), shift("b", 0)]
    p = problem(shifts, [member("ann", {"a", "b"})])
    cancel = Cancel()
    cancel()
    assert fill_relaxation(p, find_candidates(p), {"a": 1, "b": 1}, cancel=cancel) is None
    assert fill_relaxation(p, find_candidates(p), {"a": 1, "b": 1}, cancel=Cancel()).bound == 1


def test_cancelling_interrupts_the_solver_already_solving():
    class Solving:
        interrupted = False

        def InterruptSolve(self) -> bool:  # noqa: N802 (OR-Tools' name)
            self.interrupted = True
            return True

    cancel, solver = Cancel(), Solving()
    assert cancel.attach(solver)
    cancel()
    assert solver.interrupted and cancel.cancelled and not cancel.attach(solver)


def test_the_bounds_beside_the_search_count_in_priorities_when_every_shift_is_urgent():
    # Both shifts cost two: the thread bounds in places (one), the unmodelled roster's cost is two.
    shifts = [shift("a", 0, priority=2), shift("b", 0, priority=2)]
    p = problem(shifts, [member("ann", {"a", "b"})])
    bounds = _Bounds(p, find_candidates(p), lp_time_limit_s=5)
    bounds.start()
    assert bounds.best(wait_s=5) == 1
    assert bounds.best_cost(wait_s=5) == 2 == unfilled_cost(p, {("a", "ann")})


def _flow(p) -> int:
    return flow_bound(p, find_candidates(p), {s.id: s.priority for s in p.shifts})


def test_the_flow_bound_counts_one_shift_a_day_under_the_rest_rule():
    # Morning and evening visits are 11 hours' rest apart only across the day, never within it.
    shifts = [shift("am", 0, 7, 9), shift("pm", 0, 19, 20), shift("next", 1, 12, 13)]
    p = problem(shifts, [member("ann", {"am", "pm", "next"})])
    assert _flow(p) == 1


def test_the_flow_bound_counts_the_weekly_hours_shortest_first():
    shifts = [shift("s0", 0, 8, 16), shift("s1", 1, 8, 18), shift("s2", 2, 8, 18)]
    p = problem(shifts, [member("ann", {"s0", "s1", "s2"}, max_weekly_minutes=17 * 60)])
    assert _flow(p) == 2


def test_the_flow_bound_counts_the_days_worked_just_before_the_horizon():
    # Six days in a row held already: the first day of the horizon must be a day off (RULES §0.3).
    held = tuple(fixed(f"h{d}", d) for d in range(-6, 0))
    shifts = [shift(f"s{d}", d) for d in range(3)]
    p = problem(shifts, [member("ann", {"s0", "s1", "s2"}, fixed_shifts=held)], days=3)
    assert _flow(p) == 1
    assert _flow(problem(shifts, [member("ann", {"s0", "s1", "s2"})], days=3)) == 0


def test_the_flow_bound_weighs_urgent_places_first():
    shifts = [shift("routine", 0), shift("urgent", 0, 9, 17, priority=5)]
    p = problem(shifts, [member("ann", {"routine", "urgent"})])
    assert _flow(p) == 1


@pytest.mark.parametrize("seed", range(12))
def test_the_flow_bound_is_never_above_the_best_roster(seed):
    rng = random.Random(seed)
    shifts = [
        shift(f"s{n}", rng.randrange(5), *rng.choice([(7, 9), (8, 16), (12, 13), (14, 22), (20, 21)]),
              priority=rng.choice([1, 1, 3]))
        for n in range(14)
    ]  # fmt: skip
    ids = [s.id for s in shifts]
    workers = []
    for m in ("ann", "bob", "cat"):
        in_a_row = rng.choice([2, 3, 6])
        held = tuple(fixed(f"{m}h{d}", d) for d in range(-rng.randint(0, in_a_row), 0))  # within the rule
        workers.append(
            member(m, rng.sample(ids, 9), max_weekly_minutes=rng.choice([None, 16 * 60, 30 * 60]),
                   max_consecutive_days=in_a_row, fixed_shifts=held)
        )  # fmt: skip
    p = problem(shifts, workers, days=5)
    best = solve(p, SolveParameters(time_limit_s=10, num_workers=1), weights=FILL_ONLY)
    assert best.status == "OPTIMAL"
    assert _flow(p) <= unfilled_cost(p, {(a.shift_id, a.member_id) for a in best.assignments})


def test_the_weekly_minutes_rounded_leave_the_places_no_mix_of_lengths_fits():
    # 35.5 hours a week each: two 12.5-hour nights and one 7.5-hour early, or one night and three earlies,
    # never more than five of the nights' doubled worth. The minutes alone let each take 2.84 nights.
    nights = [shift(f"n{d}", d, 20, 8.5, kind="night", is_night=True, priority=2, demand=2) for d in range(4)]
    earlies = [shift(f"e{d}", d, 7, 14.5, demand=2) for d in range(4, 7)]
    ids = {s.id for s in nights + earlies}
    p = problem(nights + earlies, [member(m, ids, max_weekly_minutes=2130) for m in ("ann", "bob")])
    best = solve(p, SolveParameters(time_limit_s=5, num_workers=1), weights=FILL_ONLY)
    assert best.status == "OPTIMAL"
    optimum = unfilled_cost(p, {(a.shift_id, a.member_id) for a in best.assignments})

    assert optimum == 22 - 2 * 5
    assert _bound(p) > optimum - 1  # without the rounded rows: 22 - 2 * 5.68 = 10.64
    assert _bound(p) <= optimum
