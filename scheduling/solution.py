"""What the engine returns: the roster, what stayed unfilled and why, and the solve figures."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    """One explanation line: a rule or objective code, how many members it concerns, and a detail.

    Example: ``Reason("credential_expired", 12, "12 members fail credential_expired")``.
    """

    code: str
    count: int
    detail: str = ""


@dataclass(frozen=True)
class Assignment:
    """``member_id`` works ``shift_id``; ``reasons`` lists the objectives it serves, e.g.
    ("fill", "continuity_run", "worked_here_before", "preferred_by_client", "fairness",
    "member_prefers_client", "member_prefers_kind", "member_prefers_day", "near")."""

    shift_id: str
    member_id: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unfilled:
    """``missing`` places of ``shift_id`` stayed empty, with the reasons why."""

    shift_id: str
    missing: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class FairnessFigure:
    """Per member, over the horizon (minutes): wanted (weekly wish pro rata), assigned (fixed included),
    shortfall = max(0, wanted - assigned)."""

    member_id: str
    wanted_minutes: int
    assigned_minutes: int
    shortfall_minutes: int


@dataclass(frozen=True)
class RosterSolution:
    """The result of :func:`scheduling.solve.solve`.

    Attributes:
        status: "OPTIMAL", "FEASIBLE", "INFEASIBLE", "MODEL_INVALID" or "UNKNOWN" (no roster in time).
        assignments: one per (shift, member).
        unfilled: shifts with fewer people than demand.
        objective: the minimised cost (None without a roster).
        best_bound: the proven lower bound on the cost.
        gap: (objective - bound) / max(1, |objective|), 0.0 when optimal.
        wall_time_s: seconds spent solving.
        fairness: per-member minutes wanted/assigned/shortfall.
        continuity_pairs_kept / continuity_pairs_total: consecutive-day pairs of a continuity group
            worked by the same member / consecutive-day pairs where both days are filled.
        cost_by_term: the objective split by term ("fill", "continuity_run", "shift_on_request", …).
        stages: per stage of the "staged" strategy ("fill", "quality"), its status, objective, bound,
            gap and seconds; empty for the other strategies.
    """

    status: str
    assignments: tuple[Assignment, ...] = ()
    unfilled: tuple[Unfilled, ...] = ()
    objective: int | None = None
    best_bound: float | None = None
    gap: float | None = None
    wall_time_s: float = 0.0
    fairness: tuple[FairnessFigure, ...] = ()
    continuity_pairs_kept: int = 0
    continuity_pairs_total: int = 0
    cost_by_term: dict[str, int] = field(default_factory=dict)
    stages: dict[str, dict] = field(default_factory=dict)

    def members_of(self, shift_id: str) -> list[str]:
        return sorted(a.member_id for a in self.assignments if a.shift_id == shift_id)

    def shifts_of(self, member_id: str) -> list[str]:
        return sorted(a.shift_id for a in self.assignments if a.member_id == member_id)
