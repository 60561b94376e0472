"""Timesheet use-cases (RULES §0.6): the member submits what was worked, the client approves or queries,
a coordinator resolves. Approved timesheets are what pay and invoices read. Each commits once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from coop import history
from coop.access import OVERSIGHT, STAFF, Actor, require_client_access, require_role
from coop.bookings import service as booking_service
from coop.bookings.models import Booking, Timesheet
from coop.bookings.schemas import ResolveIn, TimesheetIn, TimesheetPublic
from coop.clients.models import Client
from coop.clock import elapsed_minutes, utcnow
from coop.enums import BookingStatus, CoverStatus, Role, TimesheetStatus
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.members.models import Member
from coop.notify import service as notify
from coop.policy import Policy, get_policy
from coop.shifts import service as shift_service
from coop.shifts.models import Shift


def _worked(started_at: datetime, ended_at: datetime, break_minutes: int | None, policy: Policy) -> tuple[int, int]:
    """RULES §0.6: a 20-minute unpaid break on any shift over 6 h unless the timesheet says otherwise."""
    elapsed = elapsed_minutes(started_at, ended_at)
    if break_minutes is None:
        break_minutes = policy.break_minutes if elapsed > policy.break_after_hours * 60 else 0
    if break_minutes >= elapsed:
        raise InvalidInput("The break is as long as the shift.", field="break_minutes")
    return break_minutes, elapsed - break_minutes


def _sheet_rows(session: Session, sheets: list[Timesheet]) -> list[TimesheetPublic]:
    if not sheets:
        return []
    members = dict(
        session.exec(select(Member.id, Member.name).where(col(Member.id).in_({t.member_id for t in sheets}))).all()
    )
    clients = dict(
        session.exec(select(Client.id, Client.name).where(col(Client.id).in_({t.client_id for t in sheets}))).all()
    )
    shift_of = dict(
        session.exec(
            select(Booking.id, Booking.shift_id).where(col(Booking.id).in_([t.booking_id for t in sheets]))
        ).all()
    )
    return [
        TimesheetPublic(
            id=t.id,
            booking_id=t.booking_id,
            shift_id=shift_of[t.booking_id],
            member_id=t.member_id,
            member_name=members[t.member_id],
            client_id=t.client_id,
            client_name=clients[t.client_id],
            started_at=t.started_at,
            ended_at=t.ended_at,
            break_minutes=t.break_minutes,
            worked_minutes=t.worked_minutes,
            status=t.status,
            submitted_at=t.submitted_at,
            decided_at=t.decided_at,
            query_comment=t.query_comment,
            resolution_comment=t.resolution_comment,
        )
        for t in sheets
    ]


def _sheet_data(session: Session, sheet: Timesheet, shift: Shift, **extra) -> dict:
    return {
        "client": session.get(Client, sheet.client_id).name,
        "member": session.get(Member, sheet.member_id).name,
        "starts_at": shift.starts_at.isoformat(),
        "hours": f"{sheet.worked_minutes / 60:.2f}",
        **extra,
    }


def submit_timesheet(
    session: Session, actor: Actor, booking_id: int, data: TimesheetIn, *, policy: Policy | None = None
) -> TimesheetPublic:
    """After the shift the member says when they started, finished and how long their unpaid break was."""
    policy = policy or get_policy()
    booking, shift = booking_service._load_booking(session, actor, booking_id)
    if not (actor.is_staff or actor.member_id == booking.member_id):
        raise PermissionDenied("Only the member who worked the shift (or a coordinator) submits its timesheet.")
    if booking.status == BookingStatus.cancelled:
        raise Conflict("The booking was cancelled.", code="booking_cancelled")
    now = utcnow()
    if now < shift.starts_at:
        raise Conflict("A timesheet can be submitted once the shift has started.", code="shift_not_started")
    if abs(data.started_at - shift.starts_at) > timedelta(hours=6) or data.ended_at > now + timedelta(minutes=5):
        raise InvalidInput("The times are far from the booked shift, or in the future.", field="started_at")
    break_minutes, worked = _worked(data.started_at, data.ended_at, data.break_minutes, policy)
    sheet = session.exec(select(Timesheet).where(Timesheet.booking_id == booking.id)).first()
    if sheet is not None and sheet.status == TimesheetStatus.approved:
        raise Conflict("This timesheet is already approved.", code="timesheet_approved")
    previous = None
    if sheet is None:
        sheet = Timesheet(
            booking_id=booking.id,
            member_id=booking.member_id,
            client_id=shift.client_id,
            started_at=data.started_at,
            ended_at=data.ended_at,
            break_minutes=break_minutes,
            worked_minutes=worked,
            status=TimesheetStatus.submitted,
            submitted_at=now,
        )
    else:
        previous = {
            "status": sheet.status,
            "started_at": sheet.started_at.isoformat(),
            "ended_at": sheet.ended_at.isoformat(),
            "break_minutes": sheet.break_minutes,
        }
        sheet.started_at, sheet.ended_at, sheet.break_minutes, sheet.worked_minutes = (
            data.started_at,
            data.ended_at,
            break_minutes,
            worked,
        )
        sheet.status, sheet.submitted_at = TimesheetStatus.submitted, now
    session.add(sheet)
    session.flush()
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="timesheet",
        entity_id=sheet.id,
        action="submitted" if previous is None else "resubmitted",
        from_state=previous["status"] if previous else None,
        to_state=TimesheetStatus.submitted,
        data={"previous": previous} if previous else {"worked_minutes": worked},
    )
    notify.to_client(session, shift.client_id, "timesheet_submitted", _sheet_data(session, sheet, shift))
    session.commit()
    return _sheet_rows(session, [sheet])[0]


def _load_sheet(session: Session, actor: Actor, timesheet_id: int) -> tuple[Timesheet, Shift]:
    sheet = session.get(Timesheet, timesheet_id)
    if sheet is None:
        raise NotFound(f"No timesheet {timesheet_id}.")
    booking, shift = booking_service._load_booking(session, actor, sheet.booking_id)
    return sheet, shift


def _decide(session: Session, actor: Actor, timesheet_id: int) -> tuple[Timesheet, Shift]:
    sheet, shift = _load_sheet(session, actor, timesheet_id)
    if not actor.is_staff:
        if not actor.has(Role.client):
            raise PermissionDenied("The client's contact approves or queries timesheets.")
        require_client_access(actor, sheet.client_id, oversight=False)
    return sheet, shift


def approve_timesheet(session: Session, actor: Actor, timesheet_id: int) -> TimesheetPublic:
    sheet, shift = _decide(session, actor, timesheet_id)
    if sheet.status != TimesheetStatus.submitted:
        raise Conflict(
            f"The timesheet is {sheet.status}; only a submitted one can be approved.", code=f"timesheet_{sheet.status}"
        )
    _approve(session, actor, sheet, shift, action="approved")
    notify.to_member(session, sheet.member_id, "timesheet_approved", _sheet_data(session, sheet, shift))
    session.commit()
    return _sheet_rows(session, [sheet])[0]


def _approve(session: Session, actor: Actor, sheet: Timesheet, shift: Shift, *, action: str, data: dict | None = None):
    previous = sheet.status
    sheet.status, sheet.decided_at, sheet.decided_by_user_id = TimesheetStatus.approved, utcnow(), actor.user_id
    booking = session.get(Booking, sheet.booking_id)
    booking.status = BookingStatus.completed
    session.add(sheet)
    session.add(booking)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="timesheet",
        entity_id=sheet.id,
        action=action,
        from_state=previous,
        to_state=TimesheetStatus.approved,
        data=data or {"worked_minutes": sheet.worked_minutes},
    )
    shift_service.move_shift(session, actor, shift, CoverStatus.completed, action="completed")


def query_timesheet(session: Session, actor: Actor, timesheet_id: int, comment: str) -> TimesheetPublic:
    sheet, shift = _decide(session, actor, timesheet_id)
    if sheet.status != TimesheetStatus.submitted:
        raise Conflict(
            f"The timesheet is {sheet.status}; only a submitted one can be queried.", code=f"timesheet_{sheet.status}"
        )
    sheet.status, sheet.query_comment = TimesheetStatus.queried, comment
    sheet.decided_at, sheet.decided_by_user_id = utcnow(), actor.user_id
    session.add(sheet)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="timesheet",
        entity_id=sheet.id,
        action="queried",
        from_state=TimesheetStatus.submitted,
        to_state=TimesheetStatus.queried,
        data={"comment": comment},
    )
    notify.to_member(session, sheet.member_id, "timesheet_queried", _sheet_data(session, sheet, shift, comment=comment))
    session.commit()
    return _sheet_rows(session, [sheet])[0]


def resolve_timesheet(
    session: Session, actor: Actor, timesheet_id: int, data: ResolveIn, *, policy: Policy | None = None
) -> TimesheetPublic:
    """A coordinator settles a queried timesheet, correcting it if need be; the old values stay in history."""
    require_role(actor, *STAFF)
    policy = policy or get_policy()
    sheet, shift = _load_sheet(session, actor, timesheet_id)
    if sheet.status != TimesheetStatus.queried:
        raise Conflict(
            f"The timesheet is {sheet.status}; only a queried one is resolved.", code=f"timesheet_{sheet.status}"
        )
    started = data.started_at or sheet.started_at
    ended = data.ended_at or sheet.ended_at
    if ended <= started:
        raise InvalidInput("ended_at must be after started_at", field="ended_at")
    break_minutes, worked = _worked(
        started, ended, data.break_minutes if data.break_minutes is not None else sheet.break_minutes, policy
    )
    before = {
        "started_at": sheet.started_at.isoformat(),
        "ended_at": sheet.ended_at.isoformat(),
        "break_minutes": sheet.break_minutes,
        "worked_minutes": sheet.worked_minutes,
    }
    sheet.started_at, sheet.ended_at, sheet.break_minutes, sheet.worked_minutes = started, ended, break_minutes, worked
    sheet.resolution_comment = data.comment
    _approve(
        session,
        actor,
        sheet,
        shift,
        action="resolved",
        data={"before": before, "worked_minutes": worked, "comment": data.comment},
    )
    notify.to_member(session, sheet.member_id, "timesheet_resolved", _sheet_data(session, sheet, shift))
    session.commit()
    return _sheet_rows(session, [sheet])[0]


def list_timesheets(
    session: Session,
    actor: Actor,
    *,
    status: TimesheetStatus | None = None,
    client_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[TimesheetPublic]:
    query = select(Timesheet)
    if actor.roles & OVERSIGHT:
        if client_id is not None:
            query = query.where(Timesheet.client_id == client_id)
    elif actor.has(Role.client):
        query = query.where(Timesheet.client_id == actor.client_id)
    elif actor.has(Role.member) and actor.member_id is not None:
        query = query.where(Timesheet.member_id == actor.member_id)
    else:
        raise PermissionDenied("You have no timesheets.")
    if status:
        query = query.where(Timesheet.status == status)
    rows = session.exec(query.order_by(col(Timesheet.submitted_at).desc()).offset(offset).limit(limit)).all()
    return _sheet_rows(session, list(rows))


def get_timesheet(session: Session, actor: Actor, timesheet_id: int) -> TimesheetPublic:
    sheet, _shift = _load_sheet(session, actor, timesheet_id)
    return _sheet_rows(session, [sheet])[0]
