"""Cover-request use-cases: ask for cover, see who is coming, offer open shifts, rank candidates, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, delete, func, select

from coop import history
from coop.access import Actor, require_client_access
from coop.clients.models import Client
from coop.clock import LONDON, local_date, utcnow
from coop.enums import CoverStatus, Role
from coop.errors import InvalidInput, NotFound, PermissionDenied
from coop.members.grades import GRADES, is_grade
from coop.members.models import Member
from coop.shifts import rules as shift_rules
from coop.shifts.models import Shift, ShiftPattern, ShiftRequest
from coop.shifts.schemas import (
    PatternIn,
    Requirements,
    ShiftRequestCreate,
)
from coop.shifts.timing import DEFAULT_PATTERNS, local_span, working_days

LIVE = (CoverStatus.open, CoverStatus.booked)
# A coordinator may record a shift already worked (arranged by phone) up to this far back.
PAST_LIMIT = timedelta(days=31)


# Patterns ---------------------------------------------------------------------------------------


def patterns_for(session: Session, client: Client) -> dict[str, tuple[str, object, object]]:
    own = session.exec(
        select(ShiftPattern).where(ShiftPattern.client_id == client.id).order_by(ShiftPattern.starts)
    ).all()
    if own:
        return {p.code: (p.label, p.starts, p.ends) for p in own}
    return dict(DEFAULT_PATTERNS[client.kind])


def get_patterns(session: Session, actor: Actor, client_id: int) -> list[PatternIn]:
    client = _client(session, actor, client_id)
    return [
        PatternIn(code=c, label=label, starts=s, ends=e) for c, (label, s, e) in patterns_for(session, client).items()
    ]


def set_patterns(session: Session, actor: Actor, client_id: int, patterns: list[PatternIn]) -> list[PatternIn]:
    require_client_access(actor, client_id, oversight=False)
    _client(session, actor, client_id)
    if not patterns:
        raise InvalidInput("Give at least one pattern (or keep the defaults).", field="patterns")
    session.exec(delete(ShiftPattern).where(ShiftPattern.client_id == client_id))
    for pattern in patterns:
        session.add(ShiftPattern(client_id=client_id, **pattern.model_dump()))
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="client",
        entity_id=client_id,
        action="patterns_set",
        data={"codes": [p.code for p in patterns]},
    )
    session.commit()
    return get_patterns(session, actor, client_id)


def _client(session: Session, actor: Actor, client_id: int) -> Client:
    require_client_access(actor, client_id)
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"No client {client_id}.")
    return client


# Requests ---------------------------------------------------------------------------------------


def _spans(session: Session, client: Client, data: ShiftRequestCreate) -> tuple[str, list[tuple[datetime, datetime]]]:
    """The kind of shift and the (start, end) of each day, same wall-clock times on each working day."""
    if data.starts_at is not None:
        local_start, local_end = data.starts_at.astimezone(LONDON), data.ends_at.astimezone(LONDON)
        first, starts, ends = local_start.date(), local_start.timetz().replace(tzinfo=None), local_end.time()
        kind = data.pattern or "custom"
        if data.repeat_days == 1:
            return kind, [(data.starts_at.astimezone(UTC), data.ends_at.astimezone(UTC))]
    else:
        patterns = patterns_for(session, client)
        if data.pattern not in patterns:
            raise InvalidInput(
                f"'{data.pattern}' is not one of this client's patterns: {', '.join(patterns)}.", field="pattern"
            )
        _label, starts, ends = patterns[data.pattern]
        first, kind = data.on, data.pattern
    return kind, [local_span(day, starts, ends) for day in working_days(first, data.repeat_days, client.kind)]


def _check_requirements(role: str, requirements: Requirements) -> None:
    if requirements.min_grade and not is_grade(role, requirements.min_grade):
        raise InvalidInput(
            f"'{requirements.min_grade}' is not a grade for {role}: use one of {', '.join(GRADES[role])}.",
            field="requirements.min_grade",
        )


def create_request(session: Session, actor: Actor, data: ShiftRequestCreate) -> ShiftRequest:
    """A client contact (or a coordinator for them) asks for cover: one shift per person per day."""
    if not (actor.is_staff or actor.has(Role.client)):
        raise PermissionDenied("Only a client contact or a coordinator may request cover.")
    require_client_access(actor, data.client_id, oversight=False)
    client = session.get(Client, data.client_id)
    if client is None:
        raise NotFound(f"No client {data.client_id}.")
    _check_requirements(data.role, data.requirements)
    skills = list(dict.fromkeys(s.strip() for s in data.requirements.skills if s.strip()))
    if data.preferred_member_ids:
        known = session.exec(
            select(func.count()).select_from(Member).where(col(Member.id).in_(data.preferred_member_ids))
        ).one()
        if known != len(set(data.preferred_member_ids)):
            raise InvalidInput("A preferred member does not exist.", field="preferred_member_ids")
    kind, spans = _spans(session, client, data)
    now = utcnow()
    earliest = now - PAST_LIMIT if actor.is_staff else now
    if spans[0][0] < earliest:
        raise InvalidInput(
            "Cover can only be requested for a time still to come."
            if not actor.is_staff
            else "A shift already worked can be recorded up to 31 days back.",
            field="starts_at",
        )
    request = ShiftRequest(
        client_id=client.id,
        role=data.role,
        pattern=kind if kind != "custom" else None,
        min_grade=data.requirements.min_grade,
        skills=skills,
        welsh_medium=data.requirements.welsh_medium,
        preferred_member_ids=list(dict.fromkeys(data.preferred_member_ids)),
        headcount=data.headcount,
        repeat_days=data.repeat_days,
        notes=data.notes,
        status=CoverStatus.open,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    session.add(request)
    session.flush()
    for start, end in spans:
        for _ in range(data.headcount):
            session.add(
                Shift(
                    request_id=request.id,
                    client_id=client.id,
                    role=data.role,
                    kind=kind,
                    starts_at=start,
                    ends_at=end,
                    local_date=local_date(start),
                    status=CoverStatus.open,
                    created_at=now,
                )
            )
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="shift_request",
        entity_id=request.id,
        action="requested",
        to_state=CoverStatus.open,
        data={"shifts": len(spans) * data.headcount},
    )
    session.commit()
    return request


def move_shift(
    session: Session, actor: Actor, shift: Shift, to_state: CoverStatus, *, action: str, data: dict | None = None
):
    """A shift changes state: set it, keep the history (who, when, from what to what), keep its request in step."""
    previous = shift.status
    shift.status = to_state
    session.add(shift)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="shift",
        entity_id=shift.id,
        action=action,
        from_state=previous,
        to_state=to_state,
        data=data or {},
    )
    sync_request_status(session, shift.request_id)


def sync_request_status(session: Session, request_id: int) -> None:
    """A request is open while any shift is open, booked once all are filled, then completed or cancelled."""
    request = session.get(ShiftRequest, request_id)
    status = shift_rules.request_status(session.exec(select(Shift.status).where(Shift.request_id == request_id)).all())
    if request.status != status:
        request.status = status
        session.add(request)


# Shifts -----------------------------------------------------------------------------------------


def load_shift(session: Session, shift_id: int) -> Shift:
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(f"No shift {shift_id}.")
    return shift


# Cancellation by the client ---------------------------------------------------------------------


def lock_shift(session: Session, shift_id: int) -> None:
    """Take the shift's write lock before reading it: a row lock on PostgreSQL, the write lock on SQLite."""
    result = session.exec(update(Shift).where(Shift.id == shift_id).values(version=Shift.version + 1))
    if result.rowcount == 0:
        raise NotFound(f"No shift {shift_id}.")
