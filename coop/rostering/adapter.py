"""From the co-op's rows to the engine's plain data: the same eligibility rules as booking decide the pairs.

Times become integer minutes from local midnight of the horizon's first day in Europe/London; the
engine never sees a datetime, so clock changes are already in the numbers (a night is 11 or 13 hours).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

import scheduling
from coop.bookings import facts
from coop.clients.models import Client
from coop.clock import LONDON, at_local, elapsed_minutes, utcnow
from coop.eligibility import rules as eligibility
from coop.enums import ClientKind, CoverStatus, MemberStatus
from coop.geo import distance_km
from coop.members.models import Member
from coop.policy import Policy
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.timing import is_night


@dataclass
class Scope:
    starts_on: date
    ends_on: date
    profession: str | None = None
    client_ids: tuple[int, ...] = ()


@dataclass
class Built:
    problem: scheduling.RosterProblem
    shifts: dict[int, Shift]
    members: dict[int, Member]
    member_facts: dict[int, eligibility.MemberFacts]
    shift_facts: dict[int, eligibility.ShiftFacts]
    blocked: dict[int, set[int]]


def open_shifts(session: Session, scope: Scope, *, now: datetime) -> list[Shift]:
    query = select(Shift).where(
        Shift.status == CoverStatus.open,
        Shift.local_date >= scope.starts_on,
        Shift.local_date <= scope.ends_on,
        Shift.starts_at > now,
    )
    if scope.profession:
        query = query.where(Shift.role == scope.profession)
    if scope.client_ids:
        query = query.where(col(Shift.client_id).in_(scope.client_ids))
    return list(session.exec(query.order_by(Shift.starts_at, Shift.id)).all())


def priority(shift: Shift, now: datetime, policy: Policy) -> int:
    """Urgent shifts first: starting within a day costs three times as much to leave empty."""
    hours = (shift.starts_at - now) / timedelta(hours=1)
    if hours <= policy.urgent_within_hours:
        return 3
    return 2 if hours <= 72 else 1


def continuity_group(shift: Shift, request: ShiftRequest, client_kind: str) -> str | None:
    """The same face across a long-term cover run (one request over several days), or on the same ward."""
    if request.repeat_days > 1:
        return f"request:{request.id}"
    if client_kind == ClientKind.ward:
        return f"ward:{shift.client_id}"
    return None


PREFERENCE_WEIGHT = 1  # per assignment that matches a member's stated preference (scaled in scheduling.Weights)


def preferences(member: Member) -> dict:
    """The member's stated preferences as the engine's soft wishes."""
    prefs = member.preferences or {}
    return {
        "preferred_clients": {str(c): PREFERENCE_WEIGHT for c in prefs.get("clients", [])},
        "preferred_kinds": {k: PREFERENCE_WEIGHT for k in prefs.get("kinds", [])},
        "preferred_weekdays": {int(d): PREFERENCE_WEIGHT for d in prefs.get("weekdays", [])},
    }


class _QuickVerdicts:
    """One member's verdicts on the rules that depend on the date, the client or the request only."""

    def __init__(self, member: eligibility.MemberFacts, policy: Policy):
        self.member, self.policy = member, policy
        self._by_date: dict = {}
        self._by_request: dict = {}
        self._km: dict = {}
        self._by_time: dict = {}
        self._held = {h.shift_id for h in member.held}

    def distance(self, shift: eligibility.ShiftFacts) -> float | None:
        if shift.client_id not in self._km:
            self._km[shift.client_id] = distance_km(self.member.location, shift.client_location)
        return self._km[shift.client_id]

    def timing(self, shift: eligibility.ShiftFacts) -> tuple[str, ...]:
        """The rules that depend only on the shift's times (``eligibility.timing``), once per distinct time."""
        # A shift the member holds is judged against their others, not itself: its own key.
        held = shift.id if shift.id in self._held else None
        key = (shift.starts_at, shift.ends_at, shift.night, shift.local_date, held)
        if key not in self._by_time:
            reasons = eligibility.timing(self.member, shift, self.policy)
            self._by_time[key] = tuple(dict.fromkeys(r.code for r in reasons))
        return self._by_time[key]

    def fails(self, shift: eligibility.ShiftFacts, request_id: int, blocked: set[int]) -> tuple[str, ...]:
        if shift.local_date not in self._by_date:
            self._by_date[shift.local_date] = [r.code for r in eligibility.credentials_and_status(self.member, shift)]
        if request_id not in self._by_request:
            self._by_request[request_id] = [
                r.code
                for rule in (eligibility.grade, eligibility.skills, eligibility.welsh)
                for r in rule(self.member, shift)
            ]
        codes = self._by_date[shift.local_date] + self._by_request[request_id]
        km = self.distance(shift)
        if km is not None and km > self.member.max_travel_km:
            codes.append("too_far")
        if self.member.id in blocked:
            codes.append("do_not_send")
        return tuple(dict.fromkeys(codes))


