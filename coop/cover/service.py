"""Cover as people see it: requests and shifts with who is coming, a member's open shifts (best first),
a shift's candidates ranked with why. Reads only; the eligibility rules decide, never a copy."""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date

from sqlmodel import Session, col, func, select

from coop import history
from coop.access import OVERSIGHT, STAFF, Actor, require_client_access, require_role
from coop.auth.models import User
from coop.bookings import facts
from coop.bookings.models import Booking, Timesheet
from coop.clients.models import Client
from coop.clock import LONDON, elapsed_minutes, utcnow
from coop.eligibility import rules as eligibility
from coop.enums import BookingStatus, CoverStatus, MemberStatus, Role
from coop.errors import NotFound, PermissionDenied
from coop.geo import distance_km
from coop.members.models import Member
from coop.pay.estimates import OpenShiftPricer
from coop.policy import Policy, get_policy
from coop.shifts import service as shift_service
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.schemas import (
    Candidate,
    Candidates,
    OpenShift,
    Requirements,
    ShiftPublic,
    ShiftRequestPublic,
    ShiftsPublic,
)


def _shift_rows(session: Session, shifts: list[Shift]) -> list[ShiftPublic]:
    if not shifts:
        return []
    ids = [s.id for s in shifts]
    bookings = {
        b.shift_id: (b, m)
        for b, m in session.exec(
            select(Booking, Member)
            .join(Member, Member.id == Booking.member_id)
            .where(col(Booking.shift_id).in_(ids), Booking.status != BookingStatus.cancelled)
        ).all()
    }
    names = dict(
        session.exec(select(Client.id, Client.name).where(col(Client.id).in_({s.client_id for s in shifts}))).all()
    )
    rows = []
    for shift in shifts:
        booking, member = bookings.get(shift.id, (None, None))
        rows.append(
            ShiftPublic(
                id=shift.id,
                request_id=shift.request_id,
                client_id=shift.client_id,
                client_name=names[shift.client_id],
                role=shift.role,
                kind=shift.kind,
                status=shift.status,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                local_date=shift.local_date,
                hours=round(elapsed_minutes(shift.starts_at, shift.ends_at) / 60, 2),
                member_id=member.id if member else None,
                member_name=member.name if member else None,
                booking_id=booking.id if booking else None,
            )
        )
    return rows


def request_public(session: Session, request: ShiftRequest) -> ShiftRequestPublic:
    shifts = session.exec(select(Shift).where(Shift.request_id == request.id).order_by(Shift.starts_at, Shift.id)).all()
    client = session.get(Client, request.client_id)
    return ShiftRequestPublic(
        id=request.id,
        client_id=request.client_id,
        client_name=client.name,
        role=request.role,
        pattern=request.pattern,
        headcount=request.headcount,
        repeat_days=request.repeat_days,
        requirements=Requirements(
            min_grade=request.min_grade, skills=request.skills, welsh_medium=request.welsh_medium
        ),
        preferred_member_ids=request.preferred_member_ids,
        notes=request.notes,
        status=request.status,
        created_at=request.created_at,
        shifts=_shift_rows(session, list(shifts)),
    )


def get_request(session: Session, actor: Actor, request_id: int) -> ShiftRequestPublic:
    request = session.get(ShiftRequest, request_id)
    if request is None:
        raise NotFound(f"No cover request {request_id}.")
    require_client_access(actor, request.client_id)
    return request_public(session, request)


def list_requests(
    session: Session,
    actor: Actor,
    *,
    client_id: int | None = None,
    status: CoverStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ShiftRequestPublic], int]:
    query = select(ShiftRequest)
    if not actor.roles & OVERSIGHT:
        if not actor.has(Role.client):
            raise PermissionDenied("Only client contacts and coordinators see cover requests.")
        if client_id is not None and client_id != actor.client_id:
            raise PermissionDenied("You may only see your own organisation's requests.")
        client_id = actor.client_id
    if client_id is not None:
        query = query.where(ShiftRequest.client_id == client_id)
    if status:
        query = query.where(ShiftRequest.status == status)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(ShiftRequest.created_at).desc(), col(ShiftRequest.id).desc()).offset(offset).limit(limit)
    ).all()
    return [request_public(session, r) for r in rows], count


def get_shift(session: Session, actor: Actor, shift_id: int) -> ShiftPublic:
    shift = shift_service.load_shift(session, shift_id)
    row = _shift_rows(session, [shift])[0]
    if actor.roles & OVERSIGHT or (actor.has(Role.client) and actor.client_id == shift.client_id):
        return row
    if actor.has(Role.member) and actor.member_id is not None:
        if row.member_id == actor.member_id:
            return row
        member = session.get(Member, actor.member_id)
        if shift.status == CoverStatus.open and member is not None and member.profession == shift.role:
            return row.model_copy(update={"member_id": None, "member_name": None})
    raise PermissionDenied("You may not see this shift.")


