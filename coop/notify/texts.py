"""What each notification says. Placeholders are filled from the notification's data."""

from __future__ import annotations

from coop.i18n import N_

TEXTS: dict[str, tuple[str, str]] = {
    "shift_booked": (
        N_("Booked: {client} on {when}"),
        N_("{member} is booked for {client} on {when}."),
    ),
    "shift_booked_member": (
        N_("You are booked: {client} on {when}"),
        N_("You are booked for {client} on {when}. It is in your calendar feed."),
    ),
    "booking_cancelled_by_member": (
        N_("Shift reopened: {client} on {when}"),
        N_("{member} can no longer work on {when}. The shift is open again and the co-op is finding cover."),
    ),
    "shift_cancelled_by_client": (
        N_("Shift cancelled: {client} on {when}"),
        N_("{client} has cancelled the shift on {when}. You are no longer booked."),
    ),
    "shift_reopened": (
        N_("Shift open again: {client} on {when}"),
        N_("The shift at {client} on {when} is open again."),
    ),
    "timesheet_submitted": (
        N_("Timesheet to approve: {member} on {when}"),
        N_("{member} has submitted a timesheet for {when}: {hours} hours. Please approve it or query it."),
    ),
    "timesheet_approved": (
        N_("Timesheet approved: {client} on {when}"),
        N_("Your timesheet for {client} on {when} ({hours} hours) is approved."),
    ),
    "timesheet_queried": (
        N_("Timesheet queried: {client} on {when}"),
        N_("{client} has queried your timesheet for {when}: {comment}"),
    ),
    "timesheet_resolved": (
        N_("Timesheet settled: {client} on {when}"),
        N_("The co-op has settled the query on your timesheet for {client} on {when}: {hours} hours."),
    ),
    "credential_expiring": (
        N_("Your {credential} expires on {expires_on}"),
        N_("Your {credential} expires on {expires_on}. Renew it in time: you cannot be booked without it."),
    ),
}
