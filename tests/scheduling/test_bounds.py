"""The fill bound from the linear relaxation (scheduling.bounds) never exceeds what a roster can reach,
and counts the places the rest rule and the weekly maximum leave empty."""

from __future__ import annotations

from scheduling import SolveParameters, solve
from scheduling.bounds import fill_lower_bound
from scheduling.model import RosterModel
from scheduling.refill import FILL_ONLY, unfilled_cost
from tests.scheduling.builders import member, problem, shift


def _bound(p) -> float:
    return fill_lower_bound(RosterModel.build(p), {s.id: s.priority for s in p.shifts})


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
