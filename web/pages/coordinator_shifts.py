"""Coordinators' daily work on shifts: the unfilled shifts and why, an urgent shift's candidates, booking a
member on their behalf, and the queried timesheets to resolve."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends
from pydantic import ValidationError

from coop.bookings import service as booking_service
from coop.bookings import timesheets as timesheet_service
from coop.bookings.schemas import ResolveIn
from coop.clock import LONDON, today_local, utcnow
from coop.cover import service as cover_service
from coop.enums import CoverStatus, TimesheetStatus
from coop.errors import DomainError
from coop.inputs import MAX_ID, Id
from coop.policy import get_policy
from web import messages
from web.i18n import N_, fmt_date, fmt_time
from web.page import Csrf, Form, Page, PageRouter, role_page
from web.present import translate_errors

router = PageRouter(prefix="/coordinator")
StaffPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]
PAGE_SIZE = 10
TOP_REASONS = 3
WHEN = ("today", "week")


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 10_000 else 1


def reason_text(page: Page, code: str) -> str:
    return page._(messages.rule_reason(code))


def why_text(page: Page, code: str) -> str:
    message, variables = messages.why_message(code)
    return page._(message, **variables)


def counted(page: Page, code: str, count: int) -> str:
    return page._("%(reason)s (members: %(count)s)", reason=reason_text(page, code), count=count)


def urgency(shift: Any, now: datetime) -> str | None:
    """'started' once it has begun, 'urgent' when it starts within the policy's urgent hours (24 by default),
    else None: the same setting that makes the rostering engine fill it first."""
    if shift.starts_at <= now:
        return "started"
    if shift.starts_at - now <= timedelta(hours=get_policy().urgent_within_hours):
        return "urgent"
    return None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=LONDON)


def when_text(page: Page, starts_at: datetime, ends_at: datetime) -> str:
    """'Mon 23 Nov, 08:00–16:00' in the page's language, in Welsh local time."""
    start, end = _aware(starts_at).astimezone(LONDON), _aware(ends_at).astimezone(LONDON)
    return page._(
        "%(day)s, %(start)s to %(end)s",
        day=fmt_date(start.date(), page.lang, "EEE d MMM"),
        start=fmt_time(start.time(), page.lang),
        end=fmt_time(end.time(), page.lang),
    )


# Unfilled shifts --------------------------------------------------------------------------------


