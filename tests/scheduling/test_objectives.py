"""One test per objective term, on 2–3-member problems where only that term decides."""

from __future__ import annotations

import random

import pytest
from ortools.sat.python import cp_model

from scheduling import SolveParameters, Weights, solve
from scheduling.cpsat import build
from scheduling.objective import least_soft_cost, objective_expr
from tests.scheduling.builders import FAST, assignment, member, problem, shift, solve_checked


def test_fill_beats_every_other_term_combined():
    # Giving "a" to ann would gain continuity, history, preference and client preference, but would leave
    # "b" unfilled (ann is the only one for b); filling both wins.
    shifts = [
        shift("a0", 0, client_id="c", continuity_group="g"),
        shift("a", 1, client_id="c", continuity_group="g"),
        shift("b", 1, 9, 17),
    ]
    ann = member("ann", ["a0", "a", "b"], worked_for_clients=frozenset({"c"}), preferred_clients={"c": 50})
    bob = member("bob", ["a", "a0"], travel_metres={"a": 90_000, "a0": 90_000})
    p = problem(shifts, [ann, bob], client_preferred_members={"c": frozenset({"ann"})})
    solution = solve_checked(p)
    assert solution.unfilled == ()
    assert solution.members_of("b") == ["ann"]


def test_continuity_run_keeps_the_same_member_across_days():
    shifts = [shift(f"cls{d}", d, continuity_group="year3") for d in range(3)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member("ann", ids), member("bob", ids)])
    solution = solve_checked(p)
    assert len({a.member_id for a in solution.assignments}) == 1
    assert "continuity_run" in solution.assignments[1].reasons
    assert (solution.continuity_pairs_kept, solution.continuity_pairs_total) == (2, 2)


def test_member_who_worked_here_before_is_preferred():
    p = problem(
        [shift("s", 0, client_id="ysgol")],
        [member("ann", ["s"]), member("bob", ["s"], worked_for_clients=frozenset({"ysgol"}))],
    )
    solution = solve_checked(p)
    assert solution.members_of("s") == ["bob"]
    assert "worked_here_before" in assignment(solution, "s", "bob").reasons


def test_client_preferred_member_is_chosen():
    p = problem(
        [shift("s", 0, client_id="ward7")],
        [member("ann", ["s"]), member("bob", ["s"])],
        client_preferred_members={"ward7": frozenset({"ann"})},
    )
    solution = solve_checked(p)
    assert solution.members_of("s") == ["ann"]
    assert "preferred_by_client" in assignment(solution, "s", "ann").reasons


def test_fairness_spreads_work_in_proportion_to_hours_wanted():
    # ann mildly prefers the kind, but bob wants the hours too: fairness outweighs the preference.
    shifts = [shift("s0", 0, kind="early"), shift("s1", 1, kind="early")]
    ann = member("ann", ["s0", "s1"], wanted_weekly_minutes=480, preferred_kinds={"early": 1})
    bob = member("bob", ["s0", "s1"], wanted_weekly_minutes=480)
    solution = solve_checked(problem(shifts, [ann, bob]))
    assert sorted(a.member_id for a in solution.assignments) == ["ann", "bob"]
    figures = {f.member_id: f for f in solution.fairness}
    assert figures["bob"].wanted_minutes == 480 and figures["bob"].shortfall_minutes == 0
    assert all("fairness" in a.reasons for a in solution.assignments)


def test_fairness_measures_shortfall_in_minutes():
    shifts = [shift("s0", 0)]
    p = problem(shifts, [member("ann", ["s0"], wanted_weekly_minutes=960)])
    (figure,) = solve_checked(p).fairness
    assert (figure.wanted_minutes, figure.assigned_minutes, figure.shortfall_minutes) == (960, 480, 480)


def test_member_preference_for_client_kind_and_day():
    p = problem(
        [shift("s", 0, client_id="home", kind="am")],
        [member("ann", ["s"]), member("bob", ["s"], preferred_clients={"home": 2})],
    )
    solution = solve_checked(p)
    assert solution.members_of("s") == ["bob"]
    assert "member_prefers_client" in assignment(solution, "s", "bob").reasons
    p = problem([shift("s", 0, kind="am")], [member("ann", ["s"], preferred_weekdays={0: 1}), member("bob", ["s"])])
    assert "member_prefers_day" in assignment(solve_checked(p), "s", "ann").reasons


