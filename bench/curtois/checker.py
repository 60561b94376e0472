"""An independent checker for benchmark rosters: recompute the objective, list hard-rule violations.

It reads only the instance (via :mod:`bench.curtois.reader`) and a roster
``{"employee": {"day": "shift type"}}``; it imports nothing from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.curtois.reader import Instance


@dataclass
class CheckResult:
    objective: int
    violations: list[str] = field(default_factory=list)
    breakdown: dict[str, int] = field(default_factory=dict)


def _grid(instance: Instance, roster: dict[str, dict[str, str]]) -> dict[str, list[str | None]]:
    grid: dict[str, list[str | None]] = {e: [None] * instance.horizon for e in instance.staff}
    for e, days in roster.items():
        for day, shift in days.items():
            grid[e][int(day)] = shift
    return grid


def check(instance: Instance, roster: dict[str, dict[str, str]]) -> CheckResult:
    """Objective and violations of ``roster`` for ``instance``."""
    h = instance.horizon
    violations: list[str] = []
    for e, days in roster.items():
        if e not in instance.staff:
            violations.append(f"unknown employee {e}")
        for day, shift in days.items():
            if shift not in instance.shifts:
                violations.append(f"{e} day {day}: unknown shift {shift}")
            if not 0 <= int(day) < h:
                violations.append(f"{e}: day {day} outside the horizon")
    roster = {
        e: {d: s for d, s in days.items() if s in instance.shifts and 0 <= int(d) < h}
        for e, days in roster.items()
        if e in instance.staff
    }
    grid = _grid(instance, roster)
    for e, staff in instance.staff.items():
        row = grid[e]
        for d in range(h - 1):
            a, b = row[d], row[d + 1]
            if a and b and b in instance.shifts[a].cannot_follow:
                violations.append(f"{e}: {b} on day {d + 1} may not follow {a}")
        for t in instance.shifts:
            n = sum(1 for s in row if s == t)
            if n > staff.max_shifts.get(t, h):
                violations.append(f"{e}: {n} shifts {t} > max {staff.max_shifts[t]}")
        total = sum(instance.shifts[s].minutes for s in row if s)
        if total > staff.max_total_minutes:
            violations.append(f"{e}: {total} min > max {staff.max_total_minutes}")
        if total < staff.min_total_minutes:
            violations.append(f"{e}: {total} min < min {staff.min_total_minutes}")
        run = 0
        for d in range(h):
            run = run + 1 if row[d] else 0
            if run > staff.max_consecutive_shifts:
                violations.append(f"{e}: more than {staff.max_consecutive_shifts} shifts in a row at day {d}")
        d = 0
        while d < h:
            working = row[d] is not None
            end = d
            while end + 1 < h and (row[end + 1] is not None) == working:
                end += 1
            length = end - d + 1
            inside = d > 0 and end < h - 1
            limit = staff.min_consecutive_shifts if working else staff.min_consecutive_days_off
            if inside and length < limit:
                kind = "working" if working else "off"
                violations.append(f"{e}: {kind} run of {length} days from day {d} < {limit}")
            d = end + 1
        weekends = sum(1 for w in range(h // 7) if row[7 * w + 5] or row[7 * w + 6])
        if weekends > staff.max_weekends:
            violations.append(f"{e}: {weekends} weekends > max {staff.max_weekends}")
        for d in instance.days_off.get(e, ()):
            if d < h and row[d]:
                violations.append(f"{e}: works on day off {d}")
    on = sum(r.weight for r in instance.on_requests if grid[r.employee][r.day] != r.shift)
    off = sum(r.weight for r in instance.off_requests if grid[r.employee][r.day] == r.shift)
    under = over = 0
    for c in instance.cover:
        n = sum(1 for e in instance.staff if grid[e][c.day] == c.shift)
        under += max(0, c.requirement - n) * c.under_weight
        over += max(0, n - c.requirement) * c.over_weight
    breakdown = {"shift_on_request": on, "shift_off_request": off, "under_cover": under, "over_cover": over}
    return CheckResult(objective=on + off + under + over, violations=violations, breakdown=breakdown)
