"""The bound from whole rosters as columns (scheduling.columns): never above any roster's cost, tight where
a member's own rules are what leaves places empty, and no bound when a member has no roster at all; its
margins never fix a pair against a best roster; the phased strategy proves small rosters optimal with it."""

from __future__ import annotations

import math
import random
import time
from dataclasses import replace

import pytest

from scheduling import SolveParameters, solve
from scheduling.columns import Cover, column_bound, lagrangian_cover_part, margins
from scheduling.cpsat import build
from scheduling.objective import DEFAULT_WEIGHTS
from scheduling.refill import FILL_ONLY
from tests.scheduling.builders import member, night, problem, shift

BENCH_LIKE = replace(FILL_ONLY, shift_request=1)
"""The benchmark's objective: cover and on/off requests only."""


def _bound(p, weights=DEFAULT_WEIGHTS, **kw):
    built = build(p, weights, redundant=False)
    return column_bound(p, built.penalties, weights, deadline=time.perf_counter() + 30, **kw)


def _optimum(p, weights=DEFAULT_WEIGHTS) -> int:
    solution = solve(p, SolveParameters(time_limit_s=20, num_workers=1, explain=False), weights=weights)
    assert solution.status == "OPTIMAL"
    return solution.objective


def test_a_member_who_may_work_one_day_leaves_the_other_shift_empty_in_the_bound_too():
    # Three shifts on three days, two members who may each work at most one shift (8 h over the horizon):
    # one place stays empty in any roster, and a fraction of a roster can't cover it either.
    shifts = [shift(f"s{d}", d, under_weight=10) for d in range(3)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member(m, ids, max_total_minutes=8 * 60) for m in ("ann", "bob")])
    result = _bound(p, BENCH_LIKE)
    assert result.converged
    assert math.ceil(result.bound - 1e-6) == 10 == _optimum(p, BENCH_LIKE)


def test_a_run_rule_is_kept_whole_inside_each_roster():
    # Ann works runs of at least two days and may not work days 0 and 2: day 1 alone would be a run of
    # one, so it stays empty with them (three places). A fraction of a roster can't hold day 1 either.
    shifts = [shift(f"s{d}", d, under_weight=7) for d in range(5)]
    p = problem(shifts, [member("ann", {"s1", "s3", "s4"}, min_consecutive_days=2)], days=5)
    result = _bound(p, BENCH_LIKE)
    assert math.ceil(result.bound - 1e-6) == 21 == _optimum(p, BENCH_LIKE)


def test_no_bound_when_a_member_has_no_roster_within_their_own_rules():
    shifts = [shift("s0", 0)]
    p = problem(shifts, [member("ann", {"s0"}, min_total_minutes=16 * 60)])
    assert _bound(p, BENCH_LIKE).bound is None


@pytest.mark.parametrize("seed", range(6))
def test_the_bound_is_never_above_the_best_roster(seed):
    rng = random.Random(seed)
    shifts = []
    for d in range(5):
        shifts.append(shift(f"e{d}", d, 7, 15, kind="early", priority=rng.choice([1, 2]), continuity_group="ward"))
        shifts.append(shift(f"l{d}", d, 14, 22, kind="late", client_id="home"))
        if rng.random() < 0.6:
            shifts.append(night(f"n{d}", d, client_id="ward"))
    ids = [s.id for s in shifts]
    workers = [
        member(
            f"m{i}",
            rng.sample(ids, k=rng.randint(4, len(ids))),
            max_weekly_minutes=rng.choice([16, 24, 40]) * 60,
            wanted_weekly_minutes=rng.choice([0, 16 * 60, 30 * 60]),
            worked_for_clients=frozenset(rng.sample(["ward", "home"], k=rng.randint(0, 2))),
            preferred_kinds={"late": rng.randint(0, 3)},
            max_consecutive_days=rng.choice([2, 3, 6]),
        )
        for i in range(3)
    ]
    p = problem(shifts, workers, client_preferred_members={"home": frozenset({"m0"})})
    result = _bound(p)
    assert result.bound is not None
    assert result.bound <= _optimum(p) + 1e-6