def test_nearer_member_is_sent():
    p = problem(
        [shift("s", 0)],
        [member("ann", ["s"], travel_metres={"s": 25_000}), member("bob", ["s"], travel_metres={"s": 3_000})],
    )
    solution = solve_checked(p)
    assert solution.members_of("s") == ["bob"]
    assert "near" in assignment(solution, "s", "bob").reasons


def test_changed_weights_change_the_trade_off():
    # With travel weighted above history, the near member wins over the one who worked there.
    p = problem(
        [shift("s", 0, client_id="c")],
        [
            member("ann", ["s"], worked_for_clients=frozenset({"c"}), travel_metres={"s": 40_000}),
            member("bob", ["s"], travel_metres={"s": 1_000}),
        ],
    )
    assert solve_checked(p).members_of("s") == ["ann"]
    assert solve_checked(p, weights=Weights(travel_per_km=100)).members_of("s") == ["bob"]


def test_same_seed_gives_the_same_roster():
    shifts = [shift(f"s{d}", d) for d in range(5)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member(m, ids, wanted_weekly_minutes=960) for m in ("ann", "bob", "cat")])
    params = SolveParameters(time_limit_s=5, num_workers=1, random_seed=7)
    first, second = solve(p, params), solve(p, params)
    assert first.assignments == second.assignments


def test_progress_callback_reports_objective_bound_and_time():
    seen = []
    p = problem([shift("s", 0)], [member("ann", ["s"])])
    solve(p, FAST, progress=lambda obj, bound, t: seen.append((obj, bound, t)))
    assert seen and seen[-1][0] >= seen[-1][1]


def _rewarding_week(seed: int):
    """Five members who have all worked for both clients, two of them asked for, with wishes of their own
    (some negative), over a week of continuity runs: many more rewards on offer than places to earn them."""
    rng = random.Random(seed)
    shifts = [shift(f"c{d}", d, client_id="c", continuity_group="year3", demand=rng.choice([1, 2])) for d in range(5)]
    shifts += [shift(f"w{d}", d, 14, 22, client_id="w", kind="late") for d in range(7)]
    ids = [s.id for s in shifts]
    workers = [
        member(
            m,
            rng.sample(ids, 8),
            worked_for_clients=frozenset({"c", "w"}),
            preferred_clients={"c": rng.randint(-3, 5)},
            preferred_kinds={"late": rng.randint(-3, 5)},
            travel_metres={sid: rng.randint(0, 20_000) for sid in ids},
            wanted_weekly_minutes=rng.choice([0, 16, 24]) * 60,
        )
        for m in ("ann", "bob", "cat", "dan", "eve")
    ]
    return problem(shifts, workers, client_preferred_members={"c": frozenset({"ann", "bob"}), "w": frozenset({"cat"})})


@pytest.mark.parametrize("seed", range(4))
def test_the_least_soft_cost_is_never_above_what_the_best_roster_earns(seed):
    built = build(_rewarding_week(seed), redundant=False)
    rm = built.rm
    soft = [p for p in built.penalties if p.term not in ("fill", "over_cover")]
    least = least_soft_cost(rm, soft)
    rm.model.minimize(objective_expr(soft))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 2
    assert solver.solve(rm.model) == cp_model.OPTIMAL

    assert least <= solver.objective_value
    # and above every reward at once, which is what the bound was before
    assert least > sum(p.weight * p.upper for p in soft if p.weight < 0)


def test_a_shift_earns_its_rewards_for_no_more_members_than_it_takes():
    p = problem(
        [shift("s", 0, client_id="ysgol")],
        [member(m, ["s"], worked_for_clients=frozenset({"ysgol"})) for m in ("ann", "bob", "cat")],
    )
    built = build(p, redundant=False)
    soft = [p for p in built.penalties if p.term != "fill"]

    assert least_soft_cost(built.rm, soft) == -Weights().worked_here_before


@pytest.mark.parametrize("seed", range(3))
def test_the_staged_bound_with_an_unproven_fill_is_never_above_the_best_roster(seed):
    p = _rewarding_week(seed)
    best = solve(p, SolveParameters(time_limit_s=10, num_workers=2))
    assert best.status == "OPTIMAL"
    # No time for the fill's own search: the roster given stands, its fill unproven (only the places nobody
    # may take bound it), and the bound is the fill's bound with the least the soft terms can cost.
    given = [(a.shift_id, a.member_id) for a in best.assignments][1:]
    staged = solve(p, SolveParameters(time_limit_s=3, num_workers=1, strategy="staged", fill_fraction=0.0), hint=given)

    assert staged.stages["fill"]["status"] == "FEASIBLE"
    assert staged.best_bound <= best.objective <= staged.objective
