"""The "phased" and "staged" strategies agree with the plain one."""

from __future__ import annotations

import importlib
import time

from scheduling import SolveParameters, solve, validate_roster
from scheduling.constraints import run_automaton
from tests.scheduling.builders import member, problem, shift


def _two_members_one_week():
    shifts = [shift(f"s{d}", d, priority=1 + d % 2) for d in range(7)] + [shift("x3", 3, 9, 17)]
    ids = [s.id for s in shifts]
    workers = [member(m, ids, wanted_weekly_minutes=1440, min_consecutive_days_off=2) for m in ("ann", "bob")]
    return problem(shifts, workers)


def _same_optimum_as_the_portfolio(p, time_limit_s: float, **phased_parameters) -> None:
    plain = solve(p, SolveParameters(time_limit_s=5, num_workers=1))
    phased = solve(p, SolveParameters(time_limit_s=time_limit_s, num_workers=1, strategy="phased", **phased_parameters))
    assert phased.objective == plain.objective
    assert validate_roster(p, [(a.shift_id, a.member_id) for a in phased.assignments]) == []


def test_phased_strategy_reaches_the_same_optimum_as_the_portfolio():
    _same_optimum_as_the_portfolio(_two_members_one_week(), time_limit_s=3)


def _accepts(automaton, word):
    start, accepting, transitions = automaton
    table = {(a, letter): b for a, letter, b in transitions}
    state = start
    for letter in word:
        if (state, letter) not in table:
            return False
        state = table[state, letter]
    return state in accepting


def test_run_automaton_accepts_exactly_the_allowed_run_lengths():
    auto = run_automaton(max_work=3, min_work=2, min_off=2)
    assert _accepts(auto, [1, 0, 0, 1, 1, 0, 0, 1])  # runs cut by the horizon ends are exempt
    assert not _accepts(auto, [0, 1, 0, 0])  # a one-day working run inside
    assert not _accepts(auto, [1, 1, 0, 1, 1])  # a one-day off run inside
    assert not _accepts(auto, [1, 1, 1, 1])  # four in a row > 3
    assert _accepts(auto, [0, 0, 1, 1, 1, 0, 0])


def test_staged_strategy_fills_first_then_reaches_the_portfolio_optimum():
    # Three shifts on one day, two members: one place must stay empty whatever the other terms say;
    # among the rosters that fill two, the travel term picks who goes where.
    shifts = [shift("near", 0), shift("far", 0), shift("third", 0)]
    ids = [s.id for s in shifts]
    workers = [
        member("ann", ids, travel_metres={"near": 1000, "far": 30_000, "third": 20_000}),
        member("bob", ids, travel_metres={"near": 2000, "far": 25_000, "third": 40_000}),
    ]
    p = problem(shifts, workers)
    plain = solve(p, SolveParameters(time_limit_s=5, num_workers=1))
    staged = solve(p, SolveParameters(time_limit_s=5, num_workers=1, strategy="staged"))
    assert staged.status == "OPTIMAL"
    assert staged.objective == plain.objective == staged.best_bound
    assert staged.stages["fill"] == staged.stages["fill"] | {"status": "OPTIMAL", "unfilled_cost": 1, "gap": 0.0}
    assert staged.stages["quality"]["status"] == "OPTIMAL"
    # 2 km + 20 km is the shortest travel of any two-place roster.
    assert sorted((a.shift_id, a.member_id) for a in staged.assignments) == [("near", "bob"), ("third", "ann")]
    assert validate_roster(p, [(a.shift_id, a.member_id) for a in staged.assignments]) == []


def test_staged_strategy_reports_a_sound_bound_when_filling_is_not_proven():
    shifts = [shift(f"s{d}", d) for d in range(7)] + [shift(f"t{d}", d, 9, 17) for d in range(7)]
    ids = [s.id for s in shifts]
    workers = [member(m, ids, wanted_weekly_minutes=1440) for m in ("ann", "bob", "cat")]
    p = problem(shifts, workers)
    staged = solve(p, SolveParameters(time_limit_s=5, num_workers=1, strategy="staged"))
    plain = solve(p, SolveParameters(time_limit_s=5, num_workers=1))
    assert staged.best_bound <= plain.objective <= staged.objective
    assert staged.objective == plain.objective


