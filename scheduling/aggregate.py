"""Identical open shifts as one shift with a demand, and the roster back onto the original shifts.

A ward asking for three nurses on the same night, or a care provider for two carers at the same visit,
sends three or two open shifts that no rule and no objective term can tell apart: same client, day,
times, kind, priority and cover run, and the same members eligible, at the same distance (and the others
failing the same rules). As separate
shifts they are symmetric copies that CP-SAT, the local search and the relaxation all explore in every
order; as one shift with ``demand = n`` the model is smaller and the search has nothing to permute.
The merged roster is split back onto the original shift ids, so callers never see a merged id.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scheduling.problem import RosterProblem, Shift, Worker
from scheduling.solution import RosterSolution, Unfilled


@dataclass(frozen=True)
class Merged:
    """The problem with identical shifts merged, and the original shift ids behind each of its shifts."""

    problem: RosterProblem
    originals: Mapping[str, tuple[str, ...]]

    @property
    def merged_any(self) -> bool:
        return any(len(ids) > 1 for ids in self.originals.values())


def _shift_key(shift: Shift) -> tuple | None:
    """What a rule or objective term reads of a shift, or None for shifts never merged (more than one place
    already, a hard cap of their own, or benchmark cover weights)."""
    if shift.demand != 1 or shift.max_assigned is not None or shift.under_weight is not None or shift.over_weight:
        return None
    return (
        shift.client_id,
        shift.day,
        shift.start,
        shift.end,
        shift.kind,
        shift.is_night,
        shift.priority,
        shift.continuity_group,
    )


def _who_may_take(problem: RosterProblem) -> dict[str, list[tuple]]:
    """Per shift id, the members eligible for it and their distance to it, and the others with the rules
    they fail (explanations count those), in problem order."""
    who: dict[str, list[tuple]] = defaultdict(list)
    for w in problem.workers:
        for sid in w.eligible_shift_ids:
            who[sid].append((w.id, w.travel_metres.get(sid, 0)))
        for sid, reasons in w.ineligible_reasons.items():
            who[sid].append((w.id, reasons))
    return who


def merge_identical(problem: RosterProblem) -> Merged:
    """Merge the open shifts that no rule or objective term tells apart into one shift each, its demand
    the sum of theirs; the first shift of each group (in problem order) gives the merged shift its id."""
    # A member's own request names one shift (its weight is the member's, not the shift's): never merged.
    requested = {r.shift_id for w in problem.workers for r in w.shift_requests}
    who = _who_may_take(problem)
    groups: dict[tuple, list[Shift]] = defaultdict(list)
    alone: list[Shift] = []
    for shift in problem.shifts:
        key = _shift_key(shift)
        if key is None or shift.id in requested:
            alone.append(shift)
            continue
        groups[key].append(shift)
    originals: dict[str, tuple[str, ...]] = {s.id: (s.id,) for s in alone}
    merged_into: dict[str, str] = {}
    for same in groups.values():
        by_workers: dict[tuple, list[Shift]] = defaultdict(list)
        for shift in same:
            by_workers[tuple(who.get(shift.id, ()))].append(shift)
        for twins in by_workers.values():
            head = twins[0]
            originals[head.id] = tuple(s.id for s in twins)
            for s in twins[1:]:
                merged_into[s.id] = head.id
    if not merged_into:
        return Merged(problem, originals)
    shifts = []
    for shift in problem.shifts:
        if shift.id in merged_into:
            continue
        twins = originals[shift.id]
        shifts.append(shift if len(twins) == 1 else dataclasses.replace(shift, demand=len(twins)))
    workers = tuple(_merged_worker(w, merged_into) for w in problem.workers)
    return Merged(dataclasses.replace(problem, shifts=tuple(shifts), workers=workers), originals)


def _merged_worker(worker: Worker, merged_into: Mapping[str, str]) -> Worker:
    if not any(sid in merged_into for sid in worker.eligible_shift_ids) and not any(
        sid in merged_into for sid in worker.ineligible_reasons
    ):
        return worker
    return dataclasses.replace(
        worker,
        eligible_shift_ids=frozenset(sid for sid in worker.eligible_shift_ids if sid not in merged_into),
        ineligible_reasons={sid: r for sid, r in worker.ineligible_reasons.items() if sid not in merged_into},
        travel_metres={sid: m for sid, m in worker.travel_metres.items() if sid not in merged_into},
    )


def merge_hint(merged: Merged, hint: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """A roster of the original shifts as a roster of the merged ones."""
    head = {sid: h for h, ids in merged.originals.items() for sid in ids}
    return {(head.get(sid, sid), member) for sid, member in hint}


def split_solution(merged: Merged, solution: RosterSolution) -> RosterSolution:
    """The merged roster on the original shifts: each merged shift's members take its original shifts in
    order, and the originals left over are unfilled, for the merged shift's reasons."""
    if not merged.merged_any:
        return solution
    assignments = []
    taken: dict[str, int] = defaultdict(int)
    for a in sorted(solution.assignments, key=lambda a: (a.shift_id, a.member_id)):
        ids = merged.originals.get(a.shift_id, (a.shift_id,))
        assignments.append(dataclasses.replace(a, shift_id=ids[taken[a.shift_id]]))
        taken[a.shift_id] += 1
    unfilled = []
    for u in solution.unfilled:
        ids = merged.originals.get(u.shift_id, (u.shift_id,))
        if len(ids) == 1:
            unfilled.append(u)
            continue
        left = ids[taken[u.shift_id] :]
        unfilled.extend(Unfilled(sid, 1, u.reasons) for sid in left[len(left) - u.missing :])
    return dataclasses.replace(solution, assignments=tuple(assignments), unfilled=tuple(unfilled))
