"""Pure pricing rules (coop/pay/rules.py): hand-computed figures, then properties that must hold for any shift."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.clock import LONDON
from coop.errors import InvalidInput
from coop.pay import rules
from coop.pay.rules import (
    AgencyComparison,
    BandMinutes,
    OnCosts,
    UnsocialScheme,
    price_care_visit,
    price_charge,
    price_hourly,
    price_late_cancellation,
    price_teacher_day,
    split_into_bands,
)

AFC = UnsocialScheme(saturday_bp=3000, weekday_night_bp=3000, sunday_bp=6000, bank_holiday_bp=6000)
ON_COSTS = OnCosts(holiday_bp=1207, employer_ni_bp=1500, pension_bp=300, margin_bp=1000)
BAND_5_2026 = 1640  # £16.40 an hour: the shipped 2026/27 band 5 card
M2_2025 = 3_373_000  # £33,730 a year: the shipped 2025/26 M2 card


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def as_dict(bands: list[BandMinutes]) -> dict[str, int]:
    return {band.band: band.minutes for band in bands}


# ---------------------------------------------------------------------------------------------- hand-computed


def test_ward_night_across_the_autumn_clock_change_is_thirteen_hours_priced_by_band():
    # Sat 24 Oct 2026 20:00 BST (19:00 UTC) to Sun 25 Oct 08:00 GMT (08:00 UTC): 13 h elapsed, 780 minutes.
    # Saturday 20:00-24:00 BST = 240 min at +30%; Sunday 00:00 BST (23:00 UTC) to 08:00 UTC = 540 min at +60%
    # (the repeated 01:00 hour is in it). The 30-minute break comes off the lowest-paid band: Saturday 210.
    bands = split_into_bands(local(2026, 10, 24, 20), local(2026, 10, 25, 8), 30, scheme=AFC)
    assert as_dict(bands) == {"saturday": 210, "sunday": 540}

    lines = price_hourly(bands, base_rate_pence=BAND_5_2026, card_id=7)
    # Saturday: 1640 x 1.30 = 2132 p/h x 3.5 h = 7462.  Sunday: 1640 x 1.60 = 2624 p/h x 9 h = 23616.
    assert [(line.band, line.amount_pence, line.rate_pence) for line in lines] == [
        ("saturday", 7462, 2132),
        ("sunday", 23616, 2624),
    ]
    assert all(line.card_id == 7 for line in lines)

    quote = price_charge(lines, on_costs=ON_COSTS, comparison=AgencyComparison(markup_bp=5500))
    # pay 31078; holiday 12.07% = 3751.11 -> 3751; earnings 34829; NI 15% = 5224.35 -> 5224;
    # pension 3% = 1044.87 -> 1045; cost 41098; margin 10% = 4109.8 -> 4110; charge 45208.
    assert quote.pay_pence == 31078
    assert [line.amount_pence for line in quote.charge_lines] == [3751, 5224, 1045, 4110]
    assert quote.charge_pence == 45208
    assert quote.worker_pence == 31078 + 3751 + 1045
    # Private agency: pay + 55% = 31078 + 17092.9 -> 48171; the co-op's charge is 2963 less.
    assert quote.agency_comparison_pence == 48171
    assert quote.saving_pence == 2963


def test_spring_clock_change_night_is_eleven_hours():
    bands = split_into_bands(local(2026, 3, 28, 20), local(2026, 3, 29, 8), 0, scheme=AFC)
    # Sat 20:00-24:00 GMT = 240; Sun 00:00 GMT to 08:00 BST (07:00 UTC) = 420: 660 minutes, 11 h.
    assert as_dict(bands) == {"saturday": 240, "sunday": 420}


def test_christmas_night_pays_the_bank_holiday_uplift_once_from_midnight():
    # Thu 24 Dec 2026 20:00 to Fri 25 Dec 08:00 GMT. Thursday 20:00-24:00 is a weekday night (+30%), 240 min;
    # Christmas Day 00:00-08:00 is both a weekday night and a bank holiday: the higher, +60%, wins, 480 min.
    # Break 30 off the weekday night: 210.
    bands = split_into_bands(local(2026, 12, 24, 20), local(2026, 12, 25, 8), 30, scheme=AFC)
    assert as_dict(bands) == {"weekday_night": 210, "bank_holiday": 480}
    lines = price_hourly(bands, base_rate_pence=BAND_5_2026)
    # 2132 x 3.5 = 7462; 2624 x 8 = 20992.
    assert [line.amount_pence for line in lines] == [7462, 20992]


def test_a_saturday_bank_holiday_is_sixty_percent_not_ninety():
    # Boxing Day 2026 is a Saturday (and the holidays package lists it as well as Monday 28th's substitute day).
    bands = split_into_bands(local(2026, 12, 26, 8), local(2026, 12, 26, 16), 20, scheme=AFC)
    assert bands == [BandMinutes("bank_holiday", 6000, 460)]
    # 2624 p/h x 460/60 h = 20117.33 -> 20117.
    assert price_hourly(bands, base_rate_pence=BAND_5_2026)[0].amount_pence == 20117


def test_easter_monday_night_splits_into_bank_holiday_night_and_plain():
    # Mon 6 Apr 2026 20:00 BST to Tue 7 Apr 08:00 BST: Easter Monday 20:00-24:00 at +60% (240), Tuesday
    # 00:00-06:00 weekday night (360), 06:00-08:00 plain (120, less the 30-minute break: 90).
    bands = split_into_bands(local(2026, 4, 6, 20), local(2026, 4, 7, 8), 30, scheme=AFC)
    assert as_dict(bands) == {"plain": 90, "weekday_night": 360, "bank_holiday": 240}


def test_teacher_full_half_and_part_day_at_salary_over_195():
    # M2 £33,730 / 195 = 17297.4359 p a day -> 17297; half a day 8648.72 -> 8649.
    assert price_teacher_day(annual_salary_pence=M2_2025, session="full")[0].amount_pence == 17297
    assert price_teacher_day(annual_salary_pence=M2_2025, session="half")[0].amount_pence == 8649
    # Part day, 3 h of a 1265/195 h day (5060/13 min): 180 x 13 / 5060 = 117/253 of a day;
    # 674600/39 x 117/253 = 2023800/253 = 7999.21 -> 7999.
    part = price_teacher_day(annual_salary_pence=M2_2025, session="part", worked_minutes=180)[0]
    assert part.quantity == Fraction(117, 253)
    assert part.amount_pence == 7999
    # A part day as long as the school's day is a full day, never more.
    longer = price_teacher_day(annual_salary_pence=M2_2025, session="part", worked_minutes=420)[0]
    assert longer.amount_pence == 17297


def test_part_day_uses_the_schools_own_day_length():
    # A school day of 6 h 30 min (390 min): 195 minutes is exactly half: 8649.
    line = price_teacher_day(annual_salary_pence=M2_2025, session="part", worked_minutes=195, school_day_minutes=390)
    assert line[0].quantity == Fraction(1, 2)
    assert line[0].amount_pence == 8649


def test_care_visit_below_the_real_living_wage_is_lifted_to_it_before_and_after_may_2026():
    # A level's card at £12.00 is below the RLW. Before 1 May 2026 the floor is £12.60: a 3 h visit is
    # 1260 x 3 = 3780, and 30 min travel between visits 630.
    before = price_care_visit(
        visit_minutes=180, travel_minutes=30, rate_pence=1200, floor_pence=1260, card_id=1, floor_card_id=2
    )
    assert [(line.kind, line.amount_pence, line.card_id) for line in before] == [("pay", 3780, 2), ("travel", 630, 2)]
    assert before[0].note == "lifted to the Real Living Wage"
    # From 1 May 2026 the floor is £13.45: 1345 x 3 = 4035; travel 1345 / 2 = 672.5 -> 673 (half up).
    after = price_care_visit(
        visit_minutes=180, travel_minutes=30, rate_pence=1200, floor_pence=1345, card_id=1, floor_card_id=3
    )
    assert [line.amount_pence for line in after] == [4035, 673]
    # A rate above the floor is kept, with its own card.
    kept = price_care_visit(visit_minutes=60, rate_pence=1500, floor_pence=1345, card_id=1, floor_card_id=3)
    assert [(line.amount_pence, line.card_id, line.note) for line in kept] == [(1500, 1, "")]


def test_late_cancellation_is_the_booked_minutes_at_plain_rate_or_half_a_day_for_schools():
    # Nurse: 4 h at £16.40 plain (no uplift, whatever the night it was): 6560.
    nurse = price_late_cancellation(profession="nurse", charge_minutes=240, base_rate_pence=BAND_5_2026)
    assert nurse[0].amount_pence == 6560
    assert nurse[0].kind == "late_cancellation"
    # School: half the school's day (the terms round it down, 390 // 2 = 195) is a session: 8649.
    school = price_late_cancellation(
        profession="supply_teacher", charge_minutes=195, base_rate_pence=M2_2025, school_day_minutes=390
    )
    assert school[0].quantity == Fraction(1, 2)
    assert school[0].amount_pence == 8649
    # A shorter booking is pro rata: 60 of 390 minutes = 2/13 of 17297.44 = 2661.14 -> 2661.
    short = price_late_cancellation(
        profession="supply_teacher", charge_minutes=60, base_rate_pence=M2_2025, school_day_minutes=390
    )
    assert short[0].amount_pence == 2661


def test_round_half_up_rounds_a_half_penny_up_and_nothing_else():
    assert rules.round_half_up(Fraction(5, 2)) == 3
    assert rules.round_half_up(Fraction(7, 2)) == 4
    assert rules.round_half_up(Fraction(249, 100)) == 2
    assert rules.of_basis_points(10_000, 1207) == 1207


@pytest.mark.parametrize(
    ("started_at", "ended_at", "break_minutes", "field"),
    [
        (local(2026, 5, 1, 9), local(2026, 5, 1, 9), 0, "ended_at"),
        (local(2026, 5, 1, 9), local(2026, 5, 1, 10), -1, "break_minutes"),
        (local(2026, 5, 1, 9), local(2026, 5, 1, 10), 61, "break_minutes"),
        (datetime(2026, 5, 1, 9), local(2026, 5, 1, 10), 0, "started_at"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_bad_timesheet_figures_are_refused_naming_the_field(started_at, ended_at, break_minutes, field):
    with pytest.raises(InvalidInput) as refused:
        split_into_bands(started_at, ended_at, break_minutes, scheme=AFC)
    assert refused.value.field == field


def test_unknown_teacher_session_is_refused():
    with pytest.raises(InvalidInput) as refused:
        price_teacher_day(annual_salary_pence=M2_2025, session="morning")
    assert refused.value.field == "session"


# ---------------------------------------------------------------------------------------------- properties

BANK_HOLIDAYS = rules.welsh_bank_holidays(range(2024, 2030))
DST_CHANGES = [
    datetime(2025, 3, 30, 1, tzinfo=UTC),
    datetime(2025, 10, 26, 1, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
]
schemes = st.builds(
    UnsocialScheme,
    saturday_bp=st.integers(0, 9000),
    weekday_night_bp=st.integers(0, 9000),
    sunday_bp=st.integers(0, 9000),
    bank_holiday_bp=st.integers(0, 9000),
)
starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 1), timezones=st.just(UTC)).map(
    lambda at: at.replace(second=0, microsecond=0)
)
near_clock_changes = st.builds(
    lambda change, offset: change + timedelta(minutes=offset), st.sampled_from(DST_CHANGES), st.integers(-1440, 1440)
)


@st.composite
def shifts(draw, start_strategy=starts):
    started_at = draw(start_strategy)
    minutes = draw(st.integers(1, 24 * 60))
    break_minutes = draw(st.integers(0, minutes))
    return started_at, started_at + timedelta(minutes=minutes), break_minutes


@settings(max_examples=150, deadline=None)
@given(shift=shifts(), scheme=schemes)
def test_band_minutes_sum_to_the_elapsed_minutes_less_the_break(shift, scheme):
    started_at, ended_at, break_minutes = shift
    bands = split_into_bands(started_at, ended_at, break_minutes, scheme=scheme, bank_holidays=BANK_HOLIDAYS)
    elapsed = int((ended_at - started_at) / timedelta(minutes=1))
    assert sum(band.minutes for band in bands) == elapsed - break_minutes
    assert all(band.minutes > 0 for band in bands)


@settings(max_examples=150, deadline=None)
@given(shift=shifts(near_clock_changes), scheme=schemes)
def test_splitting_counts_elapsed_time_wherever_the_clock_change_falls(shift, scheme):
    started_at, ended_at, break_minutes = shift
    in_utc = split_into_bands(started_at, ended_at, break_minutes, scheme=scheme, bank_holidays=BANK_HOLIDAYS)
    # The same instants written in local time split identically: only the instants matter, not their offsets.
    in_london = split_into_bands(
        started_at.astimezone(LONDON),
        ended_at.astimezone(LONDON),
        break_minutes,
        scheme=scheme,
        bank_holidays=BANK_HOLIDAYS,
    )
    assert in_utc == in_london
    assert sum(band.minutes for band in in_utc) == int((ended_at - started_at).total_seconds()) // 60 - break_minutes


@settings(max_examples=150, deadline=None)
@given(shift=shifts(), scheme=schemes, rate=st.integers(1, 10_000), markup=st.integers(0, 20_000))
def test_totals_are_the_sums_of_their_lines_in_whole_pence(shift, scheme, rate, markup):
    started_at, ended_at, break_minutes = shift
    bands = split_into_bands(started_at, ended_at, break_minutes, scheme=scheme, bank_holidays=BANK_HOLIDAYS)
    lines = price_hourly(bands, base_rate_pence=rate)
    quote = price_charge(lines, on_costs=ON_COSTS, comparison=AgencyComparison(markup_bp=markup))
    amounts = [line.amount_pence for line in quote.pay_lines] + [line.amount_pence for line in quote.charge_lines]
    assert all(type(amount) is int for amount in amounts)
    assert quote.pay_pence == sum(line.amount_pence for line in quote.pay_lines)
    assert quote.charge_pence == sum(amounts)
    assert quote.charge_pence == (
        quote.pay_pence + quote.holiday_pence + quote.employer_ni_pence + quote.pension_pence + quote.margin_pence
    )
    assert quote.worker_pence == quote.pay_pence + quote.holiday_pence + quote.pension_pence
    assert type(quote.agency_comparison_pence) is int
    # Each line is its exact amount rounded once: never more than half a penny out.
    for line in quote.pay_lines:
        assert abs(line.amount_pence - line.rate_pence * line.quantity) <= Fraction(1, 2)


@settings(max_examples=100, deadline=None)
@given(
    salary=st.integers(1, 10_000_000),
    minutes=st.integers(0, 600),
    day=st.integers(60, 600),
)
def test_a_part_day_is_never_more_than_a_full_day_and_is_whole_pence(salary, minutes, day):
    full = price_teacher_day(annual_salary_pence=salary, session="full")[0].amount_pence
    part = price_teacher_day(annual_salary_pence=salary, session="part", worked_minutes=minutes, school_day_minutes=day)
    assert type(part[0].amount_pence) is int
    assert 0 <= part[0].amount_pence <= full


def test_bank_holidays_come_from_the_holidays_calendar_for_wales():
    calendar = rules.welsh_bank_holidays([2026, 2027])
    assert date(2026, 4, 6) in calendar  # Easter Monday
    assert date(2027, 12, 27) in calendar  # Christmas Day's substitute
    assert date(2026, 3, 1) not in calendar  # St David's Day is not a bank holiday (RULES §6.1)