def test_the_cover_part_counts_each_slack_at_its_cheapest():
    cover = [Cover("a", demand=2, cap=3, under_weight=10, over_weight=1)]
    # A price above the under-cover cost: leaving both places empty is cheaper than the price says.
    assert lagrangian_cover_part(cover, {"a": 12.0}) == pytest.approx(2 * 12 + 2 * (10 - 12))
    # A price below minus the over-cover cost: the extra place pays.
    assert lagrangian_cover_part(cover, {"a": -3.0}) == pytest.approx(2 * -3 + 1 * (1 - 3))
    assert lagrangian_cover_part(cover, {"a": 5.0}) == pytest.approx(10)


def test_generation_stops_once_the_bound_proves_the_roster_in_hand():
    shifts = [shift(f"s{d}", d, under_weight=10) for d in range(3)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member(m, ids, max_total_minutes=8 * 60) for m in ("ann", "bob")])
    result = _bound(p, BENCH_LIKE, stop_at=10)
    assert math.ceil(result.bound - 1e-6) >= 10


def test_a_generation_too_slow_for_the_rounds_it_needs_gives_up_after_its_first():
    p = _random_ward(0)
    unhurried = _bound(p, BENCH_LIKE)
    assert unhurried.converged and unhurried.iterations > 1
    # A million rounds in 30 s: no round is quick enough, so the first is the last.
    hurried = _bound(p, BENCH_LIKE, rounds_needed=1_000_000)
    assert hurried.iterations == 1 and not hurried.converged
    assert hurried.bound is None or hurried.bound <= unhurried.bound + 1e-6


def _random_ward(seed: int):
    rng = random.Random(seed)
    shifts = []
    for d in range(6):
        shifts.append(
            shift(
                f"e{d}",
                d,
                7,
                15,
                kind="early",
                under_weight=rng.choice([5, 10]),
                demand=2,
                over_weight=1,
                max_assigned=3,
            )
        )
        shifts.append(shift(f"l{d}", d, 14, 22, kind="late", under_weight=10))
    ids = [s.id for s in shifts]
    workers = [
        member(
            f"m{i}",
            rng.sample(ids, k=rng.randint(5, len(ids))),
            max_consecutive_days=rng.choice([2, 3]),
            max_total_minutes=rng.choice([24, 32]) * 60,
            max_shifts_per_day=1,
        )
        for i in range(4)
    ]
    return problem(shifts, workers)


@pytest.mark.parametrize("seed", range(4))
def test_reduced_cost_fixing_never_cuts_off_a_best_roster(seed):
    p = _random_ward(seed)
    best = solve(p, SolveParameters(time_limit_s=20, num_workers=1, explain=False), weights=BENCH_LIKE)
    assert best.status == "OPTIMAL"
    found = _bound(p, BENCH_LIKE)
    fixed = margins(found, deadline=time.perf_counter() + 30).fixed_below(best.objective)
    assert fixed, "the prices fix some pairs"
    held = {(a.member_id, a.shift_id) for a in best.assignments}
    assert all(((wid, sid) in held) == worked for (wid, sid), worked in fixed.items())


def test_no_roster_below_the_bound_is_left_to_search():
    p = _random_ward(0)
    found = _bound(p, BENCH_LIKE)
    assert margins(found, deadline=time.perf_counter() + 30).fixed_below(math.ceil(found.bound - 1e-6) - 1) is None


@pytest.mark.parametrize("seed", range(3))
def test_the_phased_strategy_climbs_from_the_columns_bound_to_a_proven_optimum(seed):
    from scheduling import validate_roster

    p = _random_ward(seed)
    optimum = _optimum(p, BENCH_LIKE)
    phased = solve(
        p, SolveParameters(time_limit_s=20, num_workers=1, explain=False, strategy="phased"), weights=BENCH_LIKE
    )
    assert (phased.status, phased.objective, phased.best_bound) == ("OPTIMAL", optimum, optimum)
    assert validate_roster(p, [(a.shift_id, a.member_id) for a in phased.assignments]) == []


