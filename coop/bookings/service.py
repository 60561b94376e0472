"""Booking use-cases: book (never twice), cancel, timesheets. Each commits once.

Booking takes the shift's lock first (an UPDATE: a row lock on PostgreSQL, the write lock on SQLite),
then the member's row, re-reads both and checks every rule; the database's own guards (one live booking
per shift; no overlapping live bookings per member) catch anything that slips past.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from coop import history
from coop.auth.policy import OVERSIGHT, STAFF, Actor, require_client_access, require_role
from coop.bookings.models import Booking, IdempotencyRecord, Timesheet
from coop.bookings.schemas import BookingPublic, ResolveIn, TimesheetIn, TimesheetPublic
from coop.clients.models import Client
from coop.clock import LONDON, elapsed_minutes, utcnow
from coop.enums import Role
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.members.models import Member
from coop.notify import service as notify
from coop.policy import Policy, get_policy
from coop.shifts import eligibility, facts
from coop.shifts import service as shift_service
from coop.shifts.models import Shift

BOOK = "book_shift"


def request_fingerprint(operation: str, target_id: int, body: dict) -> str:
    """What an Idempotency-Key is bound to: the operation, its target and its body, hashed in canonical JSON."""
    canonical = json.dumps(
        {"operation": operation, "target": target_id, "body": body}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(session: Session, actor: Actor, key: str | None, fingerprint: str) -> BookingPublic | None:
    """The first answer given to this key, if it was first sent with this very request; else None."""
    if not key or actor.user_id is None:
        return None
    record = session.get(IdempotencyRecord, (actor.user_id, key), populate_existing=True)
    if record is None:
        return None
    if record.operation != BOOK or record.fingerprint != fingerprint:
        raise InvalidInput(
            "This Idempotency-Key was used for a different request: send a new key for a new request.",
            field="Idempotency-Key",
        )
    return BookingPublic.model_validate(record.response)


def book_shift(
    session: Session,
    actor: Actor,
    shift_id: int,
    *,
    member_id: int | None = None,
    idempotency_key: str | None = None,
    policy: Policy | None = None,
) -> BookingPublic:
    """Book a member onto a shift, or say why not (409 with the rule's code). Commits.

    With an Idempotency-Key, a retry of the same request gets the first answer again, as it was then (even
    if the booking was cancelled since), and the key sent with any other request is refused (422). Only a
    booking made is recorded: a refusal writes nothing, so its retry is decided afresh.
    """
    member_id = _who_books(actor, member_id)
    key = idempotency_key if actor.user_id is not None else None
    fingerprint = request_fingerprint(BOOK, shift_id, {"member_id": member_id})
    if (earlier := _replay(session, actor, key, fingerprint)) is not None:
        return earlier
    session.rollback()  # start the locking transaction afresh
    shift_service.lock_shift(session, shift_id)
    if (earlier := _replay(session, actor, key, fingerprint)) is not None:
        session.rollback()
        return earlier
    try:
        _refuse_if_already_held(session, actor, shift_id, member_id)
        booking = book_locked(session, actor, shift_id, member_id, policy=policy or get_policy())
        answer = booking_public(session, actor, booking)
        if key:
            session.add(
                IdempotencyRecord(
                    user_id=actor.user_id,
                    key=key,
                    operation=BOOK,
                    fingerprint=fingerprint,
                    result_id=booking.id,
                    response=answer.model_dump(mode="json"),
                    created_at=utcnow(),
                )
            )
        session.commit()
    except IntegrityError as error:
        session.rollback()
        # The same key, sent at the same moment by another process for another shift, was recorded first.
        if (earlier := _replay(session, actor, key, fingerprint)) is not None:
            return earlier
        _refuse_if_already_held(session, actor, shift_id, member_id)
        raise _guard_conflict(error) from error
    return answer


def _refuse_if_already_held(session: Session, actor: Actor, shift_id: int, member_id: int) -> None:
    """A second tap by the member who holds the shift is told so, not that someone else took it."""
    held = session.exec(
        select(Booking.id).where(
            Booking.shift_id == shift_id, Booking.member_id == member_id, Booking.status != "cancelled"
        )
    ).first()
    if held is None:
        return
    if actor.member_id == member_id:
        raise Conflict("You already hold this shift: it is in your shifts.", code="already_booked_by_you")
    raise Conflict("This member already holds this shift.", code="already_booked_by_member")


def _who_books(actor: Actor, member_id: int | None) -> int:
    if actor.is_staff:
        if member_id is None:
            raise InvalidInput("Say which member to book: member_id.", field="member_id")
        return member_id
    if actor.has(Role.member) and actor.member_id is not None:
        if member_id not in (None, actor.member_id):
            raise PermissionDenied("A member books only for themselves.")
        return actor.member_id
    raise PermissionDenied("Only members and coordinators book shifts.")


def book_locked(
    session: Session,
    actor: Actor,
    shift_id: int,
    member_id: int,
    *,
    policy: Policy,
    roster_run_id: int | None = None,
) -> Booking:
    """Book inside the caller's transaction: locks the shift and the member, checks every rule, flushes.

    Raises Conflict with the rule's code; the caller commits (or rolls back its savepoint).
    """
    shift_service.lock_shift(session, shift_id)
    member = session.exec(select(Member).where(Member.id == member_id).with_for_update()).first()
    if member is None:
        raise NotFound(f"No member {member_id}.")
    shift = session.get(Shift, shift_id, populate_existing=True)
    now = utcnow()
    if shift.status != "open":
        taken = shift.status == "booked"
        raise Conflict(
            "Someone else has just booked this shift." if taken else f"The shift is {shift.status}.",
            code="shift_taken" if taken else f"shift_{shift.status}",
        )
    if shift.starts_at <= now and not actor.is_staff:
        raise Conflict("The shift has already started: ask a coordinator.", code="shift_started")
    shift_facts = facts.shift_facts(session, [shift], policy)[shift.id]
    member_facts = facts.member_facts(
        session, [member], window_from=shift.starts_at, window_to=shift.ends_at, policy=policy
    )[member.id]
    blocked = facts.blocked_by_client(session, [shift.client_id])[shift.client_id]
    reasons = eligibility.check(member_facts, shift_facts, policy=policy, blocked=blocked)
    if reasons:
        raise Conflict(
            reasons[0].message,
            code=reasons[0].code,
            extra={"reasons": [{"code": r.code, "detail": r.message, "rule": r.rule} for r in reasons]},
        )
    booking = Booking(
        shift_id=shift.id,
        member_id=member.id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        status="booked",
        booked_at=now,
        booked_by_user_id=actor.user_id,
        roster_run_id=roster_run_id,
    )
    session.add(booking)
    session.flush()  # the database's guards against double booking speak here
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="booking",
        entity_id=booking.id,
        action="booked",
        to_state="booked",
        data={
            "shift_id": shift.id,
            "member_id": member.id,
            "on_behalf": actor.member_id != member.id,
            "roster_run_id": roster_run_id,
        },
    )
    shift_service.move_shift(session, actor, shift, "booked", action="booked")
    client = session.get(Client, shift.client_id)
    data = {"client": client.name, "member": member.name, "starts_at": shift.starts_at.isoformat()}
    notify.to_client(session, shift.client_id, "shift_booked", data)
    notify.to_member(session, member.id, "shift_booked_member", data)
    return booking


def _guard_conflict(error: IntegrityError) -> Conflict:
    text = str(error.orig)
    if "ex_booking_member_overlap" in text:
        return Conflict("The member already has a shift at that time.", code="overlap")
    return Conflict("Someone else has just booked this shift.", code="shift_taken")


def _booking_rows(session: Session, bookings: list[Booking], actor: Actor, policy: Policy) -> list[BookingPublic]:
    if not bookings:
        return []
    shifts = {
        s.id: s for s in session.exec(select(Shift).where(col(Shift.id).in_({b.shift_id for b in bookings}))).all()
    }
    clients = dict(
        session.exec(
            select(Client.id, Client.name).where(col(Client.id).in_({s.client_id for s in shifts.values()}))
        ).all()
    )
    members = dict(
        session.exec(select(Member.id, Member.name).where(col(Member.id).in_({b.member_id for b in bookings}))).all()
    )
    sheets = {
        t.booking_id: t
        for t in session.exec(select(Timesheet).where(col(Timesheet.booking_id).in_([b.id for b in bookings]))).all()
    }
    now = utcnow()
    rows = []
    for b in bookings:
        shift, sheet = shifts[b.shift_id], sheets.get(b.id)
        rows.append(
            BookingPublic(
                id=b.id,
                shift_id=b.shift_id,
                member_id=b.member_id,
                member_name=members[b.member_id],
                client_id=shift.client_id,
                client_name=clients[shift.client_id],
                role=shift.role,
                kind=shift.kind,
                starts_at=b.starts_at,
                ends_at=b.ends_at,
                local_date=shift.local_date,
                status=b.status,
                booked_at=b.booked_at,
                can_cancel=_may_cancel(b, actor, now, policy),
                timesheet_id=sheet.id if sheet else None,
                timesheet_status=sheet.status if sheet else None,
                timesheet_comment=(sheet.query_comment or sheet.resolution_comment) if sheet else None,
            )
        )
    return rows


def _may_cancel(booking: Booking, actor: Actor, now: datetime, policy: Policy) -> bool:
    if booking.status != "booked" or booking.ends_at <= now:
        return False
    if actor.is_staff:
        return True
    # RULES §0.8: a member may cancel until 12 hours before the start; later only through a coordinator.
    return booking.starts_at - now >= timedelta(hours=policy.member_cancel_hours)


def my_bookings(
    session: Session, actor: Actor, *, include_past_days: int = 60, policy: Policy | None = None
) -> list[BookingPublic]:
    require_role(actor, Role.member)
    if actor.member_id is None:
        raise PermissionDenied("Only members have shifts.")
    since = utcnow() - timedelta(days=include_past_days)
    bookings = session.exec(
        select(Booking)
        .where(Booking.member_id == actor.member_id, Booking.ends_at >= since)
        .order_by(Booking.starts_at)
    ).all()
    return _booking_rows(session, list(bookings), actor, policy or get_policy())


def booking_public(session: Session, actor: Actor, booking: Booking) -> BookingPublic:
    return _booking_rows(session, [booking], actor, get_policy())[0]


def _load_booking(session: Session, actor: Actor, booking_id: int) -> tuple[Booking, Shift]:
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(f"No booking {booking_id}.")
    shift = session.get(Shift, booking.shift_id)
    if actor.roles & OVERSIGHT:
        return booking, shift
    if actor.has(Role.member) and actor.member_id == booking.member_id:
        return booking, shift
    if actor.has(Role.client) and actor.client_id == shift.client_id:
        return booking, shift
    raise PermissionDenied("This booking is not yours.")


def get_booking(session: Session, actor: Actor, booking_id: int) -> BookingPublic:
    booking, _shift = _load_booking(session, actor, booking_id)
    return booking_public(session, actor, booking)


def cancel_booking(
    session: Session, actor: Actor, booking_id: int, *, reason: str | None = None, policy: Policy | None = None
) -> BookingPublic:
    """The member (or a coordinator) gives up a booking: the shift reopens and the client is told.

    A client cancels the shift itself instead (coop.shifts.service.cancel_shift), which may be charged."""
    policy = policy or get_policy()
    booking, shift = _load_booking(session, actor, booking_id)
    if actor.has(Role.client) and not actor.is_staff and actor.member_id != booking.member_id:
        raise PermissionDenied("A client cancels the shift, not the member's booking: POST /api/shifts/{id}/cancel.")
    if not (actor.is_staff or actor.member_id == booking.member_id):
        raise PermissionDenied("This booking is not yours.")
    session.rollback()
    shift_service.lock_shift(session, booking.shift_id)
    booking = session.get(Booking, booking_id, populate_existing=True)
    shift = session.get(Shift, booking.shift_id, populate_existing=True)
    now = utcnow()
    if booking.status != "booked":
        raise Conflict(f"The booking is already {booking.status}.", code=f"booking_{booking.status}")
    if booking.ends_at <= now:
        raise Conflict("The shift has already happened.", code="shift_past")
    if not _may_cancel(booking, actor, now, policy):
        raise Conflict(
            f"Less than {policy.member_cancel_hours} hours before the start a booking can only be "
            "cancelled by a coordinator: please call the co-op.",
            code="too_late_to_cancel",
        )
    booking.status, booking.cancelled_at = "cancelled", now
    booking.cancelled_by_user_id, booking.cancel_reason = actor.user_id, reason
    session.add(booking)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="booking",
        entity_id=booking.id,
        action="cancelled_by_member" if not actor.is_staff else "cancelled_by_coordinator",
        from_state="booked",
        to_state="cancelled",
        data={"reason": reason or ""},
    )
    shift_service.move_shift(session, actor, shift, "open", action="reopened")
    member = session.get(Member, booking.member_id)
    client = session.get(Client, shift.client_id)
    data = {"client": client.name, "member": member.name, "starts_at": shift.starts_at.isoformat()}
    notify.to_client(session, shift.client_id, "booking_cancelled_by_member", data)
    session.commit()
    return booking_public(session, actor, booking)


# Timesheets -------------------------------------------------------------------------------------


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
    booking, shift = _load_booking(session, actor, booking_id)
    if not (actor.is_staff or actor.member_id == booking.member_id):
        raise PermissionDenied("Only the member who worked the shift (or a coordinator) submits its timesheet.")
    if booking.status == "cancelled":
        raise Conflict("The booking was cancelled.", code="booking_cancelled")
    now = utcnow()
    if now < shift.starts_at:
        raise Conflict("A timesheet can be submitted once the shift has started.", code="shift_not_started")
    if abs(data.started_at - shift.starts_at) > timedelta(hours=6) or data.ended_at > now + timedelta(minutes=5):
        raise InvalidInput("The times are far from the booked shift, or in the future.", field="started_at")
    break_minutes, worked = _worked(data.started_at, data.ended_at, data.break_minutes, policy)
    sheet = session.exec(select(Timesheet).where(Timesheet.booking_id == booking.id)).first()
    if sheet is not None and sheet.status in ("approved", "resolved"):
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
            status="submitted",
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
        sheet.status, sheet.submitted_at = "submitted", now
    session.add(sheet)
    session.flush()
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="timesheet",
        entity_id=sheet.id,
        action="submitted" if previous is None else "resubmitted",
        from_state=previous["status"] if previous else None,
        to_state="submitted",
        data={"previous": previous} if previous else {"worked_minutes": worked},
    )
    notify.to_client(session, shift.client_id, "timesheet_submitted", _sheet_data(session, sheet, shift))
    session.commit()
    return _sheet_rows(session, [sheet])[0]


def _load_sheet(session: Session, actor: Actor, timesheet_id: int) -> tuple[Timesheet, Shift]:
    sheet = session.get(Timesheet, timesheet_id)
    if sheet is None:
        raise NotFound(f"No timesheet {timesheet_id}.")
    booking, shift = _load_booking(session, actor, sheet.booking_id)
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
    if sheet.status != "submitted":
        raise Conflict(
            f"The timesheet is {sheet.status}; only a submitted one can be approved.", code=f"timesheet_{sheet.status}"
        )
    _approve(session, actor, sheet, shift, action="approved")
    notify.to_member(session, sheet.member_id, "timesheet_approved", _sheet_data(session, sheet, shift))
    session.commit()
    return _sheet_rows(session, [sheet])[0]


def _approve(session: Session, actor: Actor, sheet: Timesheet, shift: Shift, *, action: str, data: dict | None = None):
    previous = sheet.status
    sheet.status, sheet.decided_at, sheet.decided_by_user_id = "approved", utcnow(), actor.user_id
    booking = session.get(Booking, sheet.booking_id)
    booking.status = "completed"
    session.add(sheet)
    session.add(booking)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="timesheet",
        entity_id=sheet.id,
        action=action,
        from_state=previous,
        to_state="approved",
        data=data or {"worked_minutes": sheet.worked_minutes},
    )
    shift_service.move_shift(session, actor, shift, "completed", action="completed")


def query_timesheet(session: Session, actor: Actor, timesheet_id: int, comment: str) -> TimesheetPublic:
    sheet, shift = _decide(session, actor, timesheet_id)
    if sheet.status != "submitted":
        raise Conflict(
            f"The timesheet is {sheet.status}; only a submitted one can be queried.", code=f"timesheet_{sheet.status}"
        )
    sheet.status, sheet.query_comment = "queried", comment
    sheet.decided_at, sheet.decided_by_user_id = utcnow(), actor.user_id
    session.add(sheet)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="timesheet",
        entity_id=sheet.id,
        action="queried",
        from_state="submitted",
        to_state="queried",
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
    if sheet.status != "queried":
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
    status: str | None = None,
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


# The member's calendar --------------------------------------------------------------------------


def calendar_url(session: Session, actor: Actor, public_url: str) -> str:
    require_role(actor, Role.member)
    member = session.get(Member, actor.member_id)
    return f"{public_url.rstrip('/')}/calendar/{member.calendar_token}.ics"


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,").replace("\n", r"\n")


def _ics_time(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%Y%m%dT%H%M%S")


def calendar_feed(session: Session, token: str) -> str:
    """The member's booked shifts as iCalendar (RFC 5545), found by the feed's secret token."""
    member = session.exec(select(Member).where(Member.calendar_token == token)).first()
    if member is None:
        raise NotFound("No calendar at this address.")
    since = utcnow() - timedelta(days=60)
    rows = session.exec(
        select(Booking, Shift, Client)
        .join(Shift, Shift.id == Booking.shift_id)
        .join(Client, Client.id == Shift.client_id)
        .where(Booking.member_id == member.id, Booking.status != "cancelled", Booking.ends_at >= since)
        .order_by(Booking.starts_at)
    ).all()
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Co-op cover//Shifts//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_escape('Co-op shifts: ' + member.name)}",
        "X-WR-TIMEZONE:Europe/London",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "TZNAME:BST",
        "DTSTART:19700329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "TZNAME:GMT",
        "DTSTART:19701025T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for booking, shift, client in rows:
        where = ", ".join(p for p in (client.name, client.address, client.postcode) if p)
        lines += [
            "BEGIN:VEVENT",
            f"UID:booking-{booking.id}@coop-cover",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Europe/London:{_ics_time(booking.starts_at)}",
            f"DTEND;TZID=Europe/London:{_ics_time(booking.ends_at)}",
            f"SUMMARY:{_ics_escape(client.name + ' (' + shift.kind.replace('_', ' ') + ')')}",
            f"LOCATION:{_ics_escape(where)}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
