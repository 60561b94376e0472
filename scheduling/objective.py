"""Soft rules: the objective terms, their weights, and the ``Penalty`` records they return.

The objective is minimised. Each term function returns ``Penalty`` records (a named linear expression
times an integer weight); rewards are penalties with a negative weight. The weights are "lexicographic
-ish": filling shifts dominates everything, then continuity, fairness, member preferences and travel.

``Weights`` is the one table a co-op changes. Defaults and what one unit means:

=========================  =========  ===================================================================
field                      default    cost per unit
=========================  =========  ===================================================================
fill                       1_000_000  each missing person × shift priority. Raised automatically above
                                      the sum of every other term, so one unfilled place always costs
                                      more than all other terms combined.
continuity_run             2_000      reward per pair of consecutive days of a continuity group worked by
                                      the same member.
worked_here_before         1_000      reward per assignment to a client the member worked for before.
preferred_by_client        1_500      reward per assignment of a member the client asked for.
fairness_max_shortfall     2          per minute of the largest shortfall (wanted minus assigned minutes
                                      over the horizon, pro rata of the weekly wish).
fairness_total_shortfall   1          per minute of shortfall summed over members.
member_preference          20         reward per assignment × the member's own preference weight (client,
                                      kind, weekday).
travel_per_km              5          per whole kilometre between member and shift.
shift_request              1          × the request's own weight (on/off requests, as in the benchmark).
=========================  =========  ===================================================================
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling.model import RosterModel


@dataclass(frozen=True)
class Weights:
    """Objective weights (integers); see the module docstring for units and defaults."""

    fill: int = 1_000_000
    continuity_run: int = 2_000
    worked_here_before: int = 1_000
    preferred_by_client: int = 1_500
    fairness_max_shortfall: int = 2
    fairness_total_shortfall: int = 1
    member_preference: int = 20
    travel_per_km: int = 5
    shift_request: int = 1


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Penalty:
    """One objective term: ``weight × expr``, with ``expr`` known to lie in [0, upper].

    ``term`` names the objective function (e.g. "fill", "continuity_run"); ``subject`` names what it is
    about (e.g. "shift=S1" or "worker=W1,shift=S1").
    """

    term: str
    subject: str
    expr: cp_model.LinearExprT
    weight: int
    upper: int = 1
    shift_id: str | None = None
    within: tuple[str, str] | None = None
    """For a reward: the (worker, shift) decision it can never exceed, so that :func:`least_soft_cost` can
    count a shift's rewards for no more members than the shift takes."""

    @property
    def bound(self) -> int:
        """Largest absolute cost this penalty can reach."""
        return abs(self.weight) * self.upper


def _assigned(rm: RosterModel, shift_id: str) -> list[cp_model.IntVar]:
    return [rm.x[w, shift_id] for w in rm.candidates.workers_of[shift_id]]


def penalise_unfilled(rm: RosterModel, weights: Weights, fill_unit: int) -> list[Penalty]:
    """Soft (dominant): each missing person on a shift costs ``under_weight``, by default
    ``priority × fill_unit``; people above demand cost ``over_weight`` each."""
    out = []
    for shift in rm.problem.shifts:
        xs = _assigned(rm, shift.id)
        under_weight = shift.priority * fill_unit if shift.under_weight is None else shift.under_weight
        cap = min(shift.cap, len(xs))
        if cap <= shift.demand:
            # Never above demand: the shortfall is exactly demand - assigned.
            if under_weight:
                out.append(
                    Penalty("fill", f"shift={shift.id}", shift.demand - sum(xs), under_weight, shift.demand, shift.id)
                )
            continue
        if not under_weight and not shift.over_weight:
            continue
        under = rm.model.new_int_var(0, shift.demand, f"under(shift={shift.id})")
        over = rm.model.new_int_var(0, cap - shift.demand, f"over(shift={shift.id})")
        rm.model.add(under - over == shift.demand - sum(xs))
        # A roster that isn't optimal may carry slack in both; the result is costed exactly from the
        # head count (see ``exact_cover_cost``).
        if under_weight:
            out.append(Penalty("fill", f"shift={shift.id}", under, under_weight, shift.demand, shift.id))
        if shift.over_weight:
            out.append(Penalty("over_cover", f"shift={shift.id}", over, shift.over_weight, cap - shift.demand))
    return out


