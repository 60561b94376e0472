"""An independent re-check of a roster against the hard rules.

It shares no code with the model: it works on calendar dates and sorted shift lists, the way a
coordinator would check a rota by hand. Tests run it on every solution, and :mod:`scheduling.explain`
uses it to find which rule stops a member from taking an unfilled shift.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from scheduling import reasons
from scheduling.problem import RosterProblem

RULE_CODES = {
    reasons.NOT_ELIGIBLE: "not eligible (co-op rules)",
    reasons.UNKNOWN_SHIFT: "no such shift",
    reasons.DUPLICATE: "same member twice on one shift",
    reasons.DEMAND_MAX: "more people than the shift's maximum (RULES: never more than asked)",
    reasons.OVERLAP: "two shifts overlap (RULES §0.1)",
    reasons.REST_TOO_SHORT: "less than the minimum rest between shifts (RULES §0.1)",
    reasons.WEEKLY_HOURS_EXCEEDED: "more minutes in an ISO week than the member's maximum (RULES §0.2)",
    reasons.TOO_MANY_DAYS_IN_A_ROW: "too many working days in a row (RULES §0.3)",
    reasons.TOO_MANY_NIGHTS_IN_A_ROW: "too many nights in a row (RULES §0.4)",
    reasons.NIGHT_RECOVERY: "a non-night shift too soon after a night (RULES §0.5)",
    reasons.FORBIDDEN_SUCCESSION: "a forbidden shift kind on the next day",
    reasons.SHIFTS_PER_DAY: "too many shifts on one day",
    reasons.KIND_MAX: "too many shifts of one kind",
    reasons.TOTAL_MAX: "too many minutes over the horizon",
    reasons.TOTAL_MIN: "too few minutes over the horizon",
    reasons.MIN_CONSECUTIVE_DAYS: "a working run shorter than the minimum",
    reasons.MIN_CONSECUTIVE_DAYS_OFF: "a run of days off shorter than the minimum",
    reasons.MAX_WEEKENDS: "too many weekends worked",
}
"""Every code the checker gives, with what it means: the co-op's eligibility codes where the rule is theirs
(:mod:`scheduling.reasons`), so that a reason reads the same from the booking rules and from the engine."""


@dataclass(frozen=True)
class Violation:
    """A broken hard rule: its code (a key of ``RULE_CODES``), the member, the shifts involved."""

    code: str
    member_id: str
    shift_ids: tuple[str, ...]
    detail: str = ""


@dataclass(frozen=True)
class _Held:
    id: str
    date: dt.date
    start: int
    end: int
    kind: str
    is_night: bool


def _runs(days: set[int], first: int, last: int, working: bool) -> list[tuple[int, int]]:
    """Maximal runs (start, end) of working (or off) days within [first, last]."""
    runs, start = [], None
    for d in range(first, last + 1):
        inside = (d in days) == working
        if inside and start is None:
            start = d
        if not inside and start is not None:
            runs.append((start, d - 1))
            start = None
    if start is not None:
        runs.append((start, last))
    return runs


def validate_roster(
    problem: RosterProblem, assignments: Iterable[tuple[str, str]], *, members: Iterable[str] | None = None
) -> list[Violation]:
    """All hard-rule violations of ``assignments`` ((shift_id, member_id) pairs) plus fixed shifts.

    ``members`` limits the per-member checks to those members (the demand check always runs).
    """
    shifts = problem.shifts_by_id
    start_date = problem.horizon.start_date
    n_days = problem.horizon.num_days
    out: list[Violation] = []
    pairs = list(assignments)
    for (sid, mid), n in Counter(pairs).items():
        if n > 1:
            out.append(Violation(reasons.DUPLICATE, mid, (sid,)))
    per_shift = Counter(sid for sid, _ in set(pairs))
    for sid, n in per_shift.items():
        if sid not in shifts:
            out.append(Violation(reasons.UNKNOWN_SHIFT, "", (sid,)))
        elif n > shifts[sid].cap:
            out.append(Violation(reasons.DEMAND_MAX, "", (sid,), f"{n} > {shifts[sid].cap}"))
    held_by: dict[str, list[str]] = defaultdict(list)
    for sid, mid in set(pairs):
        if sid in shifts:
            held_by[mid].append(sid)
    if members is None:
        workers = problem.workers
    else:
        wanted = set(members)
        workers = (
            [w for w in problem.workers if w.id in wanted]
            if len(wanted) > 8
            else sorted(
                (problem.workers_by_id[m] for m in wanted if m in problem.workers_by_id), key=problem.workers.index
            )
        )
    for worker in workers:
        mine = held_by.get(worker.id, [])
        for sid in mine:
            if sid not in worker.eligible_shift_ids:
                out.append(Violation(reasons.NOT_ELIGIBLE, worker.id, (sid,)))
        held = [
            _Held(s.id, start_date + dt.timedelta(days=s.day), s.start, s.end, s.kind, s.is_night)
            for s in (shifts[i] for i in mine)
        ] + [
            _Held(f.id, start_date + dt.timedelta(days=f.day), f.start, f.end, f.kind, f.is_night)
            for f in worker.fixed_shifts
        ]
        held.sort(key=lambda h: (h.start, h.end))
        # Overlap and rest: every pair, in start order.
        for i, a in enumerate(held):
            for b in held[i + 1 :]:
                if b.start < a.end:
                    out.append(Violation(reasons.OVERLAP, worker.id, (a.id, b.id)))
                elif b.start - a.end < worker.min_rest_minutes:
                    out.append(Violation(reasons.REST_TOO_SHORT, worker.id, (a.id, b.id), f"{b.start - a.end} min"))
                gap = problem.night_succession_gap_minutes
                if gap is not None and a.is_night and not b.is_night and a.end <= b.start < a.end + gap:
                    out.append(Violation(reasons.NIGHT_RECOVERY, worker.id, (a.id, b.id)))
                if (b.date - a.date).days == 1 and (a.kind, b.kind) in problem.forbidden_successions:
                    out.append(Violation(reasons.FORBIDDEN_SUCCESSION, worker.id, (a.id, b.id)))
                if (a.date - b.date).days == 1 and (b.kind, a.kind) in problem.forbidden_successions:
                    out.append(Violation(reasons.FORBIDDEN_SUCCESSION, worker.id, (b.id, a.id)))
        if worker.max_weekly_minutes is not None:
            weekly: Counter = Counter()
            for h in held:
                weekly[h.date.isocalendar()[:2]] += h.end - h.start
            for week, minutes in weekly.items():
                if minutes > worker.max_weekly_minutes:
                    out.append(
                        Violation(reasons.WEEKLY_HOURS_EXCEEDED, worker.id, (), f"ISO week {week}: {minutes} min")
                    )
        day_index = {h.id: (h.date - start_date).days for h in held}
        days = {day_index[h.id] for h in held}
        nights = {day_index[h.id] for h in held if h.is_night}
        if days:
            first, last = min(min(days), 0), max(max(days), n_days - 1)
            for limit, pool, code in (
                (worker.max_consecutive_days, days, reasons.TOO_MANY_DAYS_IN_A_ROW),
                (worker.max_consecutive_nights, nights, reasons.TOO_MANY_NIGHTS_IN_A_ROW),
            ):
                if limit is None:
                    continue
                for a, b in _runs(pool, first, last, True):
                    if b - a + 1 > limit:
                        out.append(Violation(code, worker.id, (), f"days {a}..{b}"))
        in_horizon = [h for h in held if 0 <= day_index[h.id] < n_days]
        if worker.max_shifts_per_day is not None:
            for d, n in Counter(day_index[h.id] for h in held).items():
                if n > worker.max_shifts_per_day:
                    out.append(Violation(reasons.SHIFTS_PER_DAY, worker.id, (), f"day {d}: {n}"))
        kinds = Counter(h.kind for h in in_horizon)
        for kind, limit in worker.max_shifts_by_kind.items():
            if kinds[kind] > limit:
                out.append(Violation(reasons.KIND_MAX, worker.id, (), f"{kind}: {kinds[kind]} > {limit}"))
        total = sum(h.end - h.start for h in in_horizon)
        if worker.max_total_minutes is not None and total > worker.max_total_minutes:
            out.append(Violation(reasons.TOTAL_MAX, worker.id, (), f"{total} min"))
        if worker.min_total_minutes is not None and total < worker.min_total_minutes:
            out.append(Violation(reasons.TOTAL_MIN, worker.id, (), f"{total} min"))
        worked = {day_index[h.id] for h in in_horizon}
        for limit, working, code in (
            (worker.min_consecutive_days, True, reasons.MIN_CONSECUTIVE_DAYS),
            (worker.min_consecutive_days_off, False, reasons.MIN_CONSECUTIVE_DAYS_OFF),
        ):
            for a, b in _runs(worked, 0, n_days - 1, working):
                if a > 0 and b < n_days - 1 and b - a + 1 < limit:
                    out.append(Violation(code, worker.id, (), f"days {a}..{b}"))
        if worker.max_weekends is not None:
            weekend_weeks = {
                (start_date + dt.timedelta(days=d)).isocalendar()[:2]
                for d in worked
                if (start_date + dt.timedelta(days=d)).weekday() >= 5
            }
            if len(weekend_weeks) > worker.max_weekends:
                out.append(Violation(reasons.MAX_WEEKENDS, worker.id, (), f"{len(weekend_weeks)} weekends"))
    return out