def shift_history(session: Session, actor: Actor, shift_id: int) -> list[dict]:
    """Who did what to this shift, its bookings and their timesheets, and when: the append-only history."""
    shift = shift_service.load_shift(session, shift_id)
    require_client_access(actor, shift.client_id)
    booking_ids = list(session.exec(select(Booking.id).where(Booking.shift_id == shift_id)).all())
    sheet_ids = (
        list(session.exec(select(Timesheet.id).where(col(Timesheet.booking_id).in_(booking_ids))).all())
        if booking_ids
        else []
    )
    pairs = [("shift", shift_id)] + [("booking", b) for b in booking_ids] + [("timesheet", t) for t in sheet_ids]
    pairs.append(("shift_request", shift.request_id))
    events = history.events_for(session, pairs)
    names = (
        dict(
            session.exec(
                select(User.id, User.name).where(col(User.id).in_({e.actor_user_id for e in events if e.actor_user_id}))
            ).all()
        )
        if events
        else {}
    )
    return [
        {
            "at": e.at,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "by": names.get(e.actor_user_id, "the co-op"),
            "data": e.data,
        }
        for e in events
    ]


def list_shifts(
    session: Session,
    actor: Actor,
    *,
    status: CoverStatus | None = None,
    from_date: date | None = None,
    to_date: date | None = None,
    role: str | None = None,
    client_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> ShiftsPublic:
    query = select(Shift)
    if not actor.roles & OVERSIGHT:
        if not actor.has(Role.client):
            raise PermissionDenied("Members see their open shifts at /api/shifts/open and their own at /api/me/shifts.")
        if client_id is not None and client_id != actor.client_id:
            raise PermissionDenied("You may only see your own organisation's shifts.")
        client_id = actor.client_id
    if status:
        query = query.where(Shift.status == status)
    if from_date:
        query = query.where(Shift.local_date >= from_date)
    if to_date:
        query = query.where(Shift.local_date <= to_date)
    if role:
        query = query.where(Shift.role == role)
    if client_id is not None:
        query = query.where(Shift.client_id == client_id)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Shift.starts_at, Shift.id).offset(offset).limit(limit)).all()
    return ShiftsPublic(data=_shift_rows(session, list(rows)), count=count)


def _why_offered(worked_before: bool, preferred: bool, km: float | None, welsh: bool) -> list[str]:
    why = []
    if preferred:
        why.append("preferred_by_client")
    if worked_before:
        why.append("worked_here_before")
    if km is not None:
        why.append("near" if km <= 10 else "within_travel")
    if welsh:
        why.append("welsh_medium_match")
    return why


def open_shifts_for_member(
    session: Session,
    actor: Actor,
    *,
    from_date: date | None = None,
    to_date: date | None = None,
    role: str | None = None,
    client_id: int | None = None,
    kind: str | None = None,
    policy: Policy | None = None,
    limit: int = 200,
) -> list[OpenShift]:
    """The open shifts this member may book, best first: clients they know, nearer, sooner."""
    require_role(actor, Role.member)
    if actor.member_id is None:
        raise PermissionDenied("Only members have open shifts.")
    policy = policy or get_policy()
    member = session.get(Member, actor.member_id)
    now = utcnow()
    query = select(Shift).where(
        Shift.status == CoverStatus.open, Shift.starts_at > now, Shift.role == (role or member.profession)
    )
    if from_date:
        query = query.where(Shift.local_date >= from_date)
    if to_date:
        query = query.where(Shift.local_date <= to_date)
    if client_id is not None:
        query = query.where(Shift.client_id == client_id)
    if kind:
        query = query.where(Shift.kind == kind)
    shifts = list(session.exec(query.order_by(Shift.starts_at).limit(2000)).all())
    if not shifts:
        return []
    shift_facts = facts.shift_facts(session, shifts, policy)
    member_facts = facts.member_facts(
        session, [member], window_from=shifts[0].starts_at, window_to=shifts[-1].ends_at, policy=policy
    )[member.id]
    blocked = facts.blocked_by_client(session, [s.client_id for s in shifts])
    preferred = facts.preferred_by_client(session, [s.client_id for s in shifts])
    worked = facts.clients_worked_for(session, [member.id], before=now)[member.id]
    requests = {
        r.id: r
        for r in session.exec(
            select(ShiftRequest).where(col(ShiftRequest.id).in_({s.request_id for s in shifts}))
        ).all()
    }
    eligible = [
        s
        for s in shifts
        if not eligibility.check(member_facts, shift_facts[s.id], policy=policy, blocked=blocked[s.client_id])
    ]
    offered = []
    pricer = OpenShiftPricer(session, profession=member.profession, grade=member.grade, policy=policy)
    for row in _shift_rows(session, eligible):
        sf = shift_facts[row.id]
        estimate = pricer.estimate(client_id=row.client_id, starts_at=row.starts_at, ends_at=row.ends_at)
        km = distance_km(member_facts.location, sf.client_location)
        is_preferred = (
            member.id in preferred[row.client_id] or member.id in requests[row.request_id].preferred_member_ids
        )
        offered.append(
            OpenShift(
                **row.model_dump(),
                distance_km=round(km, 1) if km is not None else None,
                why=_why_offered(
                    row.client_id in worked, is_preferred, km, sf.welsh_medium and member.welsh_level == "fluent"
                ),
                **(asdict(estimate) if estimate else {}),
            )
        )
    offered.sort(
        key=lambda o: (
            "preferred_by_client" not in o.why,
            "worked_here_before" not in o.why,
            math.floor((o.distance_km if o.distance_km is not None else 50) / 5),
            o.starts_at,
        )
    )
    return offered[:limit]


