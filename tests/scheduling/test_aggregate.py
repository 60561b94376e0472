"""Identical open shifts are solved as one shift with a demand, and the roster comes back on the originals."""

from __future__ import annotations

from scheduling import validate_roster
from scheduling.aggregate import merge_hint, merge_identical
from scheduling.cpsat import build
from scheduling.strategies.portfolio import solve_built
from tests.scheduling.builders import FAST, member, problem, shift, solve_checked


def _three_nights_asked_twice(members=("ann", "bob", "cy")):
    # The ward asks for two people on each of three days (twins a/b), and the school, nearer, once on day 0.
    shifts = [shift(f"{t}{d}", d, 8, 16, client_id="ward") for d in range(3) for t in "ab"]
    shifts.append(shift("school0", 0, 8, 16))
    ids = [s.id for s in shifts]
    travel = {sid: 3000 for sid in ids} | {"school0": 1000}
    return problem(shifts, [member(m, ids, travel_metres=travel) for m in members])


def test_shifts_no_rule_tells_apart_become_one_shift_with_their_number_as_demand():
    merged = merge_identical(_three_nights_asked_twice())
    demand = {s.id: s.demand for s in merged.problem.shifts}
    assert demand == {"a0": 2, "a1": 2, "a2": 2, "school0": 1}
    assert merged.originals["a1"] == ("a1", "b1")
    assert all("b1" not in w.eligible_shift_ids for w in merged.problem.workers)


def test_shifts_with_different_members_or_distances_stay_apart():
    p = _three_nights_asked_twice()
    ann, bob, cy = p.workers
    # bob may not take b0, and cy lives further from b1: neither twin can stand for the other any more.
    bob = member("bob", bob.eligible_shift_ids - {"b0"}, travel_metres=bob.travel_metres)
    cy = member("cy", cy.eligible_shift_ids, travel_metres={**cy.travel_metres, "b1": 9000})
    merged = merge_identical(problem(list(p.shifts), [ann, bob, cy]))
    demand = {s.id: s.demand for s in merged.problem.shifts}
    assert demand["a0"] == demand["b0"] == demand["a1"] == demand["b1"] == 1
    assert demand["a2"] == 2


def test_shifts_whose_ineligible_members_fail_different_rules_stay_apart():
    # Same members eligible, but the unfilled shifts' explanations would count different rules.
    p = _three_nights_asked_twice()
    outsider = member("dee", [], ineligible_reasons={"a2": ("too_far",), "b2": ("missing_skill",)})
    merged = merge_identical(problem(list(p.shifts), [*p.workers, outsider]))
    demand = {s.id: s.demand for s in merged.problem.shifts}
    assert demand["a2"] == demand["b2"] == 1
    assert demand["a1"] == 2


def test_the_merged_roster_lands_on_the_original_shifts_at_the_same_cost():
    p = _three_nights_asked_twice(members=("ann", "bob"))
    solution = solve_checked(p)
    unmerged = solve_built(build(p), FAST)
    assert solution.objective == unmerged.objective
    # Two members, three places on day 0: the nearer school is filled, and one of the ward's two places
    # stays empty, reported on an original shift id, each original with at most one member.
    assert sorted(a.shift_id for a in solution.assignments) == ["a0", "a1", "a2", "b1", "b2", "school0"]
    assert [(u.shift_id, u.missing) for u in solution.unfilled] == [("b0", 1)]
    assert validate_roster(p, [(a.shift_id, a.member_id) for a in solution.assignments]) == []


def test_a_hint_on_the_original_shifts_is_read_on_the_merged_ones():
    merged = merge_identical(_three_nights_asked_twice())
    assert merge_hint(merged, [("b1", "ann"), ("a1", "bob")]) == {("a1", "ann"), ("a1", "bob")}
