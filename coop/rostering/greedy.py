"""A first roster, built greedily with the booking rules, handed to the engine as a complete hint.

Shifts are taken urgent first, then soonest; each goes to the eligible member with the best claim
(the client's own choice, a face the client knows, the fewest hours so far against their wish, the
nearest) who still passes the one eligibility rule set given what the greedy roster has already given
them. The booking rules are the engine's hard rules, so the hint is feasible and CP-SAT starts from a
full roster instead of searching for its first one on a large week.
"""

from __future__ import annotations

import copy

from coop.eligibility import rules as eligibility
from coop.eligibility.rules import HeldShift
from coop.policy import Policy
from coop.rostering.adapter import Built


def first_roster(built: Built, policy: Policy) -> list[tuple[str, str]]:
    """(shift id, member id) pairs, as strings, the engine's ids."""
    problem = built.problem
    eligible_for: dict[str, list] = {}
    for worker in problem.workers:
        for shift_id in worker.eligible_shift_ids:
            eligible_for.setdefault(shift_id, []).append(worker)
    facts = {member_id: copy.copy(f) for member_id, f in built.member_facts.items()}
    for f in facts.values():
        f.held = list(f.held)
    given: dict[str, int] = {w.id: 0 for w in problem.workers}
    chosen = []
    for shift in sorted(problem.shifts, key=lambda s: (-s.priority, s.start, s.id)):
        sf = built.shift_facts[int(shift.id)]
        preferred = problem.client_preferred_members.get(shift.client_id, frozenset())
        ranked = sorted((_claim(w, shift, preferred, given), w) for w in eligible_for.get(shift.id, []))
        placed = 0
        for _claim_value, worker in ranked[: shift.cap * 8]:
            mf = facts[int(worker.id)]
            if eligibility.check(mf, sf, policy=policy, blocked=built.blocked[sf.client_id]):
                continue
            mf.held.append(HeldShift(sf.id, sf.starts_at, sf.ends_at, sf.night, sf.local_date))
            given[worker.id] += shift.minutes
            chosen.append((shift.id, worker.id))
            placed += 1
            if placed >= shift.cap:
                break
    return chosen


def _claim(worker, shift, preferred, given) -> tuple:
    """Lower is better: the client's choice, a known face, the fewest hours against their wish, the nearest."""
    wanted = max(worker.wanted_weekly_minutes, 1)
    return (
        worker.id not in preferred,
        shift.client_id not in worker.worked_for_clients,
        given[worker.id] * 1000 // wanted,
        worker.travel_metres.get(shift.id, 10**9),
        worker.id,
    )
