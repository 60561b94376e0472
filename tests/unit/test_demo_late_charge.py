"""The demo co-op charges a client's late cancellation as the cancellation use-case does (RULES §0.7): a school
a half day, others the lesser of the booked time and 4 h, nothing with enough notice."""

from __future__ import annotations

from datetime import date, timedelta

from coop.clients.models import Client
from coop.eligibility.rules import ShiftFacts
from coop.enums import ClientKind, Profession
from coop.policy import Policy
from coop.shifts.timing import DEFAULT_PATTERNS, local_span
from demo.work import late_charge_row

DAY = date(2027, 3, 9)


def _facts(kind: str, pattern: str, role: str) -> ShiftFacts:
    _label, starts, ends = DEFAULT_PATTERNS[kind][pattern]
    start, end = local_span(DAY, starts, ends)
    return ShiftFacts(id=7, client_id=3, role=role, starts_at=start, ends_at=end, local_date=DAY)


def _charge(client: Client, facts: ShiftFacts, hours_before: float) -> dict | None:
    at = facts.starts_at - timedelta(hours=hours_before)
    return late_charge_row(client=client, facts=facts, shift_id=7, booking_id=11, at=at, policy=Policy())


def test_a_demo_late_cancellation_at_a_school_is_charged_a_half_day():
    school = Client(id=3, kind=ClientKind.school, name="Ysgol", postcode="CF11 8BR")
    full_day = _facts(ClientKind.school, "full_day", Profession.supply_teacher)  # 08:30-15:30, 7 h

    row = _charge(school, full_day, hours_before=5)

    assert row["charge_minutes"] == 210 and row["basis"] == "half_day"  # not 4 h
    assert (row["shift_id"], row["client_id"], row["booking_id"], row["notice_hours_given"]) == (7, 3, 11, 5)


def test_a_demo_late_cancellation_at_a_care_provider_is_charged_the_lesser_of_booked_time_and_4_hours():
    care = Client(
        id=3, kind=ClientKind.care_provider, name="Cartref", postcode="CF14 5QR", cancellation_notice_hours=72
    )
    day_shift = _facts(ClientKind.care_provider, "day", Profession.care_worker)  # 12 h

    assert _charge(care, day_shift, hours_before=48)["charge_minutes"] == 240  # inside its own 72 h
    assert _charge(care, day_shift, hours_before=73) is None


def test_a_demo_cancellation_with_the_coops_notice_given_is_not_charged():
    school = Client(id=3, kind=ClientKind.school, name="Ysgol", postcode="CF11 8BR")
    full_day = _facts(ClientKind.school, "full_day", Profession.supply_teacher)

    assert _charge(school, full_day, hours_before=24) is None
    assert _charge(school, full_day, hours_before=23.5) is not None
