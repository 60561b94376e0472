"""A member's own pages: home, profile, weekly availability and days off, credentials."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends
from pydantic import ValidationError

from coop.clock import today_local
from coop.enums import MemberStatus, WelshLevel
from coop.errors import DomainError, PermissionDenied
from coop.inputs import Id
from coop.members import service as member_service
from coop.members.schemas import SELF_EDITABLE, Availability, DayOff, MemberUpdate, WeeklyWindow
from web.i18n import N_
from web.page import Csrf, Form, Page, PageRouter, role_page
from web.present import credential_rows, options, parse_changes, translate_errors, weekday_names

router = PageRouter(prefix="/member")
MemberPage = Annotated[Page, Depends(role_page("member"))]

# The profile fields in the order the form shows them; a member may edit those in SELF_EDITABLE.
PROFILE_FIELDS = ["phone", "postcode", "welsh_level", "max_hours_per_week", "max_travel_km", "opted_out_48h"]
SELF_FIELDS = [name for name in PROFILE_FIELDS if name in SELF_EDITABLE]
DAY_OFF_KINDS = ("unavailable", "leave", "sickness")


def _member_id(page: Page) -> int:
    if page.actor.member_id is None:
        raise PermissionDenied("This sign-in is not linked to a member record.")
    return page.actor.member_id


@router.get("")
def home(page: MemberPage):
    member_id = _member_id(page)
    member = member_service.get_member(page.db, page.actor, member_id)
    today = today_local()
    tags = credential_rows(page, member_service.list_credentials(page.db, page.actor, member_id), today)
    attention = [(c, tag) for c, tag in tags if tag.tone in ("warn", "bad")]
    return page.render(
        "member/home.html", member=member, attention=attention, active=member.status == MemberStatus.active
    )


# Profile ----------------------------------------------------------------------------------------


def _profile(page: Page, member, values=None, status_code: int = 200):
    return page.render(
        "member/profile.html",
        status_code=status_code,
        member=member,
        values=values or {name: getattr(member, name) for name in SELF_FIELDS},
        welsh_levels=options(page, "welsh_level", list(WelshLevel)),
        self_fields=SELF_FIELDS,
    )


@router.get("/profile")
def profile(page: MemberPage):
    return _profile(page, member_service.get_member(page.db, page.actor, _member_id(page)))


@router.post("/profile", dependencies=[Csrf])
def edit_profile(page: MemberPage, form: Form):
    member_id = _member_id(page)
    member = member_service.get_member(page.db, page.actor, member_id)
    update = parse_changes(page, MemberUpdate, form, member, SELF_FIELDS, checkboxes=frozenset({"opted_out_48h"}))
    if update is not None:
        try:
            member_service.update_member(page.db, page.actor, member_id, update)
        except DomainError as error:
            page.db.rollback()
            page.fail(error)
        else:
            page.flash(N_("Your profile is saved."))
            return page.redirect("/member/profile")
    values = {name: form.get(name) for name in SELF_FIELDS}
    values["opted_out_48h"] = form.get("opted_out_48h") is not None
    return _profile(page, member, values, status_code=422)


# Availability -----------------------------------------------------------------------------------


def _rows(availability: Availability) -> list[list[tuple[str, str]]]:
    """Per weekday, the member's windows as (from, to) text plus one empty pair to add another."""
    rows: list[list[tuple[str, str]]] = [[] for _ in range(7)]
    for window in availability.weekly:
        rows[window.weekday].append((window.starts.strftime("%H:%M"), window.ends.strftime("%H:%M")))
    for day in rows:
        if not day:
            day.append(("", ""))
    return rows


def _availability(page: Page, availability: Availability, rows=None, day_off=None, status_code: int = 200):
    return page.render(
        "member/availability.html",
        status_code=status_code,
        availability=availability,
        rows=rows or _rows(availability),
        days=weekday_names(page.lang),
        day_off=day_off or {"starts_on": "", "ends_on": "", "kind": "unavailable", "note": ""},
        day_off_kinds=options(page, "day_off", DAY_OFF_KINDS),
    )


