"""The fixed-shift index answers the rules' questions exactly as scanning every fixed shift would."""

from __future__ import annotations

import random

from scheduling.candidates import clash_with_fixed, exclusion_reason
from scheduling.fixed import FixedIndex
from scheduling.problem import FixedShift
from tests.scheduling.builders import at, member, problem, shift


def _scanned_clashes(p, worker, s) -> set[str]:
    """Every clash reason of ``s`` with any fixed shift, by scanning them all."""
    return {r for f in worker.fixed_shifts if (r := clash_with_fixed(p, worker, s, f))}


def _random_fixed(rng: random.Random, n: int, days: int) -> tuple[FixedShift, ...]:
    out = []
    for i in range(n):
        day = rng.randrange(-3, days + 3)
        start = at(day, rng.choice([0, 6, 7.5, 14, 20, 23.5]))
        out.append(
            FixedShift(
                id=f"f{i}",
                day=day,
                start=start,
                end=start + rng.choice([240, 480, 720, 750]),
                kind=rng.choice(["early", "late", "night"]),
                is_night=rng.random() < 0.3,
            )
        )
    return tuple(out)


def test_clashes_found_through_the_index_are_those_a_full_scan_finds():
    rng = random.Random(7)
    forbidden = frozenset({("night", "early"), ("late", "early")})
    for trial in range(40):
        shifts = [
            shift(f"s{d}_{h}", d, h, (h + 8) % 24, kind=k)
            for d in range(10)
            for h, k in ((6, "early"), (14, "late"), (22, "night"))
        ]
        worker = member(
            "ann",
            [s.id for s in shifts],
            fixed_shifts=_random_fixed(rng, rng.randrange(0, 12), 10),
            min_rest_minutes=rng.choice([0, 660, 1440]),
            max_weekly_minutes=rng.choice([None, 2880]),
            max_total_minutes=rng.choice([None, 6000]),
            max_shifts_per_day=rng.choice([None, 1]),
        )
        p = problem(
            shifts,
            [worker],
            days=10,
            forbidden_successions=forbidden,
            night_succession_gap_minutes=rng.choice([None, 1440]),
        )
        index = FixedIndex.of(p, worker)
        for s in shifts:
            scanned = _scanned_clashes(p, worker, s)
            reason = exclusion_reason(p, worker, s, index)
            if scanned:
                assert reason in scanned, (trial, s.id, reason, scanned)
            else:
                assert reason not in {
                    "overlap_with_fixed_shift",
                    "rest_with_fixed_shift",
                    "night_succession_with_fixed_shift",
                    "forbidden_succession_with_fixed_shift",
                }, (trial, s.id, reason)


def test_index_counts_fixed_minutes_by_week_and_horizon_and_shifts_by_day_and_kind():
    held = (
        FixedShift(id="a", day=-1, start=at(-1, 8), end=at(-1, 16), kind="early"),
        FixedShift(id="b", day=0, start=at(0, 8), end=at(0, 12), kind="early"),
        FixedShift(id="c", day=0, start=at(0, 13), end=at(0, 17), kind="late"),
        FixedShift(id="d", day=8, start=at(8, 20), end=at(9, 8), kind="night", is_night=True),
    )
    worker = member("ann", [], fixed_shifts=held)
    index = FixedIndex.of(problem([], [worker], days=14), worker)  # the horizon starts on a Monday
    assert index.minutes_by_week[-1] == 480 and index.minutes_by_week[0] == 480 and index.minutes_by_week[1] == 720
    assert index.minutes_in_horizon == 480 + 720  # the Sunday before the horizon doesn't count
    assert index.per_day[0] == 2 and index.per_day[8] == 1 and index.per_day[3] == 0
    assert index.kinds_in_horizon == {"early": 1, "late": 1, "night": 1}
    assert index.days == {-1, 0, 8} and index.night_days == {8}
