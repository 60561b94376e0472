"""Pure rules about bookings: a client's late cancellation and what it is charged (RULES §0.7).

Plain values in, a decision out, no session: the cancellation use-case and the demo co-op call the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from coop.enums import ClientKind
from coop.policy import Policy


@dataclass(frozen=True)
class LateCharge:
    """The minutes a client is charged for a late cancellation, and on what basis."""

    charge_minutes: int
    basis: str


def notice_hours(client_notice_hours: int | None, policy: Policy) -> int:
    """RULES §0.7: the client's own notice period if it has one, else the co-op's."""
    return policy.client_notice_hours if client_notice_hours is None else client_notice_hours


def cancelled_late(*, starts_at: datetime, cancelled_at: datetime, notice_hours: int) -> bool:
    """RULES §0.7: a cancellation is late once the shift starts within the notice period."""
    return cancelled_at > starts_at - timedelta(hours=notice_hours)


def notice_hours_given(*, starts_at: datetime, cancelled_at: datetime) -> int:
    """Whole hours between the cancellation and the start (never negative)."""
    return max(0, int((starts_at - cancelled_at) / timedelta(hours=1)))


def late_cancellation_charge(
    *, client_kind: str, booked_minutes: int, school_day_minutes: int | None, policy: Policy
) -> LateCharge:
    """RULES §0.7: inside the notice the client pays the lesser of the booked time and 4 h; a school pays the
    lesser of the booked time and half its full day.

    ``school_day_minutes`` is the length of the school's full day on the shift's date (its own "full_day"
    pattern, or the default); other kinds of client do not need it.
    """
    if client_kind == ClientKind.school:
        if school_day_minutes is None:
            raise ValueError("a school's late-cancellation charge needs the length of its full day")
        return LateCharge(charge_minutes=min(booked_minutes, school_day_minutes // 2), basis="half_day")
    hours = policy.late_cancel_charge_hours
    return LateCharge(charge_minutes=min(booked_minutes, hours * 60), basis=f"lesser_of_booked_and_{hours}h")