def candidates(session: Session, actor: Actor, shift_id: int, *, policy: Policy | None = None) -> Candidates:
    """For a coordinator: eligible members ranked with the reason for the rank; the rest with why not."""
    require_role(actor, *STAFF)
    policy = policy or get_policy()
    shift = shift_service.load_shift(session, shift_id)
    request = session.get(ShiftRequest, shift.request_id)
    sf = facts.shift_facts(session, [shift], policy)[shift.id]
    members = list(
        session.exec(
            select(Member).where(Member.profession == shift.role, col(Member.status).in_([MemberStatus.active]))
        ).all()
    )
    mf = facts.member_facts(session, members, window_from=shift.starts_at, window_to=shift.ends_at, policy=policy)
    blocked = facts.blocked_by_client(session, [shift.client_id])[shift.client_id]
    preferred = facts.preferred_by_client(session, [shift.client_id])[shift.client_id] | set(
        request.preferred_member_ids
    )
    worked = facts.clients_worked_for(session, [m.id for m in members], before=utcnow())
    week_minutes = _week_minutes(mf, sf)
    eligible, ineligible = [], []
    for member in members:
        m = mf[member.id]
        reasons = eligibility.check(m, sf, policy=policy, blocked=blocked)
        km = distance_km(m.location, sf.client_location)
        if reasons:
            ineligible.append(
                Candidate(
                    member_id=member.id,
                    name=member.name,
                    rank=None,
                    score=0,
                    why=[],
                    distance_km=round(km, 1) if km is not None else None,
                    reasons=[{"code": r.code, "detail": r.message, "rule": r.rule} for r in reasons],
                )
            )
            continue
        score, why = _rank_score(
            m, sf, km, member.id in preferred, shift.client_id in worked[member.id], week_minutes[member.id]
        )
        eligible.append(
            Candidate(
                member_id=member.id,
                name=member.name,
                rank=None,
                score=score,
                why=why,
                distance_km=round(km, 1) if km is not None else None,
                reasons=[],
            )
        )
    eligible.sort(key=lambda c: (-c.score, c.distance_km if c.distance_km is not None else 999, c.name))
    for rank, candidate in enumerate(eligible, start=1):
        candidate.rank = rank
    ineligible.sort(key=lambda c: (len(c.reasons), c.name))
    return Candidates(shift_id=shift.id, eligible=eligible, ineligible=ineligible)


def _week_minutes(mf: dict[int, eligibility.MemberFacts], sf: eligibility.ShiftFacts) -> dict[int, int]:
    week = sf.local_date.isocalendar()[:2]
    return {
        mid: sum(
            elapsed_minutes(h.starts_at, h.ends_at)
            for h in m.held
            if h.starts_at.astimezone(LONDON).date().isocalendar()[:2] == week
        )
        for mid, m in mf.items()
    }


def _rank_score(
    m: eligibility.MemberFacts,
    sf: eligibility.ShiftFacts,
    km: float | None,
    preferred: bool,
    worked_before: bool,
    week_minutes: int,
) -> tuple[int, list[str]]:
    """Continuity first (the client's own choice, then faces they know), then nearness and fair shares."""
    score, why = 0, []
    if preferred:
        score += 40
        why.append("preferred_by_client")
    if worked_before:
        score += 30
        why.append("worked_here_before")
    if km is not None:
        score += max(0, 20 - int(km // 2))
        why.append(f"distance_km:{km:.0f}")
    if sf.welsh_medium and m.welsh_level == "fluent":
        score += 5
        why.append("welsh_medium_match")
    wanted = m.max_hours_per_week * 60
    if wanted:
        share = max(0, wanted - week_minutes) * 10 // wanted
        score += share
        why.append(f"hours_this_week:{week_minutes // 60}")
    return score, why