def test_progress_keeps_a_bound_below_zero_and_a_floor_stops_the_search_at_a_roster_reaching_it():
    from ortools.sat.python import cp_model

    from scheduling.cpsat import ProgressCallback

    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{i}") for i in range(6)]
    model.add(sum(xs) <= 3)
    model.minimize(-sum(xs))  # a reward: the best roster costs -3
    seen = []
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model, ProgressCallback(lambda o, b, t: seen.append((o, b)))) == cp_model.OPTIMAL
    assert seen[-1] == (-3, -3)  # no floor: CP-SAT's own bound, below zero, passes through
    floored = []
    solver.solve(model, ProgressCallback(lambda o, b, t: floored.append((o, b)), floor=0))
    # Every roster here costs at most 0, the floor: the first one found ends the search, the floor its bound.
    assert len(floored) == 1 and floored[0][1] >= 0


@pytest.mark.parametrize("seed", range(3))
def test_the_masters_shares_give_each_member_at_most_one_roster_and_each_shift_at_most_its_cap(seed):
    p = _random_ward(seed)
    found = _bound(p, BENCH_LIKE)
    assert found.converged and found.worked
    for share in found.worked.values():
        assert 0 < share <= 1 + 1e-6
    caps = {s.id: s.cap for s in p.shifts}
    for sid, cap in caps.items():
        assert sum(v for (_wid, s), v in found.worked.items() if s == sid) <= cap + 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_a_dive_from_the_columns_gives_a_roster_within_the_rules_never_below_their_bound(seed):
    from scheduling import validate_roster
    from scheduling.strategies.phased import _dive

    p = _random_ward(seed)
    found = _bound(p, BENCH_LIKE)
    floor = math.ceil(found.bound - 1e-6)
    parameters = SolveParameters(time_limit_s=40, num_workers=1, explain=False)  # 10 s for the dive
    dived = _dive(p, found, parameters, BENCH_LIKE, floor=floor, progress=None, started=time.perf_counter())
    assert dived is not None
    built, solver = dived
    pairs = [(sid, wid) for (wid, sid), var in built.rm.x.items() if solver.boolean_value(var)]
    assert validate_roster(p, pairs) == []
    assert round(solver.objective_value) >= floor


def test_no_dive_without_a_master_solution():
    from scheduling.columns import ColumnBound
    from scheduling.strategies.phased import _dive

    p = _random_ward(0)
    parameters = SolveParameters(time_limit_s=5, num_workers=1)  # time enough: only the master is missing
    now = time.perf_counter()
    assert _dive(p, ColumnBound(bound=None), parameters, BENCH_LIKE, floor=None, progress=None, started=now) is None
    assert _dive(p, ColumnBound(bound=3.0), parameters, BENCH_LIKE, floor=3, progress=None, started=now) is None


def test_a_large_model_dives_only_when_the_generation_came_near_its_relaxations_value():
    from scheduling.columns import ColumnBound
    from scheduling.strategies.phased import near_converged

    assert near_converged(ColumnBound(bound=4023.07, master_value=4041.0))  # Instance12 after 25 s
    assert not near_converged(ColumnBound(bound=220.0, master_value=5649.16))  # Instance13 after 60 s
    assert not near_converged(ColumnBound(bound=None, master_value=10.0))
    assert not near_converged(ColumnBound(bound=3.0))


def test_the_master_without_glops_presolve_solves_to_the_same_value_and_prices():
    from scheduling.columns import GLOP_FALLBACK, _Master

    cover = [Cover("a", demand=2, cap=3, under_weight=10, over_weight=1), Cover("b", 1, 1, 7, 0)]
    master = _Master(cover, ["ann", "bob"], big=1000)
    for wid, roster, cost in [("ann", {"a"}, 1), ("ann", {"a", "b"}, 4), ("bob", {"a"}, 2), ("bob", set(), 0)]:
        master.add(wid, frozenset(roster), cost)
    value, _prices, _duals = master.solve()
    fallback = master.rebuilt(GLOP_FALLBACK)
    assert fallback.glop == GLOP_FALLBACK and len(fallback.columns) == 4
    again, _p, _d = fallback.solve()
    assert again == pytest.approx(value) == pytest.approx(6)  # ann works a and b (4), bob a (2): nothing short
