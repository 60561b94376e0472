"""A client contact's cover pages: request cover, see who is coming, cancel a shift, decide timesheets.

Mounted before web.pages.client, whose /client/{slug} would otherwise answer /client/requests.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import Depends, Query
from pydantic import ValidationError

from coop.bookings import service as booking_service
from coop.bookings import timesheets as timesheet_service
from coop.bookings.schemas import QueryIn
from coop.clients import service as client_service
from coop.clock import to_local, today_local, utcnow
from coop.cover import service as cover_service
from coop.enums import TimesheetStatus
from coop.errors import DomainError, PermissionDenied
from coop.inputs import Id
from coop.members.grades import GRADES
from coop.shifts import service as shift_service
from coop.shifts.schemas import ShiftRequestCreate
from coop.shifts.timing import local_span
from web import messages
from web.i18n import BABEL_LOCALE, N_
from web.page import Csrf, Form, Page, PageRouter, role_page

router = PageRouter(prefix="/client")
ClientPage = Annotated[Page, Depends(role_page("client"))]
CUSTOM = "custom"
COVER_FIELDS = ("on", "pattern", "starts", "ends", "repeat_days", "headcount", "min_grade", "skills", "notes")
# Where a complaint about the request lands on the form.
FIELD_ON_FORM = {
    "starts_at": "on",
    "ends_at": "ends",
    "requirements.min_grade": "min_grade",
    "requirements": "skills",
    "preferred_member_ids": "preferred",
    "client_id": "form",
    "role": "form",
}
PER_PAGE = 20
RECENT_DECIDED = 10


def _client_id(page: Page) -> int:
    if page.actor.client_id is None:
        raise PermissionDenied("This sign-in is not linked to a client.")
    return page.actor.client_id


def hours(page: Page, minutes: int | float) -> str:
    return format_decimal(minutes / 60, format="#,##0.##", locale=BABEL_LOCALE[page.lang])


def duration(page: Page, minutes: int) -> str:
    """Worked time in words: 7 hours 55 minutes."""
    whole, rest = divmod(int(minutes), 60)
    if not rest:
        return page._("%(hours)s hours", hours=whole)
    return page._("%(hours)s hours %(minutes)s minutes", hours=whole, minutes=rest)


def pattern_label(page: Page, code: str | None, own: dict[str, str] | None = None) -> str:
    """A default pattern in the reader's language; a client's own pattern by the label it gave."""
    if not code:
        return page.label("shift_kind", CUSTOM)
    if code in messages.LABELS["shift_kind"] and (own is None or code not in own):
        return page.label("shift_kind", code)
    return (own or {}).get(code) or page.label("shift_kind", code)


def _own_labels(patterns) -> dict[str, str]:
    """The client's own pattern labels where they differ from the co-op's defaults."""
    defaults = messages.LABELS["shift_kind"]
    return {p.code: p.label for p in patterns if defaults.get(p.code) != p.label}


# Request cover ----------------------------------------------------------------------------------


def _cover_form(page: Page, values: dict[str, Any] | None = None, status_code: int = 200):
    client_id = _client_id(page)
    client = client_service.get_client(page.db, page.actor, client_id)
    profession = client_service.profession_for(client.kind)
    patterns = shift_service.get_patterns(page.db, page.actor, client_id)
    own = _own_labels(patterns)
    if values is None:
        values = {
            "on": (today_local() + timedelta(days=1)).isoformat(),
            "pattern": patterns[0].code if patterns else CUSTOM,
            "starts": "",
            "ends": "",
            "repeat_days": "1",
            "headcount": "1",
            "min_grade": "",
            "skills": "",
            "notes": "",
            "welsh_medium": client.welsh_medium,
            "preferred": [],
        }
    choices = [
        (p.code, pattern_label(page, p.code, own), p.starts.strftime("%H:%M"), p.ends.strftime("%H:%M"))
        for p in patterns
    ]
    return page.render(
        "client/cover.html",
        status_code=status_code,
        client=client,
        profession=profession,
        patterns=choices,
        values=values,
        grades=[(g, g) for g in GRADES[profession]],
        candidates=client_service.list_candidates(page.db, page.actor, client_id),
    )


@router.get("/cover")
def cover(page: ClientPage):
    return _cover_form(page)


def _time(page: Page, field: str, text: str) -> time | None:
    try:
        return time.fromisoformat(text)
    except ValueError:
        page.errors[field] = page._("Enter a time, for example 08:30.")
        return None


@router.post("/cover", dependencies=[Csrf])
def request_cover(page: ClientPage, form: Form):
    client_id = _client_id(page)
    client = client_service.get_client(page.db, page.actor, client_id)
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in COVER_FIELDS}
    values["welsh_medium"] = form.get("welsh_medium") is not None
    values["preferred"] = [str(v) for v in form.getlist("preferred") if str(v).isdigit()]
    raw: dict[str, Any] = {
        "client_id": client_id,
        "role": client_service.profession_for(client.kind),
        "headcount": values["headcount"] or 1,
        "repeat_days": values["repeat_days"] or 1,
        "requirements": {
            "min_grade": values["min_grade"] or None,
            "skills": [s.strip() for s in values["skills"].split(",") if s.strip()],
            "welsh_medium": values["welsh_medium"],
        },
        "preferred_member_ids": [int(v) for v in values["preferred"]],
        "notes": values["notes"] or None,
    }
    if not values["on"]:
        page.errors["on"] = page._("Enter a date.")
    elif values["pattern"] == CUSTOM:
        starts, ends = _time(page, "starts", values["starts"]), _time(page, "ends", values["ends"])
        if starts and ends and not page.errors:
            try:
                first = date.fromisoformat(values["on"])
            except ValueError:
                page.errors["on"] = page._("Enter a date.")
            else:
                raw["starts_at"], raw["ends_at"] = local_span(first, starts, ends)
    else:
        raw["pattern"], raw["on"] = values["pattern"] or None, values["on"]
    if not page.errors:
        try:
            data = ShiftRequestCreate.model_validate(raw)
        except ValidationError as error:
            for field, message in messages.field_errors(error).items():
                page.errors.setdefault(FIELD_ON_FORM.get(field, field), page._(message))
        else:
            try:
                created = cover_service.request_public(page.db, shift_service.create_request(page.db, page.actor, data))
            except DomainError as error:
                page.db.rollback()
                text = page.fail(error)
                field = getattr(error, "field", None)
                if field in FIELD_ON_FORM:
                    page.errors.pop(field, None)
                    page.errors[FIELD_ON_FORM[field]] = text
            else:
                count = len(created.shifts)
                page.flash(
                    N_("Your request is sent: %(count)s shifts. Members can book them now.")
                    if count != 1
                    else N_("Your request is sent. Members can book the shift now."),
                    count=count,
                )
                return page.redirect(f"/client/requests/{created.id}")
    return _cover_form(page, values, status_code=422)


# Requests and who is coming ---------------------------------------------------------------------


def _context(page: Page) -> dict[str, Any]:
    patterns = shift_service.get_patterns(page.db, page.actor, _client_id(page))
    own = _own_labels(patterns)
    return {
        "pattern_label": lambda code: pattern_label(page, code, own),
        "hours": lambda minutes: hours(page, minutes),
        "duration": lambda minutes: duration(page, minutes),
        "now": utcnow(),
        "local": to_local,  # the time filter shows an instant's own clock: Welsh time, not UTC
    }


@router.get("/requests")
def requests(page: ClientPage, page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1):
    rows, count = cover_service.list_requests(
        page.db, page.actor, client_id=_client_id(page), limit=PER_PAGE, offset=(page_number - 1) * PER_PAGE
    )
    return page.render(
        "client/requests.html",
        requests=rows,
        count=count,
        pager={"number": page_number, "pages": max(1, -(-count // PER_PAGE))},
        **_context(page),
    )


@router.get("/requests/{request_id}")
def request_detail(page: ClientPage, request_id: Id):
    _client_id(page)
    cover_request = cover_service.get_request(page.db, page.actor, request_id)
    return page.render("client/request.html", cover_request=cover_request, **_context(page))


# Cancelling a shift: the charge first, then the confirmation ------------------------------------


def _cancel_page(page: Page, shift_id: Id, reason: str = "", status_code: int = 200):
    _client_id(page)
    shift = cover_service.get_shift(page.db, page.actor, shift_id)
    if shift.client_id != page.actor.client_id:
        raise PermissionDenied("This shift is another client's.")
    terms = booking_service.cancellation_terms(page.db, page.actor, shift_id)
    return page.render(
        "client/cancel_shift.html",
        status_code=status_code,
        shift=shift,
        terms=terms,
        reason=reason,
        live=shift.status in shift_service.LIVE and shift.ends_at > utcnow(),
        **_context(page),
    )


@router.get("/shifts/{shift_id}/cancel")
def confirm_cancel(page: ClientPage, shift_id: Id):
    return _cancel_page(page, shift_id)


@router.post("/shifts/{shift_id}/cancel", dependencies=[Csrf])
def cancel_shift(page: ClientPage, shift_id: Id, form: Form):
    _client_id(page)
    reason = str(form.get("reason") or "").strip()[:300]
    shift = cover_service.get_shift(page.db, page.actor, shift_id)
    try:
        terms = booking_service.cancel_shift(page.db, page.actor, shift_id, reason=reason or None)
    except DomainError as error:
        page.db.rollback()
        if error.code in ("forbidden", "not_found"):
            raise
        page.fail(error)
        return _cancel_page(page, shift_id, reason, status_code=409)
    if terms.late:
        page.flash(
            N_("The shift is cancelled. A late-cancellation charge of %(hours)s hours applies."),
            hours=hours(page, terms.charge_minutes),
        )
    else:
        page.flash(N_("The shift is cancelled, with no charge."))
    return page.redirect(f"/client/requests/{shift.request_id}")


# Timesheets -------------------------------------------------------------------------------------


def _timesheets(page: Page, values: dict[str, str] | None = None, status_code: int = 200):
    _client_id(page)
    waiting = timesheet_service.list_timesheets(page.db, page.actor, status=TimesheetStatus.submitted)
    decided = [
        t
        for t in timesheet_service.list_timesheets(page.db, page.actor, limit=50)
        if t.status != TimesheetStatus.submitted
    ][:RECENT_DECIDED]
    shifts = {t.shift_id: cover_service.get_shift(page.db, page.actor, t.shift_id) for t in waiting}
    return page.render(
        "client/timesheets.html",
        status_code=status_code,
        waiting=waiting,
        decided=decided,
        shifts=shifts,
        values=values or {},
        **_context(page),
    )


@router.get("/timesheets")
def timesheets(page: ClientPage):
    return _timesheets(page)


@router.post("/timesheets/{timesheet_id}/approve", dependencies=[Csrf])
def approve(page: ClientPage, timesheet_id: Id):
    _client_id(page)
    try:
        sheet = timesheet_service.approve_timesheet(page.db, page.actor, timesheet_id)
    except DomainError as error:
        page.db.rollback()
        if error.code in ("forbidden", "not_found"):
            raise
        page.fail(error)
        return _timesheets(page, status_code=409)
    page.flash(N_("%(name)s's timesheet is approved."), name=sheet.member_name)
    return page.redirect("/client/timesheets")


@router.post("/timesheets/{timesheet_id}/query", dependencies=[Csrf])
def query(page: ClientPage, timesheet_id: Id, form: Form):
    _client_id(page)
    field = f"comment-{timesheet_id}"
    comment = str(form.get("comment") or "").strip()
    try:
        data = QueryIn(comment=comment)
    except ValidationError:
        page.errors[field] = page._("Say what is wrong with the timesheet, so the member and the co-op can check it.")
        return _timesheets(page, {field: comment}, status_code=422)
    try:
        sheet = timesheet_service.query_timesheet(page.db, page.actor, timesheet_id, data.comment)
    except DomainError as error:
        page.db.rollback()
        if error.code in ("forbidden", "not_found"):
            raise
        page.fail(error)
        return _timesheets(page, {field: comment}, status_code=409)
    page.flash(N_("Your question about %(name)s's timesheet is sent to the co-op."), name=sheet.member_name)
    return page.redirect("/client/timesheets")