def build(session: Session, scope: Scope, policy: Policy, *, now: datetime | None = None) -> Built:
    now = now or utcnow()
    origin = at_local(scope.starts_on, time(0))
    horizon = scheduling.Horizon(scope.starts_on, (scope.ends_on - scope.starts_on).days + 1)

    def minutes(at: datetime) -> int:
        return elapsed_minutes(origin, at)

    def day_index(at: datetime) -> int:
        return (at.astimezone(LONDON).date() - scope.starts_on).days

    shifts = open_shifts(session, scope, now=now)
    roles = sorted({s.role for s in shifts})
    members = (
        list(
            session.exec(
                select(Member).where(col(Member.profession).in_(roles), Member.status == MemberStatus.active)
            ).all()
        )
        if roles
        else []
    )
    requests = (
        {
            r.id: r
            for r in session.exec(
                select(ShiftRequest).where(col(ShiftRequest.id).in_({s.request_id for s in shifts}))
            ).all()
        }
        if shifts
        else {}
    )
    shift_facts = facts.shift_facts(session, shifts, policy)
    client_ids = {s.client_id for s in shifts}
    kinds = (
        dict(session.exec(select(Client.id, Client.kind).where(col(Client.id).in_(client_ids))).all()) if shifts else {}
    )
    window_from = origin
    window_to = at_local(scope.ends_on + timedelta(days=1), time(0))
    member_facts = facts.member_facts(session, members, window_from=window_from, window_to=window_to, policy=policy)
    blocked = facts.blocked_by_client(session, client_ids)
    preferred = facts.preferred_by_client(session, client_ids)
    for shift in shifts:
        preferred[shift.client_id] = preferred[shift.client_id] | set(requests[shift.request_id].preferred_member_ids)
    worked = facts.clients_worked_for(session, [m.id for m in members], before=now)

    engine_shifts = tuple(
        scheduling.Shift(
            id=str(s.id),
            client_id=str(s.client_id),
            day=day_index(s.starts_at),
            start=minutes(s.starts_at),
            end=minutes(s.ends_at),
            kind=s.kind,
            is_night=shift_facts[s.id].night,
            priority=priority(s, now, policy),
            continuity_group=continuity_group(s, requests[s.request_id], kinds[s.client_id]),
        )
        for s in shifts
    )
    by_role: dict[str, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_role[s.role].append(s)

    workers = []
    for member in members:
        mf = member_facts[member.id]
        eligible, reasons, travel = set(), {}, {}
        quick = _QuickVerdicts(mf, policy)
        for s in by_role[member.profession]:
            sf = shift_facts[s.id]
            # The one rule set (`eligibility.check`) in two parts, each worked out once per member and
            # what it depends on: the rules of the date, client or request first; only the pairs that pass
            # them get the timing rules, once per distinct shift time. An ineligible pair carries the first
            # rules it fails, enough to explain an empty shift.
            failed = quick.fails(sf, requests[s.request_id].id, blocked[s.client_id]) or quick.timing(sf)
            if failed:
                reasons[str(s.id)] = failed
                continue
            eligible.add(str(s.id))
            km = quick.distance(sf)
            if km is not None:
                travel[str(s.id)] = int(km * 1000)
        weekly_cap = (
            member.max_hours_per_week if member.opted_out_48h else min(policy.max_week_hours, member.max_hours_per_week)
        )
        fixed = tuple(
            scheduling.FixedShift(
                id=f"held:{h.shift_id}",
                day=day_index(h.starts_at),
                start=minutes(h.starts_at),
                end=minutes(h.ends_at),
                is_night=is_night(h.starts_at, h.ends_at, policy),
            )
            for h in mf.held
        )
        workers.append(
            scheduling.Worker(
                id=str(member.id),
                eligible_shift_ids=frozenset(eligible),
                ineligible_reasons=reasons,
                fixed_shifts=fixed,
                wanted_weekly_minutes=member.max_hours_per_week * 60,
                max_weekly_minutes=weekly_cap * 60,
                max_consecutive_days=policy.max_consecutive_days,
                max_consecutive_nights=policy.max_consecutive_nights,
                min_rest_minutes=policy.min_rest_hours * 60,
                worked_for_clients=frozenset(str(c) for c in worked[member.id]),
                travel_metres=travel,
                **preferences(member),
            )
        )
    problem = scheduling.RosterProblem(
        horizon=horizon,
        shifts=engine_shifts,
        workers=tuple(workers),
        client_preferred_members={str(c): frozenset(str(m) for m in ids) for c, ids in preferred.items()},
        night_succession_gap_minutes=policy.night_recovery_hours * 60,
    )
    return Built(
        problem=problem,
        shifts={s.id: s for s in shifts},
        members={m.id: m for m in members},
        member_facts=member_facts,
        shift_facts=shift_facts,
        blocked=blocked,
    )
