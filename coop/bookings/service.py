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
from coop.access import OVERSIGHT, Actor, require_client_access, require_role
from coop.bookings import facts
from coop.bookings import rules as booking_rules
from coop.bookings.models import Booking, CancellationCharge, IdempotencyRecord, Timesheet
from coop.bookings.schemas import BookingPublic
from coop.clients.models import Client
from coop.clock import elapsed_minutes, utcnow
from coop.eligibility import rules as eligibility
from coop.enums import BookingStatus, ClientKind, CoverStatus, Role, TimesheetStatus
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.members.models import Member
from coop.notify import service as notify
from coop.policy import Policy, get_policy
from coop.shifts import service as shift_service
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.schemas import (
    CancellationTerms,
)
from coop.shifts.timing import DEFAULT_PATTERNS, local_span

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
        booking = book_locked(session, actor, shift_id, member_id, policy=policy or get_policy(), shift_locked=True)
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
            Booking.shift_id == shift_id, Booking.member_id == member_id, Booking.status != BookingStatus.cancelled
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
    shift_locked: bool = False,
) -> Booking:
    """Book inside the caller's transaction: locks the shift (unless the caller holds its lock already) and the
    member, checks every rule, flushes.

    Raises Conflict with the rule's code; the caller commits (or rolls back its savepoint).
    """
    if not shift_locked:
        shift_service.lock_shift(session, shift_id)
    member = session.exec(select(Member).where(Member.id == member_id).with_for_update()).first()
    if member is None:
        raise NotFound(f"No member {member_id}.")
    shift = session.get(Shift, shift_id, populate_existing=True)
    now = utcnow()
    if shift.status != CoverStatus.open:
        taken = shift.status == CoverStatus.booked
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
        status=BookingStatus.booked,
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
        to_state=BookingStatus.booked,
        data={
            "shift_id": shift.id,
            "member_id": member.id,
            "on_behalf": actor.member_id != member.id,
            "roster_run_id": roster_run_id,
        },
    )
    shift_service.move_shift(session, actor, shift, CoverStatus.booked, action="booked")
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
                # Settled (approved after a query): the co-op's note; still queried: the client's question.
                timesheet_comment=(
                    (sheet.resolution_comment if sheet.status == TimesheetStatus.approved else sheet.query_comment)
                    if sheet
                    else None
                ),
            )
        )
    return rows


def _may_cancel(booking: Booking, actor: Actor, now: datetime, policy: Policy) -> bool:
    if booking.status != BookingStatus.booked or booking.ends_at <= now:
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
    if booking.status != BookingStatus.booked:
        raise Conflict(f"The booking is already {booking.status}.", code=f"booking_{booking.status}")
    if booking.ends_at <= now:
        raise Conflict("The shift has already happened.", code="shift_past")
    if not _may_cancel(booking, actor, now, policy):
        raise Conflict(
            f"Less than {policy.member_cancel_hours} hours before the start a booking can only be "
            "cancelled by a coordinator: please call the co-op.",
            code="too_late_to_cancel",
        )
    booking.status, booking.cancelled_at = BookingStatus.cancelled, now
    booking.cancelled_by_user_id, booking.cancel_reason = actor.user_id, reason
    session.add(booking)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="booking",
        entity_id=booking.id,
        action="cancelled_by_member" if not actor.is_staff else "cancelled_by_coordinator",
        from_state=BookingStatus.booked,
        to_state=BookingStatus.cancelled,
        data={"reason": reason or ""},
    )
    shift_service.move_shift(session, actor, shift, CoverStatus.open, action="reopened")
    member = session.get(Member, booking.member_id)
    client = session.get(Client, shift.client_id)
    data = {"client": client.name, "member": member.name, "starts_at": shift.starts_at.isoformat()}
    notify.to_client(session, shift.client_id, "booking_cancelled_by_member", data)
    session.commit()
    return booking_public(session, actor, booking)


# Timesheets -------------------------------------------------------------------------------------


# The member's calendar --------------------------------------------------------------------------


