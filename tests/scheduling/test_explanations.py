"""Explanations name the right rule for every unfilled shift."""

from __future__ import annotations

from tests.scheduling.builders import fixed, member, problem, reasons_of, shift, solve_checked


def test_unfilled_shift_explains_credential_failures():
    workers = [
        member("ann", [], ineligible_reasons={"s": ("credential_expired",)}),
        member("bob", [], ineligible_reasons={"s": ("credential_expired", "no_welsh")}),
        member("cat", [], ineligible_reasons={"s": ("no_welsh",)}),
        member("dai", []),
    ]
    solution = solve_checked(problem([shift("s", 0)], workers))
    assert reasons_of(solution, "s") == {"credential_expired": 2, "no_welsh": 2, "not_eligible": 1}
    (unfilled,) = solution.unfilled
    assert unfilled.missing == 1
    assert unfilled.reasons[0].detail == "2 members fail credential_expired"


def test_unfilled_shift_explains_weekly_hours_with_fixed_shifts():
    held = tuple(fixed(f"h{d}", d, 6, 18) for d in range(4))  # 48 h Mon–Thu
    p = problem([shift("fri", 4, 8, 12)], [member("ann", ["fri"], fixed_shifts=held)])
    assert reasons_of(solve_checked(p), "fri") == {"weekly_hours_with_fixed_shifts": 1}


def test_unfilled_shift_explains_eligible_members_are_used_elsewhere():
    shifts = [shift("urgent", 0, 8, 16, priority=5), shift("other", 0, 10, 18)]
    workers = [
        member("ann", ["urgent", "other"]),
        member("bob", [], ineligible_reasons={"other": ("no_dbs",)}),
    ]
    solution = solve_checked(problem(shifts, workers))
    assert solution.members_of("urgent") == ["ann"]
    reasons = reasons_of(solution, "other")
    assert reasons == {"eligible_members_used": 1, "no_dbs": 1}
    (unfilled,) = solution.unfilled
    assert "ann: overlap" in unfilled.reasons[0].detail


def test_every_assignment_says_which_objectives_it_serves():
    p = problem([shift("s", 0, client_id="c")], [member("ann", ["s"], worked_for_clients=frozenset({"c"}))])
    (a,) = solve_checked(p).assignments
    assert a.reasons == ("fill", "worked_here_before")
