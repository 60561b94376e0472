"""The local fill search (scheduling.refill): re-rostering a few members over a few days fills more,
never breaks a rule, and never leaves a roster worse."""

from __future__ import annotations

import random
import time
from collections import Counter

from scheduling import DEFAULT_WEIGHTS, SolveParameters, solve, validate_roster
from scheduling.refill import FILL_ONLY, MIN_SHARE, NEIGHBOURHOODS, _Moves, refill, sub_problem, unfilled_cost
from tests.scheduling.builders import member, night, problem, shift


def test_a_member_gives_up_a_shift_a_colleague_can_take_so_an_empty_one_is_filled():
    # Only ann can take "ward"; the greedy roster put her on "school", which bob could take too.
    shifts = [shift("school", 0), shift("ward", 0, 9, 17)]
    p = problem(shifts, [member("ann", {"school", "ward"}), member("bob", {"school"})])
    assert unfilled_cost(p, {("school", "ann")}) == 1

    better = refill(p, {("school", "ann")}, deadline=time.perf_counter() + 5, seed=1)

    assert better == {("school", "bob"), ("ward", "ann")}
    assert validate_roster(p, sorted(better)) == []


def test_the_local_search_stops_when_told_before_its_deadline():
    shifts = [shift("school", 0), shift("ward", 0, 9, 17)]
    p = problem(shifts, [member("ann", {"school", "ward"}), member("bob", {"school"})])

    began = time.perf_counter()
    same = refill(p, {("school", "ann")}, deadline=began + 30, seed=1, stop=lambda: True)

    assert same == {("school", "ann")} and time.perf_counter() - began < 5


def test_a_sub_problem_keeps_the_rest_of_the_roster_as_fixed_shifts_and_what_others_give():
    shifts = [shift("mon", 0), shift("tue", 1, demand=2), shift("fri", 4)]
    ids = [s.id for s in shifts]
    p = problem(shifts, [member("ann", ids), member("bob", ids)])
    roster = {("mon", "ann"), ("tue", "bob"), ("fri", "ann")}

    sub = sub_problem(p, roster, {"ann"}, range(0, 2))

    assert {s.id: s.demand for s in sub.shifts} == {"mon": 1, "tue": 1}  # bob already gives "tue" one
    (ann,) = sub.workers
    assert [f.id for f in ann.fixed_shifts] == ["fri"]
    assert ann.eligible_shift_ids == {"mon", "tue"}


def test_refilling_never_breaks_a_rule_or_leaves_the_roster_worse():
    # A week of days and nights for four members with a 24-hour weekly cap: not everything fits.
    shifts = [shift(f"d{d}", d) for d in range(7)] + [night(f"n{d}", d) for d in range(7)]
    ids = [s.id for s in shifts]
    workers = [member(m, ids, max_weekly_minutes=24 * 60) for m in ("ann", "bob", "cat", "dan")]
    p = problem(shifts, workers)
    start = {("d0", "ann"), ("d1", "bob")}

    better = refill(p, start, deadline=time.perf_counter() + 5, seed=2, members_per_move=2)

    assert validate_roster(p, sorted(better)) == []
    assert unfilled_cost(p, better) < unfilled_cost(p, start)
    # On a roster this small the local search reaches what CP-SAT proves is the most that can be filled.
    best = solve(p, SolveParameters(time_limit_s=5, num_workers=1), weights=FILL_ONLY)
    assert best.status == "OPTIMAL"
    assert unfilled_cost(p, better) == unfilled_cost(p, {(a.shift_id, a.member_id) for a in best.assignments})


def _cost(p, roster) -> int:
    from scheduling.constraints import HARD
    from scheduling.model import RosterModel
    from scheduling.objective import build_objective
    from scheduling.refill import _sub_cost

    rm = RosterModel.build(p)
    for add_rule in HARD:
        add_rule(rm)
    build_objective(rm, DEFAULT_WEIGHTS)
    return _sub_cost(rm, roster)


def test_improving_a_benchmark_style_roster_lowers_its_cost_to_the_optimum_and_keeps_the_rules():
    # Cover of two a day with under/over weights and on/off requests: every term is a member's own or a
    # shift's cover, so a move's gain is the whole roster's gain.
    from scheduling import ShiftRequest
    from scheduling.refill import improve

    shifts = [shift(f"d{d}", d, demand=2, max_assigned=3, under_weight=100, over_weight=1) for d in range(7)]
    ids = [s.id for s in shifts]
    wishes = (ShiftRequest("d2", 30, on=False), ShiftRequest("d5", 20, on=True))
    workers = [member(m, ids, max_consecutive_days=4, shift_requests=wishes if m == "a" else ()) for m in "abc"]
    p = problem(shifts, workers)
    start = {(f"d{d}", "a") for d in range(4)}  # one member on four days: most cover missing
    best = solve(p, SolveParameters(time_limit_s=5, num_workers=1))
    assert best.status == "OPTIMAL"

    better = improve(p, start, DEFAULT_WEIGHTS, deadline=time.perf_counter() + 3, seed=3)

    assert validate_roster(p, sorted(better)) == []
    assert _cost(p, better) == best.objective < _cost(p, start)


def test_a_short_move_re_rosters_members_who_may_take_a_short_shift_around_its_day():
    shifts = [shift(f"d{d}", d, demand=1 if d != 5 else 2, under_weight=100) for d in range(7)]
    ids = [s.id for s in shifts]
    workers = [member(m, ids) for m in "abc"] + [member("z", [i for i in ids if i != "d5"])]
    p = problem(shifts, workers)
    roster = {(f"d{d}", "a") for d in range(7) if d != 5} | {("d5", "b")}  # d5 is one short
    moves = _Moves(p, random.Random(0))

    for _ in range(20):
        members, window = moves.choose("short", roster)
        assert 5 in window and len(window) == 2
        assert "z" not in members  # z may not take d5


def test_every_neighbourhood_keeps_a_share_of_the_moves_after_another_paid_much_more():
    p = problem([shift("d0", 0)], [member("a", {"d0"})])
    moves = _Moves(p, random.Random(1))
    for _ in range(50):
        moves.record("days", 10_000, 0.1, proven=False)
    picks = Counter(moves.pick() for _ in range(3000))
    assert set(picks) == set(NEIGHBOURHOODS)
    assert all(picks[k] > 0.6 * MIN_SHARE * 3000 for k in NEIGHBOURHOODS if k != "days")


def test_every_kind_of_move_fits_a_one_day_horizon():
    shifts = [shift("early", 0, 6, 14, demand=2, under_weight=100), shift("late", 0, 14, 22, under_weight=100)]
    p = problem(shifts, [member(m, {"early", "late"}) for m in "abc"], days=1)
    moves = _Moves(p, random.Random(2))
    for kind in NEIGHBOURHOODS:
        members, window = moves.choose(kind, {("early", "a")})
        assert window == range(0, 1) and members
