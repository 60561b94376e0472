"""Hard rules: one function per rule, each adding constraints to a :class:`RosterModel`.

Eligibility itself is not a constraint here: variables exist only for eligible, non-clashing pairs
(:mod:`scheduling.candidates`). The functions run in the order of ``HARD``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from scheduling.model import RosterModel, Term


def add_no_overlap_and_min_rest(rm: RosterModel) -> None:
    """Hard: no two shifts of a worker overlap, and at least ``min_rest_minutes`` lie between them
    (RULES §0.1).

    Stretching each shift to [start, end + rest) makes "conflict" the same as "stretched intervals
    overlap", an interval graph; one at-most-one per distinct start time covers every maximal clique,
    which is both smaller and tighter than pairwise constraints.
    """
    for worker in rm.problem.workers:
        shifts = sorted(rm.candidates.shifts_of[worker.id], key=lambda s: s.start)
        rest = worker.min_rest_minutes
        active: list = []
        last: frozenset[str] = frozenset()
        for i, shift in enumerate(shifts):
            point = shift.start
            active = [s for s in active if s.end + rest > point]
            active.append(shift)
            if i + 1 < len(shifts) and shifts[i + 1].start == point:
                continue  # the clique at this point is complete only after its last starter
            ids = frozenset(s.id for s in active)
            if len(ids) > 1 and not ids <= last:
                rm.model.add_at_most_one(rm.x[worker.id, s.id] for s in active)
                last = ids


def add_max_shifts_per_day(rm: RosterModel) -> None:
    """Hard: at most ``max_shifts_per_day`` shifts start on one day (benchmark rule; fixed shifts count)."""
    for worker in rm.problem.workers:
        if worker.max_shifts_per_day is None:
            continue
        for day in rm.day_range(worker):
            shifts = rm.shifts_on(worker.id, day)
            fixed = sum(1 for f in worker.fixed_shifts if f.day == day)
            if len(shifts) + fixed > worker.max_shifts_per_day:
                terms = [rm.x[worker.id, s.id] for s in shifts]
                if worker.max_shifts_per_day - fixed == 1:
                    rm.model.add_at_most_one(terms)
                else:
                    rm.model.add(sum(terms) <= worker.max_shifts_per_day - fixed)


def add_max_weekly_minutes(rm: RosterModel) -> None:
    """Hard: minutes worked in each ISO week (Mon–Sun), fixed shifts included, stay within the
    worker's weekly maximum (RULES §0.2: 48 h unless opted out, never above the member's own maximum)."""
    horizon = rm.problem.horizon
    for worker in rm.problem.workers:
        if worker.max_weekly_minutes is None:
            continue
        by_week: dict[int, list] = defaultdict(list)
        for shift in rm.candidates.shifts_of[worker.id]:
            by_week[horizon.week_of_day(shift.day)].append(shift)
        for week, shifts in by_week.items():
            fixed = sum(f.minutes for f in worker.fixed_shifts if horizon.week_of_day(f.day) == week)
            if fixed + sum(s.minutes for s in shifts) > worker.max_weekly_minutes:
                rm.model.add(
                    sum(s.minutes * rm.x[worker.id, s.id] for s in shifts)
                    <= worker.max_weekly_minutes - fixed
                )


def _add_max_in_window(rm: RosterModel, terms: list[Term], limit: int) -> None:
    """At most ``limit`` of every ``limit + 1`` consecutive terms are 1."""
    for i in range(len(terms) - limit):
        window = terms[i : i + limit + 1]
        constant = sum(t for t in window if isinstance(t, int))
        lits = [t for t in window if not isinstance(t, int)]
        if constant + len(lits) > limit:
            rm.model.add(sum(lits) <= limit - constant)


def add_max_consecutive_days(rm: RosterModel) -> None:
    """Hard: at most ``max_consecutive_days`` working days in a row, fixed shifts included (RULES §0.3)."""
    for worker in rm.problem.workers:
        if worker.max_consecutive_days is None:
            continue
        terms = [rm.works_on(worker.id, d) for d in rm.day_range(worker)]
        _add_max_in_window(rm, terms, worker.max_consecutive_days)


def add_max_consecutive_nights(rm: RosterModel) -> None:
    """Hard: at most ``max_consecutive_nights`` night shifts on consecutive days (RULES §0.4)."""
    for worker in rm.problem.workers:
        if worker.max_consecutive_nights is None:
            continue
        has_night = any(s.is_night for s in rm.candidates.shifts_of[worker.id])
        if not has_night:
            continue
        terms = [rm.nights_on(worker.id, d) for d in rm.day_range(worker)]
        _add_max_in_window(rm, terms, worker.max_consecutive_nights)


def add_night_succession(rm: RosterModel) -> None:
    """Hard: after a night shift, no non-night shift may start within the gap (24 h) of its end
    (RULES §0.5). Clashes with fixed shifts were already removed from the candidates."""
    gap = rm.problem.night_succession_gap_minutes
    if gap is None:
        return
    for worker in rm.problem.workers:
        shifts = rm.candidates.shifts_of[worker.id]
        nights = [s for s in shifts if s.is_night]
        others = [s for s in shifts if not s.is_night]
        for night in nights:
            for other in others:
                if night.end <= other.start < night.end + gap:
                    rm.model.add_bool_or([~rm.x[worker.id, night.id], ~rm.x[worker.id, other.id]])


def add_forbidden_successions(rm: RosterModel) -> None:
    """Hard: a shift of kind t on day d may not be followed by a kind u on day d+1 when (t, u) is in
    ``forbidden_successions`` (benchmark rule; the co-op can use it for kind pairs too)."""
    forbidden = rm.problem.forbidden_successions
    if not forbidden:
        return
    for worker in rm.problem.workers:
        for day in rm.day_range(worker):
            today = rm.shifts_on(worker.id, day)
            tomorrow = rm.shifts_on(worker.id, day + 1)
            for shift in today:
                banned = [rm.x[worker.id, s.id] for s in tomorrow if (shift.kind, s.kind) in forbidden]
                if not banned:
                    continue
                first = rm.x[worker.id, shift.id]
                if worker.max_shifts_per_day == 1:
                    # One shift a day makes the banned shifts a clique with `first`.
                    rm.model.add_at_most_one([first, *banned])
                else:
                    for b in banned:
                        rm.model.add_bool_or([~first, ~b])


def add_max_shifts_by_kind(rm: RosterModel) -> None:
    """Hard: at most ``max_shifts_by_kind[kind]`` shifts of each kind over the horizon (fixed included)."""
    for worker in rm.problem.workers:
        for kind, limit in worker.max_shifts_by_kind.items():
            shifts = [s for s in rm.candidates.shifts_of[worker.id] if s.kind == kind]
            fixed = sum(
                1 for f in worker.fixed_shifts if f.kind == kind and 0 <= f.day < rm.problem.horizon.num_days
            )
            if len(shifts) + fixed > limit:
                rm.model.add(sum(rm.x[worker.id, s.id] for s in shifts) <= limit - fixed)


def add_total_minutes_bounds(rm: RosterModel) -> None:
    """Hard: total minutes over the horizon (fixed included) within [min_total, max_total]."""
    for worker in rm.problem.workers:
        if worker.min_total_minutes is None and worker.max_total_minutes is None:
            continue
        shifts = rm.candidates.shifts_of[worker.id]
        fixed = sum(f.minutes for f in worker.fixed_shifts if 0 <= f.day < rm.problem.horizon.num_days)
        total = sum(s.minutes * rm.x[worker.id, s.id] for s in shifts)
        if worker.max_total_minutes is not None:
            rm.model.add(total <= worker.max_total_minutes - fixed)
        if worker.min_total_minutes is not None:
            rm.model.add(total >= worker.min_total_minutes - fixed)


def _forbid_short_runs(rm: RosterModel, worker_id: str, min_run: int, working: bool) -> None:
    """Forbid a run of fewer than ``min_run`` days (working or off) bounded on both sides inside the
    horizon; runs touching the horizon start or end are exempt."""
    h = rm.problem.horizon.num_days
    days = [rm.works_on(worker_id, d) for d in range(h)]
    for length in range(1, min_run):
        for first in range(1, h - length):
            last = first + length - 1
            # Not (border, run of `length`, border): a border takes the run's value or a run day doesn't.
            clause = [(days[first - 1], working)]
            clause += [(days[d], not working) for d in range(first, last + 1)]
            clause.append((days[last + 1], working))
            rm.add_clause(clause)


def add_min_consecutive_days(rm: RosterModel) -> None:
    """Hard: working runs last at least ``min_consecutive_days`` days (benchmark rule)."""
    for worker in rm.problem.workers:
        if worker.min_consecutive_days > 1:
            _forbid_short_runs(rm, worker.id, worker.min_consecutive_days, working=True)


def add_min_consecutive_days_off(rm: RosterModel) -> None:
    """Hard: runs of days off last at least ``min_consecutive_days_off`` days (benchmark rule)."""
    for worker in rm.problem.workers:
        if worker.min_consecutive_days_off > 1:
            _forbid_short_runs(rm, worker.id, worker.min_consecutive_days_off, working=False)


def weekends(rm: RosterModel) -> list[list[int]]:
    """Day indices of each weekend (Saturday and Sunday) inside the horizon."""
    horizon = rm.problem.horizon
    by_week: dict[int, list[int]] = defaultdict(list)
    for day in range(horizon.num_days):
        if horizon.weekday(day) >= 5:
            by_week[horizon.week_of_day(day)].append(day)
    return [by_week[w] for w in sorted(by_week)]


def add_max_weekends(rm: RosterModel) -> None:
    """Hard: at most ``max_weekends`` weekends with any work (benchmark rule)."""
    for worker in rm.problem.workers:
        if worker.max_weekends is None:
            continue
        worked: list[Term] = []
        for days in weekends(rm):
            terms = [rm.works_on(worker.id, d) for d in days]
            if any(isinstance(t, int) and t == 1 for t in terms):
                worked.append(1)
                continue
            lits = [t for t in terms if not isinstance(t, int)]
            if not lits:
                continue
            if len(lits) == 1:
                worked.append(lits[0])
                continue
            k = rm.model.new_bool_var(f"weekend(worker={worker.id},day={days[0]})")
            rm.model.add_max_equality(k, lits)
            worked.append(k)
        constant = sum(t for t in worked if isinstance(t, int))
        lits = [t for t in worked if not isinstance(t, int)]
        if constant + len(lits) > worker.max_weekends:
            rm.model.add(sum(lits) <= worker.max_weekends - constant)


def add_shift_max_assigned(rm: RosterModel) -> None:
    """Hard: never more people on a shift than ``Shift.cap`` (co-op: never more than asked)."""
    for shift in rm.problem.shifts:
        workers = rm.candidates.workers_of[shift.id]
        if len(workers) > shift.cap:
            rm.model.add(sum(rm.x[w, shift.id] for w in workers) <= shift.cap)


HARD: tuple[Callable[[RosterModel], None], ...] = (
    add_no_overlap_and_min_rest,
    add_max_shifts_per_day,
    add_max_weekly_minutes,
    add_max_consecutive_days,
    add_max_consecutive_nights,
    add_night_succession,
    add_forbidden_successions,
    add_max_shifts_by_kind,
    add_total_minutes_bounds,
    add_min_consecutive_days,
    add_min_consecutive_days_off,
    add_max_weekends,
    add_shift_max_assigned,
)