def _terms(session: Session, shift: Shift, booking: Booking | None, policy: Policy, now: datetime) -> CancellationTerms:
    """RULES §0.7: inside the notice period the client pays the lesser of the booked time and 4 h (a half day
    for schools); no charge when no one was booked."""
    client = session.get(Client, shift.client_id)
    notice = booking_rules.notice_hours(client.cancellation_notice_hours, policy)
    late = booking is not None and booking_rules.cancelled_late(
        starts_at=shift.starts_at, cancelled_at=now, notice_hours=notice
    )
    if not late:
        return CancellationTerms(shift_id=shift.id, late=False, notice_hours=notice, charge_minutes=0, basis="")
    school_day = None
    if client.kind == ClientKind.school:
        _label, starts, ends = shift_service.patterns_for(session, client).get(
            "full_day", DEFAULT_PATTERNS[ClientKind.school]["full_day"]
        )
        school_day = elapsed_minutes(*local_span(shift.local_date, starts, ends))
    charge = booking_rules.late_cancellation_charge(
        client_kind=client.kind,
        booked_minutes=elapsed_minutes(shift.starts_at, shift.ends_at),
        school_day_minutes=school_day,
        policy=policy,
    )
    return CancellationTerms(
        shift_id=shift.id, late=True, notice_hours=notice, charge_minutes=charge.charge_minutes, basis=charge.basis
    )


def live_booking(session: Session, shift_id: int) -> Booking | None:
    return session.exec(
        select(Booking).where(Booking.shift_id == shift_id, Booking.status != BookingStatus.cancelled)
    ).first()


def cancellation_terms(
    session: Session, actor: Actor, shift_id: int, *, policy: Policy | None = None
) -> CancellationTerms:
    shift = shift_service.load_shift(session, shift_id)
    require_client_access(actor, shift.client_id)
    return _terms(session, shift, live_booking(session, shift.id), policy or get_policy(), utcnow())


def cancel_shift(
    session: Session, actor: Actor, shift_id: int, *, reason: str | None = None, policy: Policy | None = None
) -> CancellationTerms:
    """The client (or a coordinator) cancels a shift; a member booked on it is told and released."""
    terms = _cancel_locked(session, actor, shift_id, reason=reason, policy=policy or get_policy())
    session.commit()
    return terms


def _cancel_locked(
    session: Session, actor: Actor, shift_id: int, *, reason: str | None, policy: Policy
) -> CancellationTerms:
    """Cancel inside the caller's transaction (the caller commits)."""
    shift_service.lock_shift(session, shift_id)
    shift = shift_service.load_shift(session, shift_id)
    require_client_access(actor, shift.client_id, oversight=False)
    if shift.status not in shift_service.LIVE:
        raise Conflict(f"The shift is already {shift.status}.", code=f"shift_{shift.status}")
    now = utcnow()
    if shift.ends_at <= now:
        raise Conflict("The shift has already happened: it can no longer be cancelled.", code="shift_past")
    booking = live_booking(session, shift.id)
    terms = _terms(session, shift, booking, policy, now)
    data = {"client": session.get(Client, shift.client_id).name, "starts_at": shift.starts_at.isoformat()}
    if booking is not None:
        booking.status, booking.cancelled_at = BookingStatus.cancelled, now
        booking.cancelled_by_user_id, booking.cancel_reason = actor.user_id, reason or "cancelled by the client"
        session.add(booking)
        history.record(
            session,
            actor_user_id=actor.user_id,
            entity="booking",
            entity_id=booking.id,
            action="cancelled_by_client",
            from_state=BookingStatus.booked,
            to_state=BookingStatus.cancelled,
        )
        notify.to_member(session, booking.member_id, "shift_cancelled_by_client", data)
    if terms.late:
        session.add(
            CancellationCharge(
                shift_id=shift.id,
                client_id=shift.client_id,
                booking_id=booking.id if booking else None,
                charge_minutes=terms.charge_minutes,
                basis=terms.basis,
                notice_hours_given=booking_rules.notice_hours_given(starts_at=shift.starts_at, cancelled_at=now),
                created_at=now,
            )
        )
    shift_service.move_shift(
        session,
        actor,
        shift,
        CoverStatus.cancelled,
        action="cancelled",
        data={"reason": reason or "", "charge_minutes": terms.charge_minutes},
    )
    return terms


def cancel_request(
    session: Session, actor: Actor, request_id: int, *, reason: str | None = None
) -> list[CancellationTerms]:
    """Cancel every shift of a request still to come, all or nothing."""
    request = session.get(ShiftRequest, request_id)
    if request is None:
        raise NotFound(f"No cover request {request_id}.")
    require_client_access(actor, request.client_id, oversight=False)
    now = utcnow()
    shifts = session.exec(
        select(Shift.id)
        .where(Shift.request_id == request_id, col(Shift.status).in_(shift_service.LIVE), Shift.ends_at > now)
        .order_by(Shift.id)
    ).all()
    if not shifts:
        raise Conflict("Nothing left to cancel in this request.", code="nothing_to_cancel")
    policy = get_policy()
    terms = [_cancel_locked(session, actor, shift_id, reason=reason, policy=policy) for shift_id in shifts]
    session.commit()
    return terms
