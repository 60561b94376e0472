"""One rule set decides whether a member may take a shift, with every reason when not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from coop.clock import LONDON
from coop.eligibility.rules import HeldShift, MemberFacts, ShiftFacts, check
from coop.policy import Policy
from coop.shifts.timing import is_night, local_span, working_days

POLICY = Policy()


@dataclass
class Cred:
    kind: str
    verified_on: date
    expires_on: date | None = None
    dbs_workforce: str | None = None


def nurse(**overrides) -> MemberFacts:
    facts = MemberFacts(
        id=1,
        name="Nia",
        status="active",
        profession="nurse",
        grade="5",
        skills=["ICU"],
        welsh_level="learner",
        max_hours_per_week=48,
        max_travel_km=30,
        opted_out_48h=False,
        location=(51.48, -3.18),
        credentials=[
            Cred("nmc", date(2025, 1, 1), date(2027, 6, 30)),
            Cred("dbs_enhanced", date(2024, 1, 1), None, "adults"),
            Cred("right_to_work", date(2020, 1, 1)),
            Cred("mandatory_training", date(2026, 1, 1), date(2027, 6, 1)),
        ],
    )
    for key, value in overrides.items():
        setattr(facts, key, value)
    return facts


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def shift(start: datetime, end: datetime, **kw) -> ShiftFacts:
    defaults = dict(
        id=99,
        client_id=7,
        role="nurse",
        starts_at=start,
        ends_at=end,
        local_date=start.astimezone(LONDON).date(),
        client_location=(51.50, -3.19),
        night=is_night(start, end, POLICY),
    )
    defaults.update(kw)
    return ShiftFacts(**defaults)


def held(start: datetime, end: datetime, shift_id: int = 1) -> HeldShift:
    return HeldShift(shift_id, start, end, is_night(start, end, POLICY))


def codes(member: MemberFacts, s: ShiftFacts, **kw) -> list[str]:
    return [r.code for r in check(member, s, policy=POLICY, **kw)]


EARLY = shift(at(7, 7), at(7, 15))


def test_an_eligible_member_has_no_reasons():
    assert codes(nurse(), EARLY) == []


def test_wrong_profession_stops_at_once():
    assert codes(nurse(), shift(at(7, 7), at(7, 15), role="supply_teacher")) == ["wrong_profession"]


def test_grade_skills_and_welsh_are_each_a_reason():
    demanding = shift(at(7, 7), at(7, 15), min_grade="6", skills=("ICU", "paediatrics"), welsh_medium=True)
    assert codes(nurse(), demanding) == ["grade_too_low", "missing_skill", "welsh_required"]


def test_a_credential_lapsing_before_the_shift_date_is_a_reason():
    later = shift(at(7, 7, month=7).replace(year=2027), at(7, 15, month=7).replace(year=2027))
    assert codes(nurse(), later) == ["credential_expired", "credential_expired"]


def test_weekly_availability_and_days_off():
    weekdays_only = nurse(windows=[(d, time(7), time(19)) for d in range(5)])
    assert codes(weekdays_only, EARLY) == []  # 7 Dec 2026 is a Monday
    sunday = shift(at(6, 7), at(6, 15))
    assert codes(weekdays_only, sunday) == ["unavailable"]
    away = nurse(days_off=[(date(2026, 12, 7), date(2026, 12, 8))])
    assert codes(away, EARLY) == ["on_leave"]


def test_overnight_availability_covers_a_night_shift():
    nights = nurse(windows=[(0, time(19), time(8))])
    assert codes(nights, shift(at(7, 20), at(8, 8))) == []


def test_overlapping_shift_is_refused():
    assert "overlap" in codes(nurse(held=[held(at(7, 14), at(7, 22))]), EARLY)


def test_eleven_hours_rest_between_shifts():
    assert codes(nurse(held=[held(at(6, 14), at(6, 22))]), EARLY) == ["rest_too_short"]
    assert codes(nurse(held=[held(at(6, 11), at(6, 20))]), EARLY) == []


def test_no_day_shift_within_24_hours_after_a_night():
    after_night = nurse(held=[held(at(5, 20), at(6, 8))])
    assert codes(after_night, shift(at(7, 7), at(7, 15))) == ["night_recovery"]
    assert codes(after_night, shift(at(6, 20), at(7, 8))) == []


def test_forty_eight_hours_a_week_unless_opted_out_and_never_over_own_maximum():
    week = [held(at(d, 7), at(d, 19), shift_id=d) for d in (1, 2, 3, 4)]  # Mon–Thu, 48 h
    friday = shift(at(5, 7), at(5, 15))
    assert codes(nurse(held=week, max_hours_per_week=60), friday) == ["weekly_hours_exceeded"]
    assert codes(nurse(held=week, opted_out_48h=True, max_hours_per_week=60), friday) == []
    assert codes(nurse(held=week, opted_out_48h=True, max_hours_per_week=50), friday) == ["own_max_hours_exceeded"]


def test_at_most_six_days_in_a_row():
    run = [held(at(d, 7), at(d, 11), shift_id=d) for d in range(1, 7)]
    assert "too_many_days_in_a_row" in codes(nurse(held=run, max_hours_per_week=60), shift(at(7, 7), at(7, 11)))


def test_at_most_four_nights_in_a_row():
    nights = [held(at(d, 20), at(d + 1, 8), shift_id=d) for d in range(1, 5)]
    fifth = shift(at(5, 20), at(6, 8))
    assert "too_many_nights_in_a_row" in codes(nurse(held=nights, opted_out_48h=True, max_hours_per_week=70), fifth)


def test_do_not_send_and_travel_distance():
    assert codes(nurse(), EARLY, blocked={1}) == ["do_not_send"]
    far = shift(at(7, 7), at(7, 15), client_location=(53.22, -4.13))  # Bangor
    assert codes(nurse(), far) == ["too_far"]


def test_every_reason_comes_back_together():
    reasons = check(
        nurse(grade="4", days_off=[(date(2026, 12, 7), date(2026, 12, 7))]),
        shift(at(7, 7), at(7, 15), min_grade="5"),
        policy=POLICY,
        blocked={1},
    )
    assert [r.code for r in reasons] == ["grade_too_low", "on_leave", "do_not_send"]
    assert all(r.message and r.rule for r in reasons)


def test_a_night_across_the_october_clock_change_lasts_13_hours():
    start, end = local_span(date(2026, 10, 24), time(20), time(8))
    assert (end - start) == timedelta(hours=13)
    assert is_night(start, end, POLICY)


def test_a_night_across_the_march_clock_change_lasts_11_hours():
    start, end = local_span(date(2027, 3, 27), time(20), time(8))
    assert (end - start) == timedelta(hours=11)


def test_a_run_of_school_days_skips_the_weekend():
    days = working_days(date(2026, 12, 4), 3, "school")  # Friday
    assert days == [date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 8)]
    assert working_days(date(2026, 12, 4), 3, "ward")[-1] == date(2026, 12, 6)


def test_weekly_hours_count_real_elapsed_hours_across_the_clock_change():
    # Four 13-hour October nights (one across the change) make 49 h: over the 48-hour week.
    nights = [held(*local_span(date(2026, 10, d), time(20), time(8)), shift_id=d) for d in (19, 20, 24)]
    sunday = shift(*local_span(date(2026, 10, 25), time(20), time(8)))
    assert sum((h.ends_at - h.starts_at) / timedelta(hours=1) for h in nights) == 37
    assert "weekly_hours_exceeded" in codes(nurse(held=nights, max_hours_per_week=60), sunday)
