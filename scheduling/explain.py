"""Explanations: why each shift stayed unfilled, and which objectives each assignment serves.

Unfilled shift, two cases:

1. No member could take it: one ``Reason`` per failed rule code with the number of members failing it.
   Codes come from the co-op's eligibility rules (``Worker.ineligible_reasons``, e.g.
   ``credential_expired``), from clashes with fixed shifts (``rest_with_fixed_shift``,
   ``weekly_hours_with_fixed_shifts``, … see :mod:`scheduling.candidates`) or ``not_eligible`` when the
   adapter gave no code.
2. Some members could: ``eligible_members_used`` with the number of such members, and a detail naming,
   per member, the hard rule that taking this shift would break given the shifts they got
   (``overlap``, ``rest_too_short``, ``weekly_hours_exceeded``, … the co-op's eligibility codes,
   :mod:`scheduling.reasons`, checked by :mod:`scheduling.validate`). The ineligibility counts
   of the other members follow as further reasons.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

from scheduling.model import RosterModel
from scheduling.objective import fixed_minutes_in_horizon, preference_score, wanted_minutes
from scheduling.problem import RosterProblem
from scheduling.reasons import NOT_ELIGIBLE
from scheduling.solution import Assignment, FairnessFigure, Reason, RosterSolution, Unfilled
from scheduling.validate import validate_roster


def ineligibility_reasons(rm: RosterModel, shift_id: str, skip: set[str]) -> list[Reason]:
    """Count, per rule code, the members (outside ``skip``) who can't take the shift."""
    counts: Counter = Counter()
    for worker in rm.problem.workers:
        if worker.id in skip:
            continue
        if shift_id in worker.eligible_shift_ids:
            code = rm.candidates.excluded.get((worker.id, shift_id))
            if code:
                counts[code] += 1
            continue
        for code in worker.ineligible_reasons.get(shift_id, (NOT_ELIGIBLE,)):
            counts[code] += 1
    return [
        Reason(code, n, f"{n} member{'s' if n != 1 else ''} fail {code}")
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def blocking_rules(
    rm: RosterModel, chosen: list[tuple[str, str]], shift_id: str, member_id: str, before: set[str] | None = None
) -> list[str]:
    """Hard rules the member would break by also taking ``shift_id``.

    A member's own rules read only that member's shifts, so ``chosen`` may be just theirs; ``before``, the
    codes their roster already breaks (none, for the engine's), may be given to spare recomputing it."""
    if before is None:
        before = {v.code for v in validate_roster(rm.problem, chosen, members=[member_id]) if v.member_id}
    after = validate_roster(rm.problem, [*chosen, (shift_id, member_id)], members=[member_id])
    return sorted({v.code for v in after if v.member_id == member_id and v.code not in before})


def explain_unfilled(rm: RosterModel, chosen: list[tuple[str, str]]) -> list[Unfilled]:
    on_shift: dict[str, set[str]] = defaultdict(set)
    theirs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sid, wid in chosen:
        on_shift[sid].add(wid)
        theirs[wid].append((sid, wid))
    before: dict[str, set[str]] = {}
    out = []
    for shift in rm.problem.shifts:
        missing = shift.demand - len(on_shift[shift.id])
        if missing <= 0:
            continue
        free = [w for w in rm.candidates.workers_of[shift.id] if w not in on_shift[shift.id]]
        reasons: list[Reason] = []
        if free:
            why = []
            for wid in free:
                if wid not in before:
                    found = validate_roster(rm.problem, theirs[wid], members=[wid])
                    before[wid] = {v.code for v in found if v.member_id}
                rules = blocking_rules(rm, theirs[wid], shift.id, wid, before[wid])
                why.append(f"{wid}: {', '.join(rules) if rules else 'needed by the objective elsewhere'}")
            reasons.append(
                Reason(
                    "eligible_members_used",
                    len(free),
                    "every eligible member is already used for shifts that matter more; " + "; ".join(why),
                )
            )
        reasons += ineligibility_reasons(rm, shift.id, skip=set(free) | on_shift[shift.id])
        out.append(Unfilled(shift.id, missing, tuple(reasons)))
    return out


def assignment_reasons(rm: RosterModel, chosen: list[tuple[str, str]]) -> list[Assignment]:
    held = set(chosen)
    minutes: Counter = Counter()
    for sid, wid in chosen:
        minutes[wid] += rm.shifts[sid].minutes
    by_group_day: dict[tuple[str, int], set[str]] = defaultdict(set)
    for sid, wid in chosen:
        s = rm.shifts[sid]
        if s.continuity_group is not None:
            by_group_day[s.continuity_group, s.day].add(wid)
    for worker in rm.problem.workers:
        for f in worker.fixed_shifts:
            if f.continuity_group is not None:
                by_group_day[f.continuity_group, f.day].add(worker.id)
    out = []
    for sid, wid in sorted(held):
        shift, worker = rm.shifts[sid], rm.workers[wid]
        reasons = ["fill"]
        group = shift.continuity_group
        if group is not None and (
            wid in by_group_day.get((group, shift.day - 1), ()) or wid in by_group_day.get((group, shift.day + 1), ())
        ):
            reasons.append("continuity_run")
        if shift.client_id in worker.worked_for_clients:
            reasons.append("worked_here_before")
        if wid in rm.problem.client_preferred_members.get(shift.client_id, frozenset()):
            reasons.append("preferred_by_client")
        wanted = wanted_minutes(rm, wid)
        if wanted > 0 and fixed_minutes_in_horizon(rm, wid) + minutes[wid] <= wanted:
            reasons.append("fairness")
        if worker.preferred_clients.get(shift.client_id, 0) > 0:
            reasons.append("member_prefers_client")
        if worker.preferred_kinds.get(shift.kind, 0) > 0:
            reasons.append("member_prefers_kind")
        if worker.preferred_weekdays.get(rm.problem.horizon.weekday(shift.day), 0) > 0:
            reasons.append("member_prefers_day")
        if preference_score(rm, wid, sid) < 0:
            reasons.append("member_dislikes")
        distances = [
            rm.workers[w].travel_metres[sid]
            for w in rm.candidates.workers_of[sid]
            if sid in rm.workers[w].travel_metres
        ]
        if sid in worker.travel_metres and worker.travel_metres[sid] <= statistics.median(distances):
            reasons.append("near")
        out.append(Assignment(sid, wid, tuple(reasons)))
    return out


def fairness_figures(rm: RosterModel, chosen: list[tuple[str, str]]) -> list[FairnessFigure]:
    minutes: Counter = Counter()
    for sid, wid in chosen:
        minutes[wid] += rm.shifts[sid].minutes
    out = []
    for worker in rm.problem.workers:
        wanted = wanted_minutes(rm, worker.id)
        assigned = fixed_minutes_in_horizon(rm, worker.id) + minutes[worker.id]
        out.append(FairnessFigure(worker.id, wanted, assigned, max(0, wanted - assigned)))
    return out


def continuity_pairs(rm: RosterModel, chosen: list[tuple[str, str]]) -> tuple[int, int]:
    """(kept, total): consecutive-day shift pairs of a continuity group, both filled / same member."""
    members: dict[str, set[str]] = defaultdict(set)
    for sid, wid in chosen:
        members[sid].add(wid)
    by_group_day: dict[tuple[str, int], list[str]] = defaultdict(list)
    for s in rm.problem.shifts:
        if s.continuity_group is not None:
            by_group_day[s.continuity_group, s.day].append(s.id)
    kept = total = 0
    for (group, day), today in by_group_day.items():
        for a in by_group_day.get((group, day - 1), []):
            for b in today:
                if members[a] and members[b]:
                    total += 1
                    kept += bool(members[a] & members[b])
    return kept, total


def explain(
    rm: RosterModel,
    chosen: list[tuple[str, str]],
    *,
    status: str,
    objective: int,
    best_bound: float,
    gap: float,
    wall_time_s: float,
    cost_by_term: dict[str, int],
    with_reasons: bool = True,
) -> RosterSolution:
    """Assemble the ``RosterSolution`` for the chosen (shift_id, member_id) pairs."""
    kept, total = continuity_pairs(rm, chosen)
    if with_reasons:
        assignments = tuple(assignment_reasons(rm, chosen))
        unfilled = tuple(explain_unfilled(rm, chosen))
    else:
        assignments = tuple(Assignment(sid, wid) for sid, wid in sorted(chosen))
        on_shift = Counter(sid for sid, _ in chosen)
        unfilled = tuple(
            Unfilled(s.id, s.demand - on_shift[s.id]) for s in rm.problem.shifts if s.demand > on_shift[s.id]
        )
    return RosterSolution(
        status=status,
        assignments=assignments,
        unfilled=unfilled,
        objective=objective,
        best_bound=best_bound,
        gap=gap,
        wall_time_s=wall_time_s,
        fairness=tuple(fairness_figures(rm, chosen)),
        continuity_pairs_kept=kept,
        continuity_pairs_total=total,
        cost_by_term=cost_by_term,
    )


def brief_solution(
    problem: RosterProblem, chosen: list[tuple[str, str]], *, status: str, wall_time_s: float
) -> RosterSolution:
    """A roster the engine did not cost (too large to model in the time, or the caller's own), explained
    from the problem alone: each empty place with the number of eligible members (all needed elsewhere) or,
    when there are none, how many members fail each rule."""
    taken: Counter = Counter(sid for sid, _ in chosen)
    eligible: Counter = Counter(sid for w in problem.workers for sid in w.eligible_shift_ids)
    unfilled = []
    for shift in problem.shifts:
        missing = shift.demand - taken[shift.id]
        if missing <= 0:
            continue
        if eligible[shift.id]:
            n = eligible[shift.id]
            reasons = (Reason("eligible_members_used", n, f"{n} eligible members are needed for other shifts"),)
        else:
            counts: Counter = Counter(
                code for w in problem.workers for code in w.ineligible_reasons.get(shift.id, (NOT_ELIGIBLE,))
            )
            reasons = tuple(
                Reason(code, n, f"{n} member{'s' if n != 1 else ''} fail {code}")
                for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            )
        unfilled.append(Unfilled(shift.id, missing, reasons))
    return RosterSolution(
        status=status,
        assignments=tuple(Assignment(sid, wid, ("fill",)) for sid, wid in sorted(chosen)),
        unfilled=tuple(unfilled),
        wall_time_s=wall_time_s,
    )
