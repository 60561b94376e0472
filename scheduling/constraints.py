"""Hard rules: one function per rule, each adding constraints to a :class:`RosterModel`.

Eligibility itself is not a constraint here: variables exist only for eligible, non-clashing pairs
(:mod:`scheduling.candidates`). The functions run in the order of ``HARD``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

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
            fixed = rm.fixed[worker.id].per_day[day]
            if fixed == 0 and worker.max_shifts_per_day == 1 and len({s.start for s in shifts}) == 1:
                continue  # all start together: the overlap rule's at-most-one already says this
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
            fixed = rm.fixed[worker.id].minutes_by_week[week]
            if fixed + sum(s.minutes for s in shifts) > worker.max_weekly_minutes:
                rm.model.add(
                    sum(s.minutes * rm.x[worker.id, s.id] for s in shifts) <= worker.max_weekly_minutes - fixed
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
    banned_after: dict[str, set[str]] = defaultdict(set)
    for first_kind, next_kind in forbidden:
        banned_after[first_kind].add(next_kind)
    # Kinds with the same banned set form one group: with one shift a day, "any of the group today"
    # excludes "any banned tomorrow" in a single, tighter at-most-one.
    groups: dict[frozenset[str], set[str]] = defaultdict(set)
    for kind, banned in banned_after.items():
        groups[frozenset(banned)].add(kind)
    for worker in rm.problem.workers:
        for day in rm.day_range(worker):
            tomorrow: dict[str, list] = defaultdict(list)
            for s in rm.shifts_on(worker.id, day + 1):
                tomorrow[s.kind].append(rm.x[worker.id, s.id])
            if not tomorrow:
                continue
            today: dict[str, list] = defaultdict(list)
            for s in rm.shifts_on(worker.id, day):
                today[s.kind].append(rm.x[worker.id, s.id])
            for banned_kinds, kinds in groups.items():
                banned = [v for kind in banned_kinds for v in tomorrow.get(kind, ())]
                firsts = [v for kind in kinds for v in today.get(kind, ())]
                if not banned or not firsts:
                    continue
                if worker.max_shifts_per_day == 1:
                    rm.model.add_at_most_one([*firsts, *banned])
                else:
                    for first in firsts:
                        for b in banned:
                            rm.model.add_bool_or([~first, ~b])


def add_max_shifts_by_kind(rm: RosterModel) -> None:
    """Hard: at most ``max_shifts_by_kind[kind]`` shifts of each kind over the horizon (fixed included)."""
    for worker in rm.problem.workers:
        if not worker.max_shifts_by_kind:
            continue
        by_kind: dict[str, list] = defaultdict(list)
        for s in rm.candidates.shifts_of[worker.id]:
            by_kind[s.kind].append(rm.x[worker.id, s.id])
        for kind, limit in worker.max_shifts_by_kind.items():
            fixed = rm.fixed[worker.id].kinds_in_horizon[kind]
            if len(by_kind[kind]) + fixed > limit:
                rm.model.add(sum(by_kind[kind]) <= limit - fixed)


def add_total_minutes_bounds(rm: RosterModel) -> None:
    """Hard: total minutes over the horizon (fixed included) within [min_total, max_total]."""
    for worker in rm.problem.workers:
        if worker.min_total_minutes is None and worker.max_total_minutes is None:
            continue
        shifts = rm.candidates.shifts_of[worker.id]
        fixed = rm.fixed[worker.id].minutes_in_horizon
        total = cp_model.LinearExpr.weighted_sum([rm.x[worker.id, s.id] for s in shifts], [s.minutes for s in shifts])
        if worker.max_total_minutes is not None:
            rm.model.add(total <= worker.max_total_minutes - fixed)
        if worker.min_total_minutes is not None:
            rm.model.add(total >= worker.min_total_minutes - fixed)


def _forbid_short_runs(rm: RosterModel, worker_id: str, min_run: int, working: bool) -> None:
    """A run (working or off) that starts inside the horizon lasts at least ``min_run`` days or reaches
    the horizon end; runs cut by the horizon start or end are exempt.

    Written on run starts rather than as forbidden patterns: with v the day's state (worked, or off),
    a run starts on d when v[d] - v[d-1] = 1, and then v[d+k] >= v[d] - v[d-1] for k < min_run. This
    implies every "border, short run, border" clause and has a tighter LP relaxation.
    """
    h = rm.problem.horizon.num_days
    days = [rm.works_on(worker_id, d) for d in range(h)]
    state = days if working else [1 - t for t in days]
    for first in range(1, h):
        start = state[first] - state[first - 1]
        if isinstance(start, int) and start <= 0:
            continue
        for k in range(1, min_run):
            if first + k >= h:
                break
            later = state[first + k]
            if isinstance(later, int) and isinstance(start, int):
                if later < start:
                    rm.model.add_bool_or([rm.model.new_constant(0)])
                continue
            rm.model.add(later >= start)


def run_automaton(max_work: int, min_work: int, min_off: int) -> tuple[int, list[int], list[tuple[int, int, int]]]:
    """A finite automaton over days (letter 1 = works, 0 = off) accepting exactly the sequences whose
    working runs last at most ``max_work`` days and, unless cut by the horizon start or end, at least
    ``min_work`` days, and whose off runs last at least ``min_off`` days unless cut.

    Returns (start state, accepting states, transitions (from, letter, to)).
    """
    names: dict[tuple[str, int], int] = {}

    def state(kind: str, k: int = 0) -> int:
        return names.setdefault((kind, k), len(names))

    start = state("start")
    transitions = [(start, 1, state("lead_work", 1)), (start, 0, state("lead_off"))]
    transitions.append((state("lead_off"), 0, state("lead_off")))
    transitions.append((state("lead_off"), 1, state("work", 1)))
    for k in range(1, max_work + 1):
        if k < max_work:
            transitions.append((state("lead_work", k), 1, state("lead_work", k + 1)))
            transitions.append((state("work", k), 1, state("work", k + 1)))
        transitions.append((state("lead_work", k), 0, state("off", 1)))
        if k >= min_work:
            transitions.append((state("work", k), 0, state("off", 1)))
    top = max(1, min_off)
    for k in range(1, top + 1):
        transitions.append((state("off", k), 0, state("off", min(k + 1, top))))
        if k >= min_off:
            transitions.append((state("off", k), 1, state("work", 1)))
    return start, sorted(names.values()), transitions


def add_run_automaton(rm: RosterModel) -> None:
    """Hard: working and off runs (RULES §0.3 maximum; benchmark minimum run lengths), restated as one
    automaton per worker over the horizon days.

    Redundant with ``add_max_consecutive_days`` and the minimum-run rules, but CP-SAT expands an
    automaton into a flow over (day, state), whose LP relaxation is the convex hull of the run rules:
    much better bounds. Used only when a worker has a minimum run rule and no fixed shift outside the
    horizon (those would need history states).
    """
    h = rm.problem.horizon.num_days
    for worker in rm.problem.workers:
        if worker.min_consecutive_days <= 1 and worker.min_consecutive_days_off <= 1:
            continue
        if any(not 0 <= f.day < h for f in worker.fixed_shifts):
            continue
        max_work = worker.max_consecutive_days or h
        start, accepting, transitions = run_automaton(
            min(max_work, h), worker.min_consecutive_days, worker.min_consecutive_days_off
        )
        days = [rm.works_on(worker.id, d) for d in range(h)]
        letters = [rm.model.new_constant(t) if isinstance(t, int) else t for t in days]
        rm.model.add_automaton(letters, start, accepting, transitions)


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

REDUNDANT: tuple[Callable[[RosterModel], None], ...] = (add_run_automaton,)
"""Rules restated in a form with better LP bounds; added to the bounding model only, because they
slow down the search for first rosters."""
