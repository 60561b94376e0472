"""A request's status from its shifts' statuses, as the database hands them back (plain strings) or as enums."""

from __future__ import annotations

import pytest

from coop.enums import BookingStatus, CoverStatus, MemberStatus, RunStatus, TimesheetStatus
from coop.shifts.rules import request_status


@pytest.mark.parametrize(
    ("shifts", "expected"),
    [
        (["open", "booked", "cancelled"], CoverStatus.open),
        (["booked", "completed"], CoverStatus.booked),
        (["completed", "cancelled"], CoverStatus.completed),
        (["cancelled", "cancelled"], CoverStatus.cancelled),
        ([CoverStatus.cancelled, "cancelled"], CoverStatus.cancelled),
    ],
)
def test_a_requests_status_follows_its_shifts_given_as_stored_strings(shifts, expected):
    status = request_status(shifts)
    assert status is expected and status == expected.value


@pytest.mark.parametrize("enum", [CoverStatus, BookingStatus, TimesheetStatus, RunStatus, MemberStatus])
def test_each_status_is_named_as_it_is_stored_so_a_stored_string_finds_it_in_a_set(enum):
    for member in enum:
        assert member.name == member.value
        assert member.value in {member} and member in {member.value}
