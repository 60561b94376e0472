"""The pure rules of a client's late cancellation (RULES §0.7) and a request's status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from coop.bookings import rules
from coop.enums import ClientKind
from coop.policy import Policy
from coop.shifts.rules import request_status

START = datetime(2027, 3, 9, 8, 30, tzinfo=UTC)


def test_a_cancellation_inside_the_notice_period_is_late_and_one_outside_is_not():
    assert rules.cancelled_late(starts_at=START, cancelled_at=START - timedelta(hours=23), notice_hours=24)
    assert not rules.cancelled_late(starts_at=START, cancelled_at=START - timedelta(hours=24), notice_hours=24)


def test_the_clients_own_notice_period_overrides_the_coops():
    assert rules.notice_hours(None, Policy(client_notice_hours=24)) == 24
    assert rules.notice_hours(72, Policy(client_notice_hours=24)) == 72


def test_a_ward_pays_the_lesser_of_the_booked_time_and_four_hours():
    charge = rules.late_cancellation_charge(
        client_kind=ClientKind.ward, booked_minutes=480, school_day_minutes=None, policy=Policy()
    )
    assert charge == rules.LateCharge(240, "lesser_of_booked_and_4h")
    short = rules.late_cancellation_charge(
        client_kind=ClientKind.care_provider, booked_minutes=60, school_day_minutes=None, policy=Policy()
    )
    assert short.charge_minutes == 60


def test_a_school_pays_half_its_full_day_not_four_hours():
    charge = rules.late_cancellation_charge(
        client_kind=ClientKind.school, booked_minutes=420, school_day_minutes=420, policy=Policy()
    )
    assert charge == rules.LateCharge(210, "half_day")
    morning = rules.late_cancellation_charge(
        client_kind=ClientKind.school, booked_minutes=150, school_day_minutes=420, policy=Policy()
    )
    assert morning.charge_minutes == 150


def test_a_schools_charge_without_its_full_day_is_refused():
    with pytest.raises(ValueError, match="full day"):
        rules.late_cancellation_charge(
            client_kind=ClientKind.school, booked_minutes=420, school_day_minutes=None, policy=Policy()
        )


def test_notice_given_is_whole_hours_and_never_negative():
    assert rules.notice_hours_given(starts_at=START, cancelled_at=START - timedelta(hours=5, minutes=59)) == 5
    assert rules.notice_hours_given(starts_at=START, cancelled_at=START + timedelta(hours=1)) == 0


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ({"open", "booked", "completed"}, "open"),
        ({"booked", "cancelled"}, "booked"),
        ({"cancelled"}, "cancelled"),
        ({"completed", "cancelled"}, "completed"),
    ],
)
def test_a_request_is_open_while_any_shift_is_then_booked_then_completed_or_cancelled(statuses, expected):
    assert request_status(statuses) == expected
