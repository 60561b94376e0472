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