def test_a_week_too_large_to_model_in_the_time_gets_its_refilled_roster(monkeypatch):
    tuning = importlib.import_module("scheduling.parameters")
    monkeypatch.setattr(tuning, "REFILL_ABOVE_PAIRS", 0)
    monkeypatch.setattr(tuning, "MODEL_PAIRS_PER_SECOND", 1)  # as if building took forever
    shifts = [shift("school", 0), shift("ward", 0, 9, 17), shift("nobody", 1)]
    p = problem(shifts, [member("ann", {"school", "ward"}), member("bob", {"school"})])

    solution = solve(p, SolveParameters(time_limit_s=2, num_workers=1, strategy="staged"), hint=[("school", "ann")])

    assert solution.status == "FEASIBLE" and solution.objective is None
    assert sorted((a.shift_id, a.member_id) for a in solution.assignments) == [("school", "bob"), ("ward", "ann")]
    assert [(u.shift_id, [r.code for r in u.reasons]) for u in solution.unfilled] == [("nobody", ["not_eligible"])]
    assert solution.stages["fill"] | {"refill_s": 0, "mip_s": 0} == {
        "status": "OPTIMAL", "unfilled_cost": 1, "bound": 1, "gap": 0.0, "seconds": 0.0, "refill_s": 0, "mip_s": 0
    }  # fmt: skip
    assert solution.stages["quality"]["status"] == "NOT_RUN"


def test_phased_strategy_on_a_very_large_model_searches_sub_problems_to_the_same_optimum(monkeypatch):
    monkeypatch.setattr(importlib.import_module("scheduling.parameters"), "SUB_PROBLEM_SEARCH_ABOVE", 0)
    _same_optimum_as_the_portfolio(_two_members_one_week(), time_limit_s=4)


def test_phased_strategy_hands_a_mid_sized_model_to_the_sub_problem_search_and_reaches_the_same_optimum(monkeypatch):
    monkeypatch.setattr(importlib.import_module("scheduling.parameters"), "TIGHT_MODEL_MAX_DECISIONS", 0)
    _same_optimum_as_the_portfolio(_two_members_one_week(), time_limit_s=4, sub_search_fraction=0.5)


def test_phased_strategy_with_the_stall_rule_hands_over_and_still_reaches_the_same_optimum(monkeypatch):
    monkeypatch.setattr(importlib.import_module("scheduling.parameters"), "TIGHT_MODEL_MAX_DECISIONS", 0)
    _same_optimum_as_the_portfolio(_two_members_one_week(), time_limit_s=4, sub_search_fraction=0.5, stall_fraction=0.1)


def test_the_sub_problem_search_lowers_a_whole_model_roster_to_the_optimum_at_its_exact_cost():
    from scheduling.cpsat import build, complete_hint, hint_pairs
    from scheduling.search import incumbent_from
    from scheduling.strategies.phased import _search_sub_problems

    p = _two_members_one_week()
    plain = solve(p, SolveParameters(time_limit_s=5, num_workers=1))
    parameters = SolveParameters(time_limit_s=3, num_workers=1)
    lean = build(p, redundant=False)
    hint_pairs(lean.rm, [("s0", "ann")])  # a poor roster: one shift of the week
    poor = incumbent_from(complete_hint(lean.rm, parameters, 2.0))
    assert poor.objective > plain.objective

    better = _search_sub_problems(p, lean, poor, parameters, lean.weights, deadline=time.perf_counter() + 3)

    assert better is not None and better.objective == plain.objective
    pairs = [(sid, wid) for (wid, sid), var in lean.rm.x.items() if better.values[var.index]]
    assert validate_roster(p, pairs) == []


def test_staged_fill_by_mip_reaches_the_relaxations_bound_and_proves_the_fill(monkeypatch):
    # Local search and MIP on a small week (as on a large one): five members, days and lates, weekly caps.
    monkeypatch.setattr(importlib.import_module("scheduling.parameters"), "REFILL_ABOVE_PAIRS", 0)
    shifts = [shift(f"d{d}", d, demand=2) for d in range(7)] + [shift(f"l{d}", d, 14, 22) for d in range(7)]
    ids = [s.id for s in shifts]
    workers = [member(m, ids, max_weekly_minutes=24 * 60) for m in ("ann", "bob", "cat", "dan", "eve")]
    p = problem(shifts, workers)

    staged = solve(p, SolveParameters(time_limit_s=6, num_workers=1, strategy="staged"), hint=[])

    fill = staged.stages["fill"]
    assert fill["mip_s"] > 0 and fill["status"] == "OPTIMAL"
    assert fill["unfilled_cost"] == fill["bound"] == 21 - 15  # five members, three shifts of 8 h each
    assert validate_roster(p, [(a.shift_id, a.member_id) for a in staged.assignments]) == []
