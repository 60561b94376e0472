"""Every message the pages show for a domain error or an invalid field, in one place.

A coop.errors.DomainError carries a stable `code`; eligibility reasons carry one too. Map each code
to an English msgid here (translated when shown). Only an unknown code falls back to the error's own
English detail. Labels for the co-op's vocabularies (professions, statuses, credential kinds…) live
here as well, so a template never shows a raw enum value.
"""

from __future__ import annotations

from pydantic import ValidationError

from coop.errors import DomainError
from web.i18n import N_

ERROR_MESSAGES: dict[str, str] = {
    "not_found": N_("We could not find that record."),
    "forbidden": N_("You do not have permission to see or change this."),
    "not_authenticated": N_("Sign in to continue."),
    "bad_credentials": N_("The e-mail address or password is not right. Check them and try again."),
    "page_not_found": N_("We could not find that page."),
    "conflict": N_("That conflicts with another change; nothing was saved."),
    "invalid": N_("Some of the details are not valid; nothing was saved."),
    "busy": N_("The co-op's database is busy; nothing was saved. Try again."),
    "duplicate_email": N_("Someone is already registered with that e-mail address."),
    "invalid_status_transition": N_("A member cannot move from their current status to that one."),
    "already_listed": N_("That member is already on one of this client's lists."),
    "credential_missing": N_("A credential the profession needs is missing."),
    "credential_expired": N_("A credential the profession needs has expired or is not yet valid."),
    "dbs_wrong_workforce": N_("The DBS check does not cover the right barred list for this work."),
    "wrong_profession": N_("The member is registered in a different profession."),
    "member_not_active": N_("The member is not active."),
    "csrf": N_("This form has expired or did not come from this site. Go back, reload the page and try again."),
    # Booking and timesheet rules (the same codes as the API's 409 answers).
    "shift_taken": N_("Someone else has just booked this shift."),
    "shift_open": N_("No one is booked on this shift yet."),
    "shift_booked": N_("This shift is already booked."),
    "shift_cancelled": N_("This shift has been cancelled."),
    "shift_completed": N_("This shift has already been worked."),
    "shift_started": N_("This shift has already started: call the co-op to arrange it."),
    "shift_past": N_("This shift has already happened."),
    "shift_not_started": N_("You can fill in the timesheet once the shift has started."),
    "overlap": N_("You already have a shift at that time."),
    "rest_too_short": N_("There would not be enough rest between this shift and another of yours."),
    "night_recovery": N_("You need 24 hours to recover after a night shift before a day shift."),
    "weekly_hours_exceeded": N_("This shift would take you over the 48-hour weekly limit."),
    "own_max_hours_exceeded": N_("This shift would take you over the weekly hours you set in your profile."),
    "too_many_days_in_a_row": N_("This shift would make too many working days in a row."),
    "too_many_nights_in_a_row": N_("This shift would make too many nights in a row."),
    "on_leave": N_("You have a day off booked then."),
    "unavailable": N_("This shift is outside the hours you said you can work."),
    "grade_too_low": N_("This shift needs a higher grade."),
    "missing_skill": N_("This shift needs a skill that is not on your record."),
    "welsh_required": N_("This shift is Welsh-medium and needs a fluent Welsh speaker."),
    "do_not_send": N_("The client has asked the co-op not to send you."),
    "too_far": N_("This shift is further away than you said you will travel."),
    "too_late_to_cancel": N_("It is too late to cancel on this page: please call the co-op."),
    "booking_cancelled": N_("This booking was cancelled."),
    "booking_completed": N_("This shift has already been worked."),
    "timesheet_approved": N_("This timesheet is already approved."),
    "timesheet_resolved": N_("This timesheet is already settled."),
    "timesheet_submitted": N_("This timesheet is waiting for a decision."),
    "timesheet_queried": N_("This timesheet has been queried and waits for the co-op."),
    "nothing_to_cancel": N_("Nothing is left to cancel in this request."),
}