def reward_continuity_run(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Soft: reward the same member on consecutive days of a continuity group (a cover run)."""
    if not weights.continuity_run:
        return []
    by_group: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for shift in rm.problem.shifts:
        if shift.continuity_group is not None:
            by_group[shift.continuity_group][shift.day].append(shift.id)
    out = []
    for group, days in by_group.items():
        for day, today in days.items():
            for worker in rm.problem.workers:
                fixed_before = (group, day - 1) in rm.fixed[worker.id].group_days
                for sid in today:
                    if (worker.id, sid) not in rm.x:
                        continue
                    x = rm.x[worker.id, sid]
                    if fixed_before:
                        out.append(
                            Penalty(
                                "continuity_run",
                                f"worker={worker.id},shift={sid}",
                                x,
                                -weights.continuity_run,
                                within=(worker.id, sid),
                            )
                        )
                    for prev in days.get(day - 1, []):
                        if (worker.id, prev) not in rm.x:
                            continue
                        y = rm.model.new_bool_var(f"continuity(worker={worker.id},shift={prev}->{sid})")
                        rm.model.add_implication(y, x)
                        rm.model.add_implication(y, rm.x[worker.id, prev])
                        out.append(
                            Penalty(
                                "continuity_run",
                                f"worker={worker.id},shift={prev}->{sid}",
                                y,
                                -weights.continuity_run,
                                within=(worker.id, sid),
                            )
                        )
    return out


def reward_worked_here_before(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Soft: reward sending a member to a client they worked for before."""
    if not weights.worked_here_before:
        return []
    return [
        Penalty("worked_here_before", f"worker={w},shift={s}", x, -weights.worked_here_before, within=(w, s))
        for (w, s), x in rm.x.items()
        if rm.workers[w].worked_for_clients and rm.shifts[s].client_id in rm.workers[w].worked_for_clients
    ]


def reward_preferred_by_client(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Soft: reward sending a member the client asked for."""
    preferred = rm.problem.client_preferred_members
    if not weights.preferred_by_client or not preferred:
        return []
    return [
        Penalty("preferred_by_client", f"worker={w},shift={s}", x, -weights.preferred_by_client, within=(w, s))
        for (w, s), x in rm.x.items()
        if w in preferred.get(rm.shifts[s].client_id, frozenset())
    ]


def wanted_minutes(rm: RosterModel, worker_id: str) -> int:
    """Minutes a member wants over the horizon: the weekly wish pro rata of the horizon length."""
    worker = rm.workers[worker_id]
    return worker.wanted_weekly_minutes * rm.problem.horizon.num_days // 7


def fixed_minutes_in_horizon(rm: RosterModel, worker_id: str) -> int:
    return rm.fixed[worker_id].minutes_in_horizon


def penalise_fairness_shortfall(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Soft: spread work in proportion to the hours members asked for: penalise the largest shortfall
    and the total shortfall (minutes wanted over the horizon minus minutes assigned, fixed included)."""
    if not weights.fairness_max_shortfall and not weights.fairness_total_shortfall:
        return []
    out = []
    shortfalls = []
    for worker in rm.problem.workers:
        wanted = wanted_minutes(rm, worker.id)
        if wanted <= 0:
            continue
        assigned = fixed_minutes_in_horizon(rm, worker.id) + sum(
            s.minutes * rm.x[worker.id, s.id] for s in rm.candidates.shifts_of[worker.id]
        )
        short = rm.model.new_int_var(0, wanted, f"shortfall(worker={worker.id})")
        rm.model.add(short >= wanted - assigned)
        shortfalls.append((short, wanted))
        if weights.fairness_total_shortfall:
            out.append(Penalty("fairness", f"worker={worker.id}", short, weights.fairness_total_shortfall, wanted))
    if shortfalls and weights.fairness_max_shortfall:
        top = max(w for _, w in shortfalls)
        largest = rm.model.new_int_var(0, top, "largest_shortfall")
        for short, _ in shortfalls:
            rm.model.add(largest >= short)
        out.append(Penalty("fairness", "largest_shortfall", largest, weights.fairness_max_shortfall, top))
    return out


def preference_score(rm: RosterModel, worker_id: str, shift_id: str) -> int:
    """The member's own preference weight for a shift: client + kind + weekday."""
    worker, shift = rm.workers[worker_id], rm.shifts[shift_id]
    return (
        worker.preferred_clients.get(shift.client_id, 0)
        + worker.preferred_kinds.get(shift.kind, 0)
        + worker.preferred_weekdays.get(rm.problem.horizon.weekday(shift.day), 0)
    )


def reward_member_preferences(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Soft: reward assignments matching the member's preferred clients, shift kinds and weekdays."""
    if not weights.member_preference:
        return []
    out = []
    wishful = {w.id for w in rm.problem.workers if w.preferred_clients or w.preferred_kinds or w.preferred_weekdays}
    for (w, s), x in rm.x.items():
        if w not in wishful:
            continue
        score = preference_score(rm, w, s)
        if score:
            out.append(
                Penalty(
                    "member_preference", f"worker={w},shift={s}", x, -weights.member_preference * score, within=(w, s)
                )
            )
    return out


def penalise_travel(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Soft: penalise travel distance, per whole kilometre."""
    if not weights.travel_per_km:
        return []
    out = []
    for (w, s), x in rm.x.items():
        if not rm.workers[w].travel_metres:
            continue
        km = rm.workers[w].travel_metres.get(s, 0) // 1000
        if km:
            out.append(Penalty("travel", f"worker={w},shift={s}", x, weights.travel_per_km * km))
    return out


def penalise_shift_requests(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Soft: an on-request costs its weight if the shift is not assigned, an off-request if it is.
    A request for a shift the worker can't take costs its weight as a constant (benchmark semantics)."""
    if not weights.shift_request:
        return []
    out = []
    for worker in rm.problem.workers:
        for req in worker.shift_requests:
            x = rm.x.get((worker.id, req.shift_id))
            subject = f"worker={worker.id},shift={req.shift_id}"
            weight = weights.shift_request * req.weight
            if req.on:
                out.append(Penalty("shift_on_request", subject, 1 if x is None else 1 - x, weight))
            elif x is not None:
                out.append(Penalty("shift_off_request", subject, x, weight))
    return out


SOFT: tuple[Callable[[RosterModel, Weights], list[Penalty]], ...] = (
    reward_continuity_run,
    reward_worked_here_before,
    reward_preferred_by_client,
    penalise_fairness_shortfall,
    reward_member_preferences,
    penalise_travel,
    penalise_shift_requests,
)


def build_objective(rm: RosterModel, weights: Weights) -> list[Penalty]:
    """Add every soft term, then the dominant fill term, and set the objective to their sum."""
    penalties = [p for term in SOFT for p in term(rm, weights)]
    fill_unit = max(weights.fill, sum(p.bound for p in penalties) + 1)
    penalties += penalise_unfilled(rm, weights, fill_unit)
    rm.model.minimize(objective_expr(penalties))
    return penalties


def least_soft_cost(rm: RosterModel, penalties: list[Penalty]) -> int:
    """The least ``penalties`` (the soft terms, without the fill's) can cost together on any roster: a
    sound bound that needs no search. A cost term (a positive weight) costs at least nothing, a constant
    what it is. A reward tied to one (worker, shift) decision (``Penalty.within``) is earned only by a
    member on that shift, and a shift takes at most its cap of members, so each shift's rewards count for
    its best-rewarded ``cap`` members alone; any other reward counts whole. On the x1 regional care week this
    is about 2.3 million, where every reward at once was 17.4 million, near one unfilled place of the fill's
    unit."""
    least = 0
    per_pair: dict[tuple[str, str], int] = defaultdict(int)
    for p in penalties:
        if isinstance(p.expr, int):
            least += p.weight * p.expr
        elif p.weight >= 0:
            continue
        elif p.within is None:
            least += p.weight * p.upper
        else:
            per_pair[p.within] += -p.weight * p.upper
    by_shift: dict[str, list[int]] = defaultdict(list)
    for (_, shift_id), reward in per_pair.items():
        by_shift[shift_id].append(reward)
    for shift_id, rewards in by_shift.items():
        rewards.sort(reverse=True)
        least -= sum(rewards[: rm.shifts[shift_id].cap])
    return least


def objective_expr(penalties: list[Penalty]) -> cp_model.LinearExpr:
    """The sum of ``penalties``, each times its weight: the objective :func:`build_objective` minimises."""
    constant = sum(p.weight * p.expr for p in penalties if isinstance(p.expr, int))
    exprs = [p.expr for p in penalties if not isinstance(p.expr, int)]
    coeffs = [p.weight for p in penalties if not isinstance(p.expr, int)]
    return cp_model.LinearExpr.weighted_sum(exprs, coeffs) + constant


def exact_cover_cost(penalty: Penalty, demand: int, head_count: int) -> int | None:
    """The exact value of an under/over-cover variable for ``head_count`` people, or None for other
    penalties."""
    if penalty.shift_id is None:
        return None
    if penalty.term == "fill":
        return max(0, demand - head_count)
    if penalty.term == "over_cover":
        return max(0, head_count - demand)
    return None
