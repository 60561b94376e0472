"""A worker's fixed shifts, indexed by the questions the rules ask of them.

Every hard rule counts the shifts a worker already holds: on a day, in an ISO week, of a kind, over the
horizon, near a given time. Asked by scanning ``Worker.fixed_shifts``, each question costs the number of
fixed shifts, and a model asks it for every candidate pair and every day. That was fine for a week's
booking, but a neighbourhood search re-rosters a few members over a window of a long horizon with
everything else they hold fixed: on the benchmark's 52-week Instance24 each member carries some 250
fixed shifts, and the scans took a quarter of the search's time. The index answers each in constant time
(or, for shifts near a time, the logarithm of their number).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from scheduling.problem import FixedShift, RosterProblem, Worker

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class FixedIndex:
    """One worker's fixed shifts, by day, week, kind and start time (see the module docstring)."""

    by_start: tuple[FixedShift, ...]
    starts: tuple[int, ...]
    longest: int
    days: frozenset[int]
    night_days: frozenset[int]
    per_day: Counter[int]
    minutes_by_week: Counter[int]
    minutes_in_horizon: int
    kinds_in_horizon: Counter[str]
    group_days: frozenset[tuple[str, int]]
    """(continuity group, day) of every fixed shift with a group."""

    @classmethod
    def of(cls, problem: RosterProblem, worker: Worker) -> FixedIndex:
        horizon = problem.horizon
        fixed = sorted(worker.fixed_shifts, key=lambda f: f.start)
        inside = [f for f in fixed if 0 <= f.day < horizon.num_days]
        minutes_by_week: Counter[int] = Counter()
        for f in fixed:
            minutes_by_week[horizon.week_of_day(f.day)] += f.minutes
        return cls(
            by_start=tuple(fixed),
            starts=tuple(f.start for f in fixed),
            longest=max((f.minutes for f in fixed), default=0),
            days=frozenset(f.day for f in fixed),
            night_days=frozenset(f.day for f in fixed if f.is_night),
            per_day=Counter(f.day for f in fixed),
            minutes_by_week=minutes_by_week,
            minutes_in_horizon=sum(f.minutes for f in inside),
            kinds_in_horizon=Counter(f.kind for f in inside),
            group_days=frozenset((f.continuity_group, f.day) for f in fixed if f.continuity_group is not None),
        )

    def near(self, start: int, end: int, margin: int) -> tuple[FixedShift, ...]:
        """The fixed shifts that start or end within ``margin`` minutes of [start, end)."""
        lo = bisect_left(self.starts, start - margin - self.longest)
        hi = bisect_right(self.starts, end + margin)
        return self.by_start[lo:hi]


def index_fixed(problem: RosterProblem) -> dict[str, FixedIndex]:
    """Every worker's fixed-shift index, by worker id."""
    return {w.id: FixedIndex.of(problem, w) for w in problem.workers}


def clash_margin(problem: RosterProblem, worker: Worker) -> int:
    """How far apart (in minutes) a shift and a fixed shift can be and still clash: the rest time, the
    night-succession gap, and three days either side, for forbidden successions of consecutive days (two
    days apart at most, plus a clock change's hour)."""
    return max(worker.min_rest_minutes, problem.night_succession_gap_minutes or 0) + 3 * MINUTES_PER_DAY