# Field-level messages for input a coop rule refused (InvalidInput.field set) with a known meaning.
FIELD_RULE_MESSAGES: dict[str, str] = {
    "grade": N_("That grade is not on the ladder for this profession."),
    "local_authority": N_(
        "Give the local authority for a school or care provider, or the health board and site for a ward."
    ),
    "exceptions": N_("The same days off are listed twice."),
    "name": N_("Enter a name."),
    "email": N_("Enter an e-mail address."),
    "started_at": N_("The times are far from the booked shift, or in the future."),
    "break_minutes": N_("The break is as long as the shift."),
    "starts_at": N_("Cover can only be requested for a time still to come."),
    "pattern": N_("Choose one of the shift times."),
    "requirements.min_grade": N_("That grade is not on the ladder for this profession."),
    "preferred_member_ids": N_("A preferred member is not registered with the co-op."),
}

# What pydantic says about a field, by error type.
VALIDATION_MESSAGES: dict[str, str] = {
    "missing": N_("Enter a value."),
    "string_too_short": N_("Enter a value."),
    "string_too_long": N_("This is too long."),
    "value_error": N_("Enter a valid value."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "date_parsing": N_("Enter a date."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_type": N_("Enter a date."),
    "time_parsing": N_("Enter a time, for example 08:30."),
    "time_type": N_("Enter a time, for example 08:30."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "string_pattern_mismatch": N_("Choose one of the options."),
    "bool_parsing": N_("Choose yes or no."),
}

# Messages raised by model validators (whole-form rules in coop schemas), matched on their text.
MODEL_RULE_MESSAGES: dict[str, tuple[str, str]] = {
    "expires_on is before verified_on": (
        "expires_on",
        N_("The expiry date is before the date it was verified."),
    ),
    "an enhanced DBS check needs dbs_workforce": (
        "dbs_workforce",
        N_("Choose the barred list the DBS check covers: children, adults or both."),
    ),
    "ends_on is before starts_on": ("ends_on", N_("The last day is before the first day.")),
    "value is not a valid email address": ("email", N_("Enter an e-mail address like name@example.org.")),
    "each skill is a tag": ("skills", N_("Each skill is 1 to 40 characters, separated by commas.")),
    "is not a UK postcode": ("postcode", N_("Enter a UK postcode like CF10 1AA.")),
    "ended_at must be after started_at": ("ended_at", N_("The finish is before the start.")),
    "a timesheet covers at most 24 hours": ("ended_at", N_("A timesheet covers at most 24 hours.")),
    "at most 500 shifts in one request": ("repeat_days", N_("At most 500 shifts in one request.")),
    "ends_at must be after starts_at": ("ends_at", N_("The end is before the start.")),
    "a shift lasts at most 16 hours": ("ends_at", N_("A shift lasts at most 16 hours.")),
}

LABELS: dict[str, dict[str, str]] = {
    "profession": {
        "supply_teacher": N_("Supply teacher"),
        "nurse": N_("Nurse"),
        "care_worker": N_("Care worker"),
    },
    "status": {
        "applicant": N_("Applicant"),
        "active": N_("Active"),
        "suspended": N_("Suspended"),
        "withdrawn": N_("Withdrawn"),
    },
    "membership_class": {"worker": N_("Worker member"), "user": N_("User member")},
    "welsh_level": {"none": N_("No Welsh"), "learner": N_("Learner"), "fluent": N_("Fluent")},
    "credential": {
        "ewc": N_("EWC registration"),
        "nmc": N_("NMC registration"),
        "scw": N_("Social Care Wales registration"),
        "dbs_enhanced": N_("Enhanced DBS check"),
        "right_to_work": N_("Right to work"),
        "mandatory_training": N_("Mandatory training"),
    },
    "dbs_workforce": {"children": N_("Children"), "adults": N_("Adults"), "both": N_("Children and adults")},
    "client_kind": {
        "school": N_("School"),
        "ward": N_("Hospital ward"),
        "care_provider": N_("Care provider"),
    },
    "list": {"preferred": N_("Preferred members"), "do_not_send": N_("Do-not-send list")},
    "day_off": {"leave": N_("Leave"), "unavailable": N_("Unavailable"), "sickness": N_("Sickness")},
    "why_offered": {
        "preferred_by_client": N_("The client asked for you"),
        "worked_here_before": N_("You have worked here before"),
        "near": N_("Near you"),
        "within_travel": N_("Within your travel distance"),
        "welsh_medium_match": N_("Welsh-medium, and you are fluent"),
    },
    "shift_kind": {
        "full_day": N_("Full day"),
        "am": N_("Morning session"),
        "pm": N_("Afternoon session"),
        "early": N_("Early"),
        "late": N_("Late"),
        "night": N_("Night"),
        "long_day": N_("Long day"),
        "morning_visit": N_("Morning visit"),
        "lunch_visit": N_("Lunch visit"),
        "tea_visit": N_("Tea visit"),
        "bed_visit": N_("Bedtime visit"),
        "day": N_("Day shift"),
        "sleep_in": N_("Sleep-in"),
        "custom": N_("Other times"),
    },
    "shift_status": {
        "open": N_("Waiting for someone to book"),
        "booked": N_("Booked"),
        "completed": N_("Worked"),
        "cancelled": N_("Cancelled"),
    },
    "request_status": {
        "open": N_("Still needs cover"),
        "booked": N_("All covered"),
        "completed": N_("Worked"),
        "cancelled": N_("Cancelled"),
    },
    "timesheet": {
        "submitted": N_("Waiting for approval"),
        "queried": N_("Queried"),
        "approved": N_("Approved"),
        "resolved": N_("Settled by the co-op"),
    },
    "history": {
        "registered": N_("Registered"),
        "updated": N_("Details changed"),
        "status_changed": N_("Status changed"),
        "availability_set": N_("Availability changed"),
    },
}


def label(kind: str, value: str | None) -> str:
    """The English msgid for a vocabulary value (translate it where shown); the value if unknown."""
    if value is None:
        return ""
    return LABELS.get(kind, {}).get(value, value)


def error_message(error: DomainError) -> str:
    """The msgid for a domain error: by code, then by field; else its own English detail."""
    if error.code in ERROR_MESSAGES and error.code != "invalid":
        return ERROR_MESSAGES[error.code]
    field = getattr(error, "field", None)
    if field in FIELD_RULE_MESSAGES:
        return FIELD_RULE_MESSAGES[field]
    return ERROR_MESSAGES.get(error.code, error.detail) if error.code != "invalid" else error.detail


def field_errors(error: ValidationError, *, prefix: str = "") -> dict[str, str]:
    """Turn pydantic's complaints into {field: msgid}, first message per field."""
    found: dict[str, str] = {}
    for problem in error.errors():
        location = [str(part) for part in problem.get("loc", ())]
        field = location[0] if location else ""
        text = str(problem.get("msg", ""))
        message = None
        for fragment, (rule_field, rule_message) in MODEL_RULE_MESSAGES.items():
            if fragment in text:
                field = field or rule_field
                message = rule_message
                break
        if message is None:
            message = VALIDATION_MESSAGES.get(problem.get("type", ""), N_("Enter a valid value."))
        found.setdefault(prefix + (field or "form"), message)
    return found


# Coordinator shift and roster pages --------------------------------------------------------------

# Why a member may not take a shift, by reason code: the co-op's eligibility rules (coop/eligibility/rules,
# coop/members/rules), the roster engine's clashes with shifts already held (scheduling/candidates) and the
# booking conflicts a roster's apply or a booking on a member's behalf can meet.
RULE_REASONS: dict[str, str] = {
    "member_not_active": N_("Not an active member"),
    "wrong_profession": N_("A different profession"),
    "credential_missing": N_("A credential is missing"),
    "credential_expired": N_("A credential has expired"),
    "dbs_wrong_workforce": N_("The DBS check covers the wrong barred list"),
    "grade_too_low": N_("Grade too low for the shift"),
    "missing_skill": N_("A skill the shift needs is missing"),
    "welsh_required": N_("The shift is Welsh-medium and needs a fluent Welsh speaker"),
    "on_leave": N_("On leave or unavailable that day"),
    "unavailable": N_("Outside their weekly availability"),
    "overlap": N_("Already has a shift at that time"),
    "rest_too_short": N_("Less than 11 hours' rest between shifts"),
    "night_recovery": N_("Too soon after a night shift"),
    "weekly_hours_exceeded": N_("Over 48 hours in the week"),
    "own_max_hours_exceeded": N_("Over their own weekly maximum hours"),
    "too_many_days_in_a_row": N_("Too many days in a row"),
    "too_many_nights_in_a_row": N_("Too many nights in a row"),
    "do_not_send": N_("On the client's do-not-send list"),
    "too_far": N_("Further than they travel"),
    "not_eligible": N_("Not considered: another profession"),
    "eligible_members_used": N_("Every eligible member is needed on other shifts"),
    "overlap_with_fixed_shift": N_("Overlaps a shift they already have"),
    "rest_with_fixed_shift": N_("Too little rest next to a shift they already have"),
    "night_succession_with_fixed_shift": N_("Too soon after a night shift they already have"),
    "forbidden_succession_with_fixed_shift": N_("Not allowed the day after a shift they already have"),
    "weekly_hours_with_fixed_shifts": N_("Their shifts already fill the week's hours"),
    "total_hours_limit": N_("Over their hours for the period"),
    "kind_limit": N_("Does not work this kind of shift"),
    "shifts_per_day_limit": N_("Their shifts already fill that day"),
    "shift_taken": N_("Someone else has just booked this shift."),
    "shift_booked": N_("The shift is already booked."),
    "shift_cancelled": N_("The shift has been cancelled."),
    "shift_started": N_("The shift has already started."),
    "conflict": N_("A booking made meanwhile conflicts."),
}

# Why a candidate ranks where they do, by `why` code; some carry a number after a colon (distance_km:4).
WHY_MESSAGES: dict[str, str] = {
    "preferred_by_client": N_("The client's preferred member"),
    "worked_here_before": N_("Has worked here before"),
    "distance_km": N_("%(n)s km away"),
    "welsh_medium_match": N_("Fluent Welsh for a Welsh-medium shift"),
    "hours_this_week": N_("%(n)s hours booked this week"),
}

# What each proposed roster assignment serves, by reason code (scheduling/explain).
ASSIGNMENT_REASONS: dict[str, str] = {
    "fill": N_("Fills the shift"),
    "continuity_run": N_("The same person on the days around it"),
    "worked_here_before": N_("Has worked here before"),
    "preferred_by_client": N_("The client's preferred member"),
    "fairness": N_("Towards the hours they want"),
    "member_prefers_client": N_("Likes working for this client"),
    "member_prefers_kind": N_("Likes this kind of shift"),
    "member_prefers_day": N_("Likes working this day"),
    "member_dislikes": N_("Not their first choice, but needed"),
    "near": N_("Lives nearer than most"),
}


def rule_reason(code: str) -> str:
    """The msgid for a reason code; the code itself when unknown (never a blank)."""
    return RULE_REASONS.get(code) or ERROR_MESSAGES.get(code) or code


def why_message(code: str) -> tuple[str, dict]:
    """The msgid and its variables for a candidate's `why` code, e.g. ("%(n)s km away", {"n": "4"})."""
    name, _, number = code.partition(":")
    if name in WHY_MESSAGES:
        return WHY_MESSAGES[name], ({"n": number} if number else {})
    return code, {}


# Why a roster run cannot be applied, by code (coop/rostering/service.apply_run).
ROSTER_ERRORS: dict[str, str] = {
    "run_applied": N_("This roster has already been applied."),
    "run_queued": N_("The roster run has not started yet: only a finished run can be applied."),
    "run_running": N_("The roster run is still working: only a finished run can be applied."),
    "run_failed": N_("This roster run failed: start another."),
}
MODEL_RULE_MESSAGES["a roster covers a day to four weeks"] = (
    "ends_on",
    N_("A roster covers from one day to four weeks."),
)
