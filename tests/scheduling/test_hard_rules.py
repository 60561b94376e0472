"""One test per hard rule, on 1–3-member problems whose best roster is known by hand.

Every solve goes through ``solve_checked``, which re-validates the roster with the independent checker.
"""

from __future__ import annotations

import datetime as dt

from tests.scheduling.builders import (
    assignment,
    fixed,
    member,
    night,
    problem,
    reasons_of,
    shift,
    solve_checked,
)


def test_fills_every_shift_when_members_are_free():
    shifts = [shift("mon", 0), shift("tue", 1), shift("wed", 2)]
    p = problem(shifts, [member("ann", ["mon", "tue", "wed"]), member("bob", ["mon", "tue", "wed"])])
    solution = solve_checked(p)
    assert solution.status == "OPTIMAL"
    assert solution.unfilled == ()
    assert sorted(a.shift_id for a in solution.assignments) == ["mon", "tue", "wed"]


def test_only_eligible_members_are_assigned():
    p = problem([shift("s", 0)], [member("ann", []), member("bob", ["s"])])
    solution = solve_checked(p)
    assert solution.members_of("s") == ["bob"]


def test_no_overlap_one_member_takes_one_of_two_overlapping_shifts():
    p = problem([shift("a", 0, 8, 16), shift("b", 0, 12, 20)], [member("ann", ["a", "b"])])
    solution = solve_checked(p)
    assert len(solution.assignments) == 1
    (unfilled,) = solution.unfilled
    assert "overlap" in unfilled.reasons[0].detail


def test_min_rest_between_shifts_is_eleven_hours():
    # Late ends 22:00, early next day starts 06:00: 8 h rest < 11 h (RULES §0.1).
    p = problem([shift("late", 0, 14, 22), shift("early", 1, 6, 14)], [member("ann", ["late", "early"])])
    solution = solve_checked(p)
    assert len(solution.assignments) == 1
    assert "rest_too_short" in solution.unfilled[0].reasons[0].detail


def test_min_rest_allows_a_shift_after_exactly_eleven_hours():
    p = problem([shift("late", 0, 14, 22), shift("early", 1, 9, 17)], [member("ann", ["late", "early"])])
    assert len(solve_checked(p).assignments) == 2


def test_rest_with_fixed_shift_excludes_member_and_is_explained():
    ann = member("ann", ["early"], fixed_shifts=(fixed("held", 0, 14, 22),))
    p = problem([shift("early", 1, 6, 14)], [ann])
    solution = solve_checked(p)
    assert reasons_of(solution, "early") == {"rest_with_fixed_shift": 1}


def test_weekly_max_counts_fixed_shifts_in_a_partial_first_week():
    # Horizon starts Wednesday; a 24 h fixed load on Monday of the same ISO week leaves 24 h of 48 h.
    wednesday = dt.date(2025, 3, 5)
    held = (fixed("mon", -2, 0, 12), fixed("mon2", -2, 12, 23.99))
    shifts = [shift(f"d{d}", d, 7, 19) for d in range(5)]  # Wed..Sun, 12 h each
    ann = member("ann", [s.id for s in shifts], fixed_shifts=held, min_rest_minutes=0)
    p = problem(shifts, [ann], days=5, start=wednesday)
    solution = solve_checked(p)
    assert len(solution.assignments) == 2
    assert all("weekly_hours_exceeded" in u.reasons[0].detail for u in solution.unfilled)


def test_weekly_max_resets_on_monday():
    # Sat+Sun 2 × 24 h reach 48 h; Monday is a new ISO week.
    saturday = dt.date(2025, 3, 8)
    shifts = [shift("sat", 0, 0, 23.99), shift("sun", 1, 0, 23.99), shift("mon", 2, 0, 12)]
    ann = member("ann", ["sat", "sun", "mon"], min_rest_minutes=0)
    p = problem(shifts, [ann], days=3, start=saturday)
    solution = solve_checked(p)
    assert len(solution.assignments) == 3


def test_max_consecutive_days_is_six():
    shifts = [shift(f"d{d}", d) for d in range(8)]
    p = problem(shifts, [member("ann", [s.id for s in shifts])], days=8)
    solution = solve_checked(p)
    assert len(solution.assignments) == 7  # work 6, rest 1, work 1
    assert "too_many_days_in_a_row" in solution.unfilled[0].reasons[0].detail


def test_max_consecutive_days_counts_fixed_days_before_the_horizon():
    held = tuple(fixed(f"h{d}", d) for d in (-3, -2, -1))
    shifts = [shift(f"d{d}", d) for d in range(4)]
    ann = member("ann", [s.id for s in shifts], fixed_shifts=held)
    solution = solve_checked(problem(shifts, [ann], days=4))
    assert len(solution.assignments) == 3


def test_max_consecutive_nights_is_four():
    shifts = [night(f"n{d}", d) for d in range(5)]
    p = problem(shifts, [member("ann", [s.id for s in shifts])], days=5)
    solution = solve_checked(p)
    assert len(solution.assignments) == 4
    assert "too_many_nights_in_a_row" in solution.unfilled[0].reasons[0].detail


def test_night_followed_by_day_shift_within_24_hours_is_forbidden():
    # Night ends 08:00 on day 1; a shift at 19:30 respects 11 h rest but starts within 24 h.
    shifts = [night("n", 0, priority=2), shift("eve", 1, 19.5, 23.5)]
    solution = solve_checked(problem(shifts, [member("ann", ["n", "eve"])]))
    assert solution.members_of("n") == ["ann"]
    assert "night_recovery" in solution.unfilled[0].reasons[0].detail


def test_night_followed_by_night_is_allowed():
    shifts = [night("n0", 0), night("n1", 1)]
    solution = solve_checked(problem(shifts, [member("ann", ["n0", "n1"])]))
    assert len(solution.assignments) == 2


def test_never_more_people_than_demand():
    p = problem([shift("s", 0, demand=2)], [member(m, ["s"]) for m in ("ann", "bob", "cat")])
    solution = solve_checked(p)
    assert len(solution.members_of("s")) == 2
    assert solution.unfilled == ()


def test_max_shifts_per_day_and_by_kind():
    shifts = [
        shift("am", 0, 6, 10, kind="am"),
        shift("pm", 0, 22, 23, kind="pm"),
        shift("am1", 1, 12, 13, kind="am"),
    ]
    ann = member("ann", ["am", "pm", "am1"], min_rest_minutes=0, max_shifts_per_day=1, max_shifts_by_kind={"am": 1})
    solution = solve_checked(problem(shifts, [ann]))
    assert len(solution.assignments) == 2
    # am+pm share a day (max 1 a day), am+am1 share a kind (max 1 "am"): only pm+am1 is allowed.
    assert solution.shifts_of("ann") == ["am1", "pm"]


def test_urgent_shift_is_filled_first():
    p = problem([shift("a", 0, 8, 16), shift("b", 0, 9, 17, priority=3)], [member("ann", ["a", "b"])])
    solution = solve_checked(p)
    assert solution.members_of("b") == ["ann"]
    assert assignment(solution, "b", "ann").reasons[0] == "fill"
