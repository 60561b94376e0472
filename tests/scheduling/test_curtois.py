"""The Curtois & Qu benchmark reader, the independent checker, and the engine on Instance1."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from bench.curtois.checker import check
from bench.curtois.mapping import to_problem
from bench.curtois.reader import parse_instance, read_instance
from bench.curtois.run import solve_instance
from scheduling import SolveParameters, solve, validate_roster

# The published instances live in shared/ beside the checkout (not in the repo); COOP_CURTOIS_DIR overrides.
_CANDIDATES = [
    os.environ.get("COOP_CURTOIS_DIR", ""),
    Path(__file__).resolve().parents[2].parent / "shared/bench/curtois",
    "/work/shared/bench/curtois",
]
DATA = next((Path(c) for c in _CANDIDATES if c and (Path(c) / "Instance1.txt").exists()), Path("/nonexistent"))
pytestmark = pytest.mark.skipif(not (DATA / "Instance1.txt").exists(), reason="benchmark data not present")

TINY = """
SECTION_HORIZON
7
SECTION_SHIFTS
D,480,
N,600,D
SECTION_STAFF
A,D=7|N=1,4000,960,3,2,2,0
SECTION_DAYS_OFF
A,3
SECTION_SHIFT_ON_REQUESTS
A,0,D,4
SECTION_SHIFT_OFF_REQUESTS
A,1,D,5
SECTION_COVER
0,D,1,100,1
1,D,1,100,1
"""


def test_reader_parses_instance1():
    inst = read_instance(DATA / "Instance1.txt")
    assert (inst.name, inst.horizon, list(inst.shifts), len(inst.staff)) == ("Instance1", 14, ["D"], 8)
    a = inst.staff["A"]
    assert (a.max_shifts, a.max_total_minutes, a.min_total_minutes) == ({"D": 14}, 4320, 3360)
    assert (
        a.max_consecutive_shifts,
        a.min_consecutive_shifts,
        a.min_consecutive_days_off,
        a.max_weekends,
    ) == (5, 2, 2, 1)
    assert inst.days_off["A"] == frozenset({0})
    assert len(inst.on_requests) == 21 and len(inst.off_requests) == 5 and len(inst.cover) == 14


def test_checker_recomputes_objective_and_lists_violations():
    inst = parse_instance(TINY)
    assert inst.shifts["N"].cannot_follow == frozenset({"D"})
    # N then D breaks the succession, a one-day run breaks min-consecutive, Saturday breaks max weekends,
    # day 3 is a day off, and two N exceed the N maximum.
    result = check(inst, {"A": {"0": "N", "1": "D", "3": "N", "5": "D"}})
    text = " | ".join(result.violations)
    for expected in ("may not follow", "working run of 1 days", "weekends", "day off 3", "shifts N"):
        assert expected in text
    # On-request (day 0 D) missed: 4; off-request (day 1 D) hit: 5; cover day 0 D under by 1: 100.
    assert result.breakdown == {
        "shift_on_request": 4,
        "shift_off_request": 5,
        "under_cover": 100,
        "over_cover": 0,
    }
    assert result.objective == 109


def test_engine_solves_instance1_to_optimum_and_checker_agrees():
    result = solve_instance(read_instance(DATA / "Instance1.txt"), time_limit_s=20, num_workers=1)
    assert result.status == "OPTIMAL"
    assert result.objective == 607
    assert result.check.objective == 607
    assert result.check.violations == []


def test_engine_roster_for_a_tiny_instance_passes_the_checker():
    inst = parse_instance(TINY, "tiny")
    result = solve_instance(inst, time_limit_s=10, num_workers=1)
    assert result.check.violations == []
    assert result.check.objective == result.objective


def test_phased_strategy_with_our_neighbourhood_search_still_reaches_instance1_optimum(monkeypatch):
    phased = importlib.import_module("scheduling.strategies.phased")
    search = phased.large_neighbourhood_search
    moves = []

    def counted(*args, **kwargs):
        moves.append(1)
        return search(*args, **kwargs)

    monkeypatch.setattr(phased, "large_neighbourhood_search", counted)
    problem = to_problem(read_instance(DATA / "Instance1.txt"))
    # A first phase too short to prove anything, so the neighbourhood search gets the roster to improve.
    # The proof that follows gets 15 s: under a loaded machine (CI beside other jobs) 7 s were too few.
    # No columns: their bound and climb prove Instance1 before any neighbourhood search would run.
    parameters = SolveParameters(
        time_limit_s=20, num_workers=1, strategy="phased", first_fraction=0.0, lns_fraction=0.25, column_fraction=0.0
    )
    solution = solve(problem, parameters)
    assert moves
    assert solution.objective == 607
    assert validate_roster(problem, [(a.shift_id, a.member_id) for a in solution.assignments]) == []


def test_when_no_roster_lies_near_the_columns_bound_the_whole_model_still_proves_the_optimum():
    import time

    from scheduling.columns import column_bound
    from scheduling.cpsat import build
    from scheduling.objective import DEFAULT_WEIGHTS

    problem = to_problem(read_instance(DATA / "Instance1.txt"))
    lean = build(problem, DEFAULT_WEIGHTS, redundant=False)
    found = column_bound(problem, lean.penalties, DEFAULT_WEIGHTS, deadline=time.perf_counter() + 20)
    assert found.converged and found.bound < 600  # 558: no roster within two of it (the optimum is 607)
    result = solve_instance(read_instance(DATA / "Instance1.txt"), time_limit_s=20, num_workers=1)
    assert (result.status, result.objective, result.bound) == ("OPTIMAL", 607, 607)
