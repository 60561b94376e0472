"""Pure rules about cover requests and their shifts: plain values in, a decision out, no session."""

from __future__ import annotations

from collections.abc import Iterable

from coop.enums import CoverStatus


def request_status(shift_statuses: Iterable[str]) -> CoverStatus:
    """A request is open while any shift is open, booked once all are filled, then completed or cancelled."""
    statuses = set(shift_statuses)  # plain strings from the database compare equal to the members
    if CoverStatus.open in statuses:
        return CoverStatus.open
    if CoverStatus.booked in statuses:
        return CoverStatus.booked
    return CoverStatus.cancelled if statuses == {CoverStatus.cancelled} else CoverStatus.completed
