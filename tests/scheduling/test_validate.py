"""The independent hard-rule checker catches each kind of violation it is named for."""

from __future__ import annotations

from scheduling import validate_roster
from tests.scheduling.builders import fixed, member, night, problem, shift


def codes(p, pairs):
    return sorted({v.code for v in validate_roster(p, pairs)})


def test_checker_flags_overlap_rest_and_eligibility():
    shifts = [shift("a", 0, 8, 16), shift("b", 0, 12, 20), shift("c", 1, 2, 6)]
    p = problem(shifts, [member("ann", ["a", "b"])])
    assert codes(p, [("a", "ann"), ("b", "ann")]) == ["overlap"]
    assert codes(p, [("b", "ann"), ("c", "ann")]) == ["not_eligible", "rest_too_short"]


def test_checker_flags_weekly_consecutive_and_demand():
    shifts = [shift(f"d{d}", d, 0, 11) for d in range(7)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member("ann", ids), member("bob", ids)])
    assert codes(p, [(s, "ann") for s in ids]) == ["too_many_days_in_a_row", "weekly_hours_exceeded"]
    assert codes(p, [("d0", "ann"), ("d0", "bob")]) == ["demand_max"]


def test_checker_flags_nights_and_night_succession_with_fixed_shifts():
    shifts = [night(f"n{d}", d) for d in range(5)] + [shift("eve", 5, 19.5, 23.5)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member("ann", ids, max_consecutive_days=None, max_weekly_minutes=None)])
    assert codes(p, [(f"n{d}", "ann") for d in range(5)]) == ["too_many_nights_in_a_row"]
    p2 = problem(
        [shift("eve", 1, 19.5, 23.5)],
        [member("ann", ["eve"], fixed_shifts=(fixed("held", 0, 20, 8, is_night=True),))],
    )
    assert codes(p2, [("eve", "ann")]) == ["night_recovery"]
