"""A member's shifts: open shifts they may book, their own shifts, timesheets and calendar feed."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import Annotated

from babel.numbers import format_decimal
from fastapi import Depends
from pydantic import ValidationError

from coop.bookings import calendar as calendar_service
from coop.bookings import service as booking_service
from coop.bookings import timesheets as timesheet_service
from coop.bookings.schemas import BookingPublic, TimesheetIn
from coop.clock import LONDON, at_local, to_local, utcnow
from coop.cover import service as cover_service
from coop.enums import BookingStatus, TimesheetStatus
from coop.errors import DomainError, PermissionDenied
from coop.inputs import Id
from coop.policy import get_policy
from web.i18n import BABEL_LOCALE, N_, fmt_date, fmt_time
from web.page import Csrf, Form, Page, PageRouter, role_page
from web.present import translate_errors

router = PageRouter(prefix="/member")
MemberPage = Annotated[Page, Depends(role_page("member"))]
RECENT_DECIDED = 5
TIMESHEET_FIELDS = ("started_on", "started_time", "ended_on", "ended_time", "break_minutes")


def _member_id(page: Page) -> int:
    if page.actor.member_id is None:
        raise PermissionDenied("This sign-in is not linked to a member record.")
    return page.actor.member_id


def hours(page: Page, value: float) -> str:
    return format_decimal(value, format="#,##0.##", locale=BABEL_LOCALE[page.lang])


def kind_label(page: Page, kind: str) -> str:
    """A shift kind (pattern code) in the reader's language; a client's own code as it is."""
    return page.label("shift_kind", kind)


# Open shifts ------------------------------------------------------------------------------------


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _open_shifts(page: Page, filters: dict[str, str], *, booking_error: dict | None = None, status_code: int = 200):
    _member_id(page)
    on = _parse_date(filters["on"])
    if filters["on"] and on is None:
        page.errors["on"] = page._("Enter a date.")
    kind = filters["kind"] or None
    # Every shift offered on the day and kind chosen gives the choice of clients; then narrow to one client.
    offered = cover_service.open_shifts_for_member(page.db, page.actor, from_date=on, to_date=on, kind=kind)
    clients = sorted({(str(s.client_id), s.client_name) for s in offered}, key=lambda c: c[1])
    kinds = sorted({(s.kind, kind_label(page, s.kind)) for s in offered}, key=lambda k: k[1])
    if kind and kind not in dict(kinds):
        kinds.append((kind, kind_label(page, kind)))
    client_id = int(filters["client"]) if filters["client"].isdigit() else None
    shifts = [s for s in offered if client_id is None or s.client_id == client_id]
    return page.render(
        "member/shifts.html",
        status_code=status_code,
        shifts=shifts,
        filters=filters,
        clients=clients,
        kinds=kinds,
        kind_label=lambda k: kind_label(page, k),
        local=to_local,
        hours=lambda h: hours(page, h),
        filtered=any(filters.values()),
        # A fresh key per shift on each render: a double tap or a resent form books once.
        keys={s.id: secrets.token_urlsafe(16) for s in shifts},
        booking_error=booking_error,
    )


def _filters(source) -> dict[str, str]:
    return {name: str(source.get(name) or "").strip() for name in ("on", "client", "kind")}


@router.get("/shifts")
def open_shifts(page: MemberPage):
    return _open_shifts(page, _filters(page.request.query_params))


@router.post("/shifts/{shift_id}/book", dependencies=[Csrf])
def book(page: MemberPage, shift_id: Id, form: Form):
    _member_id(page)
    key = str(form.get("idempotency_key") or "").strip()[:100] or None
    try:
        row = booking_service.book_shift(page.db, page.actor, shift_id, idempotency_key=key)
    except DomainError as error:
        page.db.rollback()
        message = page.fail(error)
        page.errors.pop("form", None)
        shift = _shift_or_none(page, shift_id)
        return _open_shifts(
            page,
            _filters(form),
            booking_error={"message": message, "shift": shift},
            status_code=409 if error.code != "not_found" else 404,
        )
    page.flash(
        N_("You are booked: %(client)s, %(when)s."),
        client=row.client_name,
        when=_when(page, row.starts_at, row.ends_at),
    )
    return page.redirect("/member/my-shifts")


def _shift_or_none(page: Page, shift_id: Id):
    try:
        return cover_service.get_shift(page.db, page.actor, shift_id)
    except DomainError:
        page.db.rollback()
        return None


def _when(page: Page, starts_at: datetime, ends_at: datetime) -> str:
    start, end = starts_at.astimezone(LONDON), ends_at.astimezone(LONDON)
    day = fmt_date(start.date(), page.lang, "full")
    return f"{day} {fmt_time(start.time(), page.lang)}–{fmt_time(end.time(), page.lang)}"


# My shifts --------------------------------------------------------------------------------------


def _my_shifts(page: Page, status_code: int = 200):
    _member_id(page)
    now = utcnow()
    bookings = booking_service.my_bookings(page.db, page.actor)
    upcoming = [b for b in bookings if b.status == BookingStatus.booked and b.ends_at > now]
    worked = [b for b in bookings if b.status != BookingStatus.cancelled and b.starts_at <= now and b not in upcoming]
    worked.reverse()  # the latest first
    # Everything still to settle, then the last few decided ones.
    settled = [b for b in worked if b.timesheet_status == TimesheetStatus.approved]
    worked = [b for b in worked if b not in settled] + settled[:RECENT_DECIDED]
    feed = calendar_service.calendar_url(page.db, page.actor, page.request.app.state.settings.public_url)
    return page.render(
        "member/my_shifts.html",
        status_code=status_code,
        upcoming=upcoming,
        worked=worked,
        kind_label=lambda k: kind_label(page, k),
        local=to_local,
        feed=feed,
        webcal="webcal://" + feed.split("://", 1)[-1],
        cancel_hours=get_policy().member_cancel_hours,
        now=now,
    )


@router.get("/my-shifts")
def my_shifts(page: MemberPage):
    return _my_shifts(page)


@router.post("/my-shifts/{booking_id}/cancel", dependencies=[Csrf])
def cancel(page: MemberPage, booking_id: Id):
    _member_id(page)
    try:
        booking = booking_service.cancel_booking(page.db, page.actor, booking_id)
    except DomainError as error:
        page.db.rollback()
        if error.code in ("forbidden", "not_found"):
            raise
        page.fail(error)
        return _my_shifts(page, status_code=409)
    page.flash(
        N_("Your shift is cancelled: %(client)s, %(when)s."),
        client=booking.client_name,
        when=_when(page, booking.starts_at, booking.ends_at),
    )
    return page.redirect("/member/my-shifts")


# Timesheet --------------------------------------------------------------------------------------


def _local(at: datetime) -> tuple[str, str]:
    local = at.astimezone(LONDON)
    return local.date().isoformat(), local.strftime("%H:%M")


def _timesheet(page: Page, booking: BookingPublic, values: dict | None = None, status_code: int = 200):
    sheet = None
    if booking.timesheet_id is not None:
        sheet = timesheet_service.get_timesheet(page.db, page.actor, booking.timesheet_id)
    if values is None:
        source = sheet if sheet is not None else None
        started_on, started_time = _local(source.started_at if source else booking.starts_at)
        ended_on, ended_time = _local(source.ended_at if source else booking.ends_at)
        values = {
            "started_on": started_on,
            "started_time": started_time,
            "ended_on": ended_on,
            "ended_time": ended_time,
            "break_minutes": str(source.break_minutes) if source else "",
        }
    return page.render(
        "member/timesheet.html",
        status_code=status_code,
        booking=booking,
        sheet=sheet,
        values=values,
        kind_label=lambda k: kind_label(page, k),
        local=to_local,
        started=booking.starts_at <= utcnow(),
        may_submit=booking.status != BookingStatus.cancelled
        and booking.starts_at <= utcnow()
        and (sheet is None or sheet.status in (TimesheetStatus.submitted, TimesheetStatus.queried)),
    )


@router.get("/my-shifts/{booking_id}/timesheet")
def timesheet(page: MemberPage, booking_id: Id):
    return _timesheet(page, _own_booking(page, booking_id))


def _own_booking(page: Page, booking_id: Id) -> BookingPublic:
    booking = booking_service.get_booking(page.db, page.actor, booking_id)
    if booking.member_id != _member_id(page):
        raise PermissionDenied("This booking is not yours.")
    return booking


def _aware(page: Page, day_field: str, time_field: str, values: dict[str, str]) -> datetime | None:
    """A local date and time entered on the form, as the instant it was in Wales."""
    try:
        day = date.fromisoformat(values[day_field])
    except ValueError:
        page.errors[day_field] = page._("Enter a date.")
        return None
    try:
        clock = time.fromisoformat(values[time_field])
    except ValueError:
        page.errors[time_field] = page._("Enter a time, for example 08:30.")
        return None
    return at_local(day, clock)


@router.post("/my-shifts/{booking_id}/timesheet", dependencies=[Csrf])
def submit_timesheet(page: MemberPage, booking_id: Id, form: Form):
    booking = _own_booking(page, booking_id)
    values = {name: str(form.get(name) or "").strip() for name in TIMESHEET_FIELDS}
    started_at = _aware(page, "started_on", "started_time", values)
    ended_at = _aware(page, "ended_on", "ended_time", values)
    if not page.errors:
        try:
            data = TimesheetIn(started_at=started_at, ended_at=ended_at, break_minutes=values["break_minutes"] or None)
        except ValidationError as error:
            translate_errors(page, error)
            _fields_for_times(page)
        else:
            try:
                timesheet_service.submit_timesheet(page.db, page.actor, booking_id, data)
            except DomainError as error:
                page.db.rollback()
                if error.code in ("forbidden", "not_found"):
                    raise
                page.fail(error)
                _fields_for_times(page)
            else:
                page.flash(N_("Your timesheet is sent to %(client)s for approval."), client=booking.client_name)
                return page.redirect("/member/my-shifts")
    return _timesheet(page, booking, values, status_code=422)


def _fields_for_times(page: Page) -> None:
    """Point a complaint about a start or end instant at the form's time field."""
    for instant, field in (("started_at", "started_time"), ("ended_at", "ended_time")):
        if instant in page.errors:
            page.errors[field] = page.errors.pop(instant)
