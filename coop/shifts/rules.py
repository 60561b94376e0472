"""Pure rules about cover requests and their shifts: plain values in, a decision out, no session."""

from __future__ import annotations

from collections.abc import Iterable


def request_status(shift_statuses: Iterable[str]) -> str:
    """A request is open while any shift is open, booked once all are filled, then completed or cancelled."""
    statuses = set(shift_statuses)
    if "open" in statuses:
        return "open"
    if "booked" in statuses:
        return "booked"
    return "cancelled" if statuses == {"cancelled"} else "completed"
