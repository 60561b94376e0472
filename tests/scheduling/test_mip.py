"""The fill as a MIP (scheduling.mip): the engine's own model translated for SCIP keeps every hard rule,
reaches CP-SAT's proven optimum, and uses only the pairs it is given."""

from __future__ import annotations

import importlib
import random

import pytest
from ortools.sat.python import cp_model

from scheduling import SolveParameters, solve, validate_roster
from scheduling.mip import Unsupported, fill_over, restricted, translate
from scheduling.model import RosterModel
from scheduling.objective import build_objective
from scheduling.refill import FILL_ONLY, unfilled_cost
from tests.scheduling.builders import fixed, member, night, problem, shift


def _week(seed: int):
    """Days, lates and nights for five members with weekly caps, a fixed shift and nights in a row: more
    asked than fits, so the rules decide what is left."""
    rng = random.Random(seed)
    shifts = (
        [shift(f"d{d}", d, demand=2) for d in range(7)]
        + [shift(f"l{d}", d, 14, 22, priority=2) for d in range(7)]
        + [night(f"n{d}", d) for d in range(7)]
    )
    ids = [s.id for s in shifts]
    workers = [
        member(m, rng.sample(ids, 14), max_weekly_minutes=rng.choice([24, 32, 40]) * 60, max_consecutive_nights=2)
        for m in ("ann", "bob", "cat", "dan", "eve")
    ]
    workers[0] = member("ann", workers[0].eligible_shift_ids, fixed_shifts=(fixed("held", 2, 8, 16),))
    return problem(shifts, workers)


def _optimum(p) -> int:
    best = solve(p, SolveParameters(time_limit_s=10, num_workers=1), weights=FILL_ONLY)
    assert best.status == "OPTIMAL"
    return unfilled_cost(p, {(a.shift_id, a.member_id) for a in best.assignments})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_mip_over_every_pair_reaches_cp_sats_optimum_within_the_rules(seed):
    p = _week(seed)
    every = {(sid, w.id) for w in p.workers for sid in w.eligible_shift_ids}

    found = fill_over(p, every, set(), time_limit_s=10)

    assert found is not None and found.proven
    assert validate_roster(p, sorted(found.roster)) == []
    assert unfilled_cost(p, found.roster) == _optimum(p)


def test_the_mip_uses_only_the_pairs_given_and_the_starting_roster():
    p = problem([shift("a", 0), shift("b", 1)], [member("ann", {"a", "b"}), member("bob", {"a", "b"})])

    found = fill_over(p, {("a", "ann")}, {("b", "bob")}, time_limit_s=5)

    assert found is not None and found.roster == {("a", "ann"), ("b", "bob")}


def test_restricting_never_makes_a_member_eligible_for_more():
    p = problem([shift("a", 0), shift("b", 1)], [member("ann", {"a"})])

    assert restricted(p, {("a", "ann"), ("b", "ann")}).workers[0].eligible_shift_ids == {"a"}
    assert restricted(p, set()).workers[0].eligible_shift_ids == frozenset()


def test_a_constraint_without_a_translation_is_refused_not_dropped():
    model = cp_model.CpModel()
    a, b = model.new_int_var(0, 3, "a"), model.new_int_var(0, 3, "b")
    model.add_multiplication_equality(a, [b, b])

    with pytest.raises(Unsupported, match="int_prod"):
        translate(model)


def test_an_enforced_linear_constraint_binds_only_when_its_literal_holds():
    model = cp_model.CpModel()
    on, x = model.new_bool_var("on"), model.new_int_var(0, 10, "x")
    model.add(x <= 3).only_enforce_if(on)
    model.maximize(x + 20 * on)

    mip = translate(model)
    mip.solver.Solve()

    assert [round(v.solution_value()) for v in mip.variables] == [1, 3]


def test_a_roster_the_checker_rejects_is_never_returned(monkeypatch):
    # As if the translation had lost every rule: SCIP puts ann on both clashing shifts, the checker refuses.
    def without_rules(sub, weights):
        rm = RosterModel.build(sub)
        build_objective(rm, weights)
        return rm

    mip_module = importlib.import_module("scheduling.mip")
    monkeypatch.setattr(mip_module, "engine_model", without_rules)
    monkeypatch.setattr(mip_module, "add_relaxed_rules", lambda *args: None)
    p = problem([shift("a", 0), shift("b", 0, 9, 17)], [member("ann", {"a", "b"})])

    assert fill_over(p, {("a", "ann"), ("b", "ann")}, set(), time_limit_s=5) is None