@router.get("/shifts")
def unfilled(page: StaffPage, when: str | None = None):
    when = when if when in WHEN else "week"
    number = _page_number(page.request.query_params.get("page"))
    today = today_local()
    last = today if when == "today" else today + timedelta(days=6)

    def open_shifts(number: int):
        return cover_service.list_shifts(
            page.db,
            page.actor,
            status=CoverStatus.open,
            from_date=today,
            to_date=last,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )

    shifts = open_shifts(number)
    if not shifts.data and shifts.count:  # past the last page (the list shrank): show the last one
        number = -(-shifts.count // PAGE_SIZE)
        shifts = open_shifts(number)
    now = utcnow()
    rows = []
    for shift in shifts.data:  # reasons only for the shifts shown: one candidates() per row
        found = cover_service.candidates(page.db, page.actor, shift.id)
        if found.eligible:
            reason = page._("Eligible members: %(count)s, not yet booked", count=len(found.eligible))
            details: list[str] = []
        else:
            codes = Counter(r["code"] for c in found.ineligible for r in c.reasons)
            reason = page._("No eligible member")
            details = [counted(page, code, n) for code, n in codes.most_common(TOP_REASONS)]
        rows.append(
            {
                "shift": shift,
                "when": when_text(page, shift.starts_at, shift.ends_at),
                "urgency": urgency(shift, now),
                "reason": reason,
                "details": details,
            }
        )
    pages = max(1, -(-shifts.count // PAGE_SIZE))
    return page.render(
        "coordinator/shifts.html",
        rows=rows,
        when=when,
        today=today,
        last=last,
        pager={"number": number, "pages": pages, "count": shifts.count},
        base="/coordinator/shifts",
        params=f"when={when}&",
    )


# One shift: candidates and booking ----------------------------------------------------------------


def _shift_page(page: Page, shift_id: Id, *, status_code: int = 200, conflict: list[str] | None = None):
    shift = cover_service.get_shift(page.db, page.actor, shift_id)
    eligible, ineligible, common = [], [], []
    if shift.status == CoverStatus.open:
        found = cover_service.candidates(page.db, page.actor, shift_id)
        eligible = [{"c": c, "why": [why_text(page, w) for w in c.why]} for c in found.eligible]
        ineligible = [{"c": c, "reasons": [reason_text(page, r["code"]) for r in c.reasons]} for c in found.ineligible]
        codes = Counter(r["code"] for c in found.ineligible for r in c.reasons)
        common = [counted(page, code, n) for code, n in codes.most_common(TOP_REASONS)]
    return page.render(
        "coordinator/shift.html",
        status_code=status_code,
        shift=shift,
        when=when_text(page, shift.starts_at, shift.ends_at),
        urgency=urgency(shift, utcnow()) if shift.status == CoverStatus.open else None,
        eligible=eligible,
        ineligible=ineligible,
        common=common,
        conflict=conflict or [],
    )


@router.get("/shifts/{shift_id}")
def shift(page: StaffPage, shift_id: Id):
    return _shift_page(page, shift_id)


@router.post("/shifts/{shift_id}/book", dependencies=[Csrf])
def book(page: StaffPage, shift_id: Id, form: Form):
    raw = str(form.get("member_id") or "")
    if not (raw.isdigit() and 0 < int(raw) <= MAX_ID):  # past an id column's range is no member
        page.errors["form"] = page._("Choose the member to book.")
        return _shift_page(page, shift_id, status_code=422)
    try:
        booking = booking_service.book_shift(page.db, page.actor, shift_id, member_id=int(raw))
    except DomainError as error:
        page.db.rollback()
        reasons = [reason_text(page, r["code"]) for r in error.extra.get("reasons", [])]
        first = reasons[0] if reasons else reason_text(page, error.code)
        if first == error.code:  # no words for this code: the use-case's own message
            first = page._(messages.error_message(error))
        page.errors["form"] = page._("We could not book this member: %(reason)s", reason=first)
        return _shift_page(page, shift_id, status_code=409, conflict=reasons[1:])
    booked = cover_service.get_shift(page.db, page.actor, booking.shift_id)
    page.flash(N_("%(name)s is booked on this shift."), name=booked.member_name or "")
    return page.redirect(f"/coordinator/shifts/{shift_id}")


# Queried timesheets ------------------------------------------------------------------------------


def _local_input(at: datetime) -> str:
    return _aware(at).astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def _timesheets_page(page: Page, *, values: dict[int, dict] | None = None, status_code: int = 200):
    sheets = timesheet_service.list_timesheets(page.db, page.actor, status=TimesheetStatus.queried, limit=50)
    forms = {}
    for sheet in sheets:
        forms[sheet.id] = (values or {}).get(sheet.id) or {
            "started_at": _local_input(sheet.started_at),
            "ended_at": _local_input(sheet.ended_at),
            "break_minutes": str(sheet.break_minutes),
            "comment": "",
        }
    return page.render(
        "coordinator/timesheets.html",
        status_code=status_code,
        sheets=sheets,
        forms=forms,
        when={sheet.id: when_text(page, sheet.started_at, sheet.ended_at) for sheet in sheets},
    )


@router.get("/timesheets")
def timesheets(page: StaffPage):
    return _timesheets_page(page)


def _parse_local(value: str) -> datetime | str:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=LONDON)
    except ValueError:
        return value  # pydantic says it is not a date and time


@router.post("/timesheets/{timesheet_id}/resolve", dependencies=[Csrf])
def resolve(page: StaffPage, timesheet_id: Id, form: Form):
    names = ("started_at", "ended_at", "break_minutes", "comment")
    values = {name: str(form.get(name) or "").strip() for name in names}
    prefix = f"t{timesheet_id}-"
    raw: dict[str, Any] = {
        "started_at": _parse_local(values["started_at"]) if values["started_at"] else None,
        "ended_at": _parse_local(values["ended_at"]) if values["ended_at"] else None,
        "break_minutes": values["break_minutes"] or None,
        "comment": values["comment"],
    }
    try:
        data = ResolveIn.model_validate(raw)
    except ValidationError as error:
        translate_errors(page, error, prefix=prefix)
    else:
        try:
            timesheet_service.resolve_timesheet(page.db, page.actor, timesheet_id, data)
        except DomainError as error:
            page.db.rollback()
            field = getattr(error, "field", None)
            rule = messages.MODEL_RULE_MESSAGES.get(error.detail)
            text = page._(rule[1]) if rule else page._(messages.error_message(error))
            page.errors[prefix + field if field else "form"] = text
        else:
            page.flash(N_("The timesheet is resolved and approved."))
            return page.redirect("/coordinator/timesheets")
    return _timesheets_page(page, values={timesheet_id: values}, status_code=422)
