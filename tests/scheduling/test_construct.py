"""The member-by-member first roster, and the phased strategy that starts from it on large models."""

from __future__ import annotations

import importlib
import time

from bench.curtois.checker import check
from bench.curtois.mapping import to_problem, to_roster
from bench.curtois.reader import parse_instance
from bench.curtois.run import solve_instance
from scheduling import DEFAULT_WEIGHTS, validate_roster
from scheduling.construct import member_by_member

# Two nurses, one day shift wanted every day of a week. Each may work at most 3 shifts and must work at
# least 2 (960 minutes), in runs of 2 to 3 days with at least 2 days off between runs: together they can
# cover 6 of the 7 days, and only if the second one takes the days the first one left.
TWO_NURSES = """
SECTION_HORIZON
7
SECTION_SHIFTS
D,480,
SECTION_STAFF
A,D=3,1440,960,3,2,2,1
B,D=3,1440,960,3,2,2,1
SECTION_COVER
0,D,1,100,50
1,D,1,100,50
2,D,1,100,50
3,D,1,100,50
4,D,1,100,50
5,D,1,100,50
6,D,1,100,50
"""


def test_each_member_takes_what_the_ones_before_left_open():
    instance = parse_instance(TWO_NURSES, "two nurses")
    problem = to_problem(instance)
    roster = member_by_member(problem, DEFAULT_WEIGHTS, deadline=time.perf_counter() + 5)
    assert roster is not None
    assert validate_roster(problem, sorted(roster)) == []
    days = [sid.split(":")[0] for sid, _ in roster]
    assert len(days) == 6 and len(set(days)) == 6  # six days covered, none twice
    checked = check(instance, to_roster(sorted(roster)))
    assert checked.violations == []
    assert checked.objective == 100  # the one day nobody can cover


def test_member_with_rules_no_roster_can_keep_leaves_no_roster():
    # At least 4 shifts (1,920 minutes) but at most 3 day shifts: no roster keeps both.
    impossible = TWO_NURSES.replace("A,D=3,1440,960", "A,D=3,2400,1920")
    problem = to_problem(parse_instance(impossible, "impossible"))
    assert member_by_member(problem, DEFAULT_WEIGHTS, deadline=time.perf_counter() + 5) is None


def _count_member_by_member(monkeypatch) -> list[int]:
    phased = importlib.import_module("scheduling.strategies.phased")
    built = []

    def counted(*args, **kwargs):
        built.append(1)
        return member_by_member(*args, **kwargs)

    monkeypatch.setattr(phased, "member_by_member", counted)
    # every model counts as large
    monkeypatch.setattr(importlib.import_module("scheduling.parameters"), "SUB_PROBLEM_SEARCH_ABOVE", 0)
    return built


def test_phased_strategy_on_a_large_model_without_columns_builds_then_improves_a_roster_the_checker_accepts(
    monkeypatch,
):
    built = _count_member_by_member(monkeypatch)
    result = solve_instance(parse_instance(TWO_NURSES, "two nurses"), time_limit_s=4, num_workers=2, column_fraction=0)
    assert built
    assert result.check.violations == []
    assert result.objective == result.check.objective == 100
    assert result.status == "FEASIBLE" and result.bound == 0  # no whole-model search, no columns: no bound


def test_phased_strategy_on_a_large_model_dives_from_converged_columns_to_a_roster_their_bound_proves(monkeypatch):
    built = _count_member_by_member(monkeypatch)
    result = solve_instance(parse_instance(TWO_NURSES, "two nurses"), time_limit_s=4, num_workers=2)
    assert not built  # the dive's roster reached the bound: no other first roster was needed
    assert result.check.violations == []
    assert result.objective == result.check.objective == 100
    assert result.status == "OPTIMAL" and result.bound == 100


def test_the_first_roster_gets_more_time_only_when_the_search_could_not_cover_the_model_once():
    from scheduling.parameters import CONSTRUCT_FRACTION
    from scheduling.strategies.phased import construct_fraction

    least, most = CONSTRUCT_FRACTION
    assert construct_fraction(35_260, 600) == least  # Instance20: the search goes over it many times
    assert least < construct_fraction(1_039_432, 600) < most  # Instance24
    assert construct_fraction(1_039_432, 60) == most


def test_a_member_without_a_roster_is_tried_again_with_new_seeds_until_the_run_must_give_up():
    from itertools import islice

    from scheduling.construct import RETRY_SECONDS, _attempts

    assert list(_attempts(0.5, None)) == [0.5, *RETRY_SECONDS]
    far = time.perf_counter() + 1000 * RETRY_SECONDS[-1]
    assert list(islice(_attempts(0.5, far), 8)) == [
        0.5,
        *RETRY_SECONDS,
        RETRY_SECONDS[-1],
        RETRY_SECONDS[-1],
        RETRY_SECONDS[-1],
    ]
    near = time.perf_counter() + RETRY_SECONDS[-1] / 2  # a further attempt would end after it
    assert list(_attempts(0.5, near)) == [0.5, *RETRY_SECONDS]