@router.get("/availability")
def availability(page: MemberPage):
    return _availability(page, member_service.get_availability(page.db, page.actor, _member_id(page)))


def _save(page: Page, member_id: Id, availability: Availability) -> bool:
    try:
        member_service.set_availability(page.db, page.actor, member_id, availability)
    except DomainError as error:
        page.db.rollback()
        page.fail(error)
        return False
    return True


@router.post("/availability", dependencies=[Csrf])
def edit_week(page: MemberPage, form: Form):
    """Save the weekly pattern; the days off stay as they are."""
    member_id = _member_id(page)
    current = member_service.get_availability(page.db, page.actor, member_id)
    names = weekday_names(page.lang)
    rows: list[list[tuple[str, str]]] = []
    week: list[WeeklyWindow] = []
    for weekday in range(7):
        starts, ends = form.getlist(f"starts_{weekday}"), form.getlist(f"ends_{weekday}")
        day = [(str(s).strip(), str(e).strip()) for s, e in zip(starts, ends, strict=False)]
        rows.append(day or [("", "")])
        for index, (start, end) in enumerate(day):
            if not start and not end:
                continue
            if not start or not end:
                field = f"{'starts' if not start else 'ends'}_{weekday}_{index}"
                page.errors[field] = page._("%(day)s: give both the start and the end time.", day=names[weekday])
                continue
            try:
                week.append(WeeklyWindow(weekday=weekday, starts=start, ends=end))
            except ValidationError as error:
                for problem in error.errors():
                    field = f"{problem['loc'][0] if problem.get('loc') else 'starts'}_{weekday}_{index}"
                    page.errors.setdefault(field, page._("%(day)s: enter a time like 08:30.", day=names[weekday]))
    if not page.errors and _save(page, member_id, Availability(weekly=week, exceptions=current.exceptions)):
        page.flash(N_("Your weekly availability is saved."))
        return page.redirect("/member/availability")
    return _availability(page, current, rows=rows, status_code=422)


@router.post("/availability/days-off", dependencies=[Csrf])
def add_day_off(page: MemberPage, form: Form):
    member_id = _member_id(page)
    current = member_service.get_availability(page.db, page.actor, member_id)
    values = {name: str(form.get(name) or "").strip() for name in ("starts_on", "ends_on", "kind", "note")}
    if values["starts_on"] and not values["ends_on"]:
        values["ends_on"] = values["starts_on"]  # one day off: the last day is the first
    try:
        day_off = DayOff.model_validate(
            {k: v or None for k, v in values.items() if k != "kind"} | {"kind": values["kind"]}
        )
    except ValidationError as error:
        translate_errors(page, error)
    else:
        if _save(page, member_id, Availability(weekly=current.weekly, exceptions=[*current.exceptions, day_off])):
            page.flash(N_("The days off are added."))
            return page.redirect("/member/availability")
    return _availability(page, current, day_off=values, status_code=422)


@router.post("/availability/days-off/remove", dependencies=[Csrf])
def remove_day_off(page: MemberPage, form: Form):
    member_id = _member_id(page)
    current = member_service.get_availability(page.db, page.actor, member_id)
    try:
        starts_on, ends_on = (
            date.fromisoformat(str(form.get("starts_on"))),
            date.fromisoformat(str(form.get("ends_on"))),
        )
    except ValueError:
        starts_on = ends_on = None
    kept = [d for d in current.exceptions if (d.starts_on, d.ends_on) != (starts_on, ends_on)]
    if _save(page, member_id, Availability(weekly=current.weekly, exceptions=kept)):
        page.flash(N_("The days off are removed."))
        return page.redirect("/member/availability")
    return _availability(page, current, status_code=422)


# Credentials ------------------------------------------------------------------------------------


@router.get("/credentials")
def credentials(page: MemberPage):
    today = today_local()
    rows = credential_rows(page, member_service.list_credentials(page.db, page.actor, _member_id(page)), today)
    return page.render("member/credentials.html", rows=rows)
