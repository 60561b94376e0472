"""Pure pricing rules: worked time into pay lines, pay lines into the client's charge. No database.

Every figure comes in as an argument (the rate cards are data, `coop/pay/data/rate_cards.toml`); every amount
out is integer pence, computed exactly with integers and `fractions.Fraction`, never float.

Decisions, written down once:

- **Elapsed time** (RULES §6.3): a timesheet is split at every band boundary in local time (Europe/London), and
  each piece is measured in real minutes between UTC instants, never by wall-clock subtraction. A ward night
  20:00-08:00 across the autumn clock change is 13 hours; across the spring change, 11.
- **Bands** (RULES §4.2): weekday nights 20:00-06:00 and all of Saturday at one uplift, Sundays and bank holidays
  midnight to midnight at another. Where two apply, the highest uplift wins (a bank holiday that is a Saturday is
  +60%, not +90%). Bank holidays are the `holidays` package's Wales calendar (RULES §6.1), never a typed list.
- **The unpaid break** (RULES §0.6) is taken from the lowest-paid band first. Its time is not recorded, and a
  break is normally taken in the quiet part of a shift; taking it from the cheapest minutes is the reading that
  keeps the member's enhanced minutes, and it is applied once, to the whole timesheet, before pricing.
- **Rounding**: each line's exact rational amount is rounded ONCE to integer pence, ROUND HALF UP (a half penny
  goes up; amounts are never negative). Totals are sums of lines, never re-rounded, so every total is the sum of
  its lines. On-costs are computed on the already-rounded lines they depend on, so payslip and invoice agree.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

import holidays

from coop.clock import LONDON
from coop.errors import InvalidInput

BASIS_POINTS = 10_000
MINUTES_AN_HOUR = 60
# RULES §4.1: a teacher's day for part-day pay is 1265 directed hours / 195 days = 6.487 h = 5060/13 minutes.
TEACHER_DAY_MINUTES = Fraction(1265 * 60, 195)
TEACHER_DIVISOR_DAYS = 195

PLAIN = "plain"
WEEKDAY_NIGHT = "weekday_night"
SATURDAY = "saturday"
SUNDAY = "sunday"
BANK_HOLIDAY = "bank_holiday"
# When two bands pay the same uplift, the first named here gives the line its name.
_BAND_PRECEDENCE = (BANK_HOLIDAY, SUNDAY, SATURDAY, WEEKDAY_NIGHT, PLAIN)


def round_half_up(amount: Fraction | int) -> int:
    """Exact pence to whole pence, half a penny up: the one rounding rule, applied once per line."""
    return math.floor(Fraction(amount) + Fraction(1, 2))


def of_basis_points(amount_pence: int, basis_points: int) -> int:
    """`basis_points` hundredths of a percent of an amount, rounded once (1207 bp of 10,000p is 1,207p)."""
    return round_half_up(Fraction(amount_pence * basis_points, BASIS_POINTS))


def welsh_bank_holidays(years: Iterable[int]) -> Container[date]:
    """Bank holidays in Wales (RULES §6.1), substitute days included, from the `holidays` package."""
    return _welsh_bank_holidays(tuple(sorted(set(years))))


@functools.lru_cache(maxsize=64)
def _welsh_bank_holidays(years: tuple[int, ...]) -> frozenset[date]:
    # The calendar for a span of years is fixed data: built once, not for every timesheet priced.
    return frozenset(holidays.UK(subdiv="WLS", years=years))


# ---------------------------------------------------------------------------------------------------------- bands


@dataclass(frozen=True)
class UnsocialScheme:
    """Unsocial-hours uplifts in basis points (RULES §4.2: AfC bands 4-9 are 3000, 3000, 6000, 6000)."""

    saturday_bp: int = 0
    weekday_night_bp: int = 0
    sunday_bp: int = 0
    bank_holiday_bp: int = 0
    night_starts: time = time(20, 0)
    night_ends: time = time(6, 0)

    def uplift(self, band: str) -> int:
        return {
            PLAIN: 0,
            WEEKDAY_NIGHT: self.weekday_night_bp,
            SATURDAY: self.saturday_bp,
            SUNDAY: self.sunday_bp,
            BANK_HOLIDAY: self.bank_holiday_bp,
        }[band]


NO_UPLIFTS = UnsocialScheme()


@dataclass(frozen=True)
class BandMinutes:
    band: str
    uplift_bp: int
    minutes: int


def _require_aware(value: datetime, field_name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{field_name} must carry its UTC offset.", field=field_name)


def _boundaries(start_utc: datetime, end_utc: datetime, scheme: UnsocialScheme) -> list[datetime]:
    """Every instant strictly inside (start, end) where a band can change: local midnight, night start and end."""
    first_day = start_utc.astimezone(LONDON).date() - timedelta(days=1)
    last_day = end_utc.astimezone(LONDON).date() + timedelta(days=1)
    points: set[datetime] = set()
    day = first_day
    while day <= last_day:
        for clock_time in (time(0, 0), scheme.night_ends, scheme.night_starts):
            # A wall-clock time on a local date, as the instant it happens (fold=0 on a repeated hour).
            instant = datetime.combine(day, clock_time, tzinfo=LONDON).astimezone(UTC)
            if start_utc < instant < end_utc:
                points.add(instant)
        day += timedelta(days=1)
    return sorted(points)


def _band_at(instant_utc: datetime, scheme: UnsocialScheme, bank_holidays: Container[date]) -> str:
    """The best-paid band an instant falls in, judged on the local calendar (RULES §4.2, §6.1)."""
    local = instant_utc.astimezone(LONDON)
    candidates = [PLAIN]
    if local.date() in bank_holidays:
        candidates.append(BANK_HOLIDAY)
    weekday = local.weekday()
    if weekday == 6:
        candidates.append(SUNDAY)
    elif weekday == 5:
        candidates.append(SATURDAY)
    elif local.time() >= scheme.night_starts or local.time() < scheme.night_ends:
        candidates.append(WEEKDAY_NIGHT)
    best = max(scheme.uplift(band) for band in candidates)
    return next(band for band in _BAND_PRECEDENCE if band in candidates and scheme.uplift(band) == best)


def split_into_bands(
    started_at: datetime,
    ended_at: datetime,
    break_minutes: int,
    *,
    scheme: UnsocialScheme,
    bank_holidays: Container[date] | None = None,
) -> list[BandMinutes]:
    """The paid minutes of a worked interval in each unsocial-hours band, lowest uplift first.

    Splits at every band boundary in local time and counts elapsed minutes (RULES §6.3); the unpaid break comes
    off the lowest-paid band first (RULES §0.6; see the module docstring). Bank holidays default to Wales's
    (RULES §6.1) for the years the interval touches. Band minutes sum to the elapsed minutes less the break.
    """
    _require_aware(started_at, "started_at")
    _require_aware(ended_at, "ended_at")
    start, end = started_at.astimezone(UTC), ended_at.astimezone(UTC)
    if end <= start:
        raise InvalidInput("ended_at must be after started_at.", field="ended_at")
    if break_minutes < 0:
        raise InvalidInput("break_minutes cannot be negative.", field="break_minutes")
    if bank_holidays is None:
        bank_holidays = welsh_bank_holidays(range(start.astimezone(LONDON).year - 1, end.astimezone(LONDON).year + 2))
    # Cumulative whole minutes from the start at each boundary: pieces sum exactly to the whole.
    cuts = [start, *_boundaries(start, end, scheme), end]
    minutes_at = [int((cut - start) / timedelta(minutes=1)) for cut in cuts]
    totals: dict[str, int] = {}
    for piece_start, before, after in zip(cuts, minutes_at, minutes_at[1:], strict=False):
        band = _band_at(piece_start, scheme, bank_holidays)
        totals[band] = totals.get(band, 0) + after - before
    worked = minutes_at[-1]
    if break_minutes > worked:
        raise InvalidInput(
            f"break_minutes ({break_minutes}) is longer than the time worked ({worked} minutes).",
            field="break_minutes",
        )
    ordered = sorted(totals.items(), key=lambda item: (scheme.uplift(item[0]), -_BAND_PRECEDENCE.index(item[0])))
    bands: list[BandMinutes] = []
    to_take = break_minutes
    for band, minutes in ordered:
        taken = min(minutes, to_take)
        to_take -= taken
        if minutes - taken > 0:
            bands.append(BandMinutes(band=band, uplift_bp=scheme.uplift(band), minutes=minutes - taken))
    return bands


# ---------------------------------------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class PayLine:
    """One priced line. `rate_pence` is the exact rate per `unit` (uplift included); `amount_pence` is rounded once.

    A pay-line row stores `card_id`, `band`, `minutes`, `base_rate_pence` and `uplift_bp` (from which the
    rate is exactly reproducible) and `amount_pence`.
    """

    kind: str
    band: str
    minutes: int
    unit: str
    base_rate_pence: int
    uplift_bp: int
    rate_pence: Fraction
    quantity: Fraction
    amount_pence: int
    card_id: int | None = None
    note: str = ""


def _hourly_line(
    kind: str, band: str, minutes: int, base_rate_pence: int, uplift_bp: int, card_id: int | None, note: str = ""
) -> PayLine:
    rate = Fraction(base_rate_pence * (BASIS_POINTS + uplift_bp), BASIS_POINTS)
    hours = Fraction(minutes, MINUTES_AN_HOUR)
    return PayLine(
        kind=kind,
        band=band,
        minutes=minutes,
        unit="hour",
        base_rate_pence=base_rate_pence,
        uplift_bp=uplift_bp,
        rate_pence=rate,
        quantity=hours,
        amount_pence=round_half_up(rate * hours),
        card_id=card_id,
        note=note,
    )


def _positive_rate(rate_pence: int, field_name: str) -> None:
    if rate_pence <= 0:
        raise InvalidInput(f"{field_name} must be a positive number of pence.", field=field_name)


def price_hourly(bands: Sequence[BandMinutes], *, base_rate_pence: int, card_id: int | None = None) -> list[PayLine]:
    """Nurses' pay: one line per band, the card's hourly rate with the band's uplift (RULES §4.2)."""
    _positive_rate(base_rate_pence, "base_rate_pence")
    return [_hourly_line("pay", b.band, b.minutes, base_rate_pence, b.uplift_bp, card_id) for b in bands]


def price_care_visit(
    *,
    visit_minutes: int,
    travel_minutes: int = 0,
    rate_pence: int,
    floor_pence: int,
    card_id: int | None = None,
    floor_card_id: int | None = None,
) -> list[PayLine]:
    """Care pay: the level's hourly rate, never below the Real Living Wage in force on the visit's local date
    (RULES §4.4, §8.2.7); travel between visits is working time (RULES §1.2, §4.4), priced as its own line.

    When the floor lifts the rate, the line carries the floor card's id and says so.
    """
    _positive_rate(rate_pence, "rate_pence")
    if visit_minutes < 0:
        raise InvalidInput("visit_minutes cannot be negative.", field="visit_minutes")
    if travel_minutes < 0:
        raise InvalidInput("travel_minutes cannot be negative.", field="travel_minutes")
    rate, card, note = rate_pence, card_id, ""
    if floor_pence > rate_pence:
        rate, card, note = floor_pence, floor_card_id, "lifted to the Real Living Wage"
    lines = [_hourly_line("pay", PLAIN, visit_minutes, rate, 0, card, note)]
    if travel_minutes:
        lines.append(_hourly_line("travel", PLAIN, travel_minutes, rate, 0, card, note))
    return lines


def teacher_daily_rate(annual_salary_pence: int, divisor_days: int = TEACHER_DIVISOR_DAYS) -> Fraction:
    """STPC(W)D daily rate: the annual salary pro rata on 195 days (RULES §4.1), exact."""
    _positive_rate(annual_salary_pence, "annual_salary_pence")
    if divisor_days <= 0:
        raise InvalidInput("divisor_days must be positive.", field="divisor_days")
    return Fraction(annual_salary_pence, divisor_days)


def teacher_day_fraction(
    session: str, *, worked_minutes: int | None = None, school_day_minutes: Fraction | int = TEACHER_DAY_MINUTES
) -> Fraction:
    """How much of a day: `full` 1, `half` (a session) 1/2, `part` the worked minutes over the school's day,
    at most a whole day (RULES §4.1; a part day that reaches the school's day is a full day)."""
    if session == "full":
        return Fraction(1)
    if session == "half":
        return Fraction(1, 2)
    if session == "part":
        if worked_minutes is None or worked_minutes < 0:
            raise InvalidInput("A part day needs the worked minutes.", field="worked_minutes")
        if school_day_minutes <= 0:
            raise InvalidInput("school_day_minutes must be positive.", field="school_day_minutes")
        return min(Fraction(1), Fraction(worked_minutes) / Fraction(school_day_minutes))
    raise InvalidInput("session must be one of full, half, part.", field="session")


def price_teacher_day(
    *,
    annual_salary_pence: int,
    session: str,
    worked_minutes: int | None = None,
    school_day_minutes: Fraction | int = TEACHER_DAY_MINUTES,
    divisor_days: int = TEACHER_DIVISOR_DAYS,
    card_id: int | None = None,
    kind: str = "pay",
) -> list[PayLine]:
    """A teacher's day, half day or part day at salary / 195 (RULES §4.1), as one line."""
    daily = teacher_daily_rate(annual_salary_pence, divisor_days)
    fraction = teacher_day_fraction(session, worked_minutes=worked_minutes, school_day_minutes=school_day_minutes)
    minutes = worked_minutes if worked_minutes is not None else round_half_up(fraction * Fraction(school_day_minutes))
    return [
        PayLine(
            kind=kind,
            band=PLAIN,
            minutes=minutes,
            unit="day",
            base_rate_pence=annual_salary_pence,
            uplift_bp=0,
            rate_pence=daily,
            quantity=fraction,
            amount_pence=round_half_up(daily * fraction),
            card_id=card_id,
            note=f"{session} day",
        )
    ]


def price_late_cancellation(
    *,
    profession: str,
    charge_minutes: int,
    base_rate_pence: int,
    card_id: int | None = None,
    school_day_minutes: Fraction | int = TEACHER_DAY_MINUTES,
    divisor_days: int = TEACHER_DIVISOR_DAYS,
) -> list[PayLine]:
    """A late cancellation (RULES §0.7): the minutes are decided by the cancellation terms (the lesser of the
    booked time and 4 h; half a day for schools); this prices them at the plain rate, as one line.

    Teachers: a charge of at least half the school's day (to the minute, as the terms round half a day down)
    is one session, half the daily rate; anything shorter is pro rata. `base_rate_pence` is the teacher's annual
    salary, or the hourly rate for nurses and care workers.
    """
    if charge_minutes < 0:
        raise InvalidInput("charge_minutes cannot be negative.", field="charge_minutes")
    if profession == "supply_teacher":
        half = Fraction(1, 2)
        if charge_minutes >= math.floor(Fraction(school_day_minutes) / 2):
            fraction = half
        else:
            fraction = min(half, Fraction(charge_minutes) / Fraction(school_day_minutes))
        daily = teacher_daily_rate(base_rate_pence, divisor_days)
        return [
            PayLine(
                kind="late_cancellation",
                band=PLAIN,
                minutes=charge_minutes,
                unit="day",
                base_rate_pence=base_rate_pence,
                uplift_bp=0,
                rate_pence=daily,
                quantity=fraction,
                amount_pence=round_half_up(daily * fraction),
                card_id=card_id,
                note="late cancellation",
            )
        ]
    _positive_rate(base_rate_pence, "base_rate_pence")
    return [_hourly_line("late_cancellation", PLAIN, charge_minutes, base_rate_pence, 0, card_id, "late cancellation")]


# ---------------------------------------------------------------------------------------------------------- charge


@dataclass(frozen=True)
class OnCosts:
    """Basis points on the charge (RULES §0.19): holiday 1207, employer NI 1500, pension 300, margin 1000."""

    holiday_bp: int
    employer_ni_bp: int
    pension_bp: int
    margin_bp: int
    card_id: int | None = None


@dataclass(frozen=True)
class AgencyComparison:
    """What a private agency would charge (RULES §0.18): a markup on pay (nurses), or a price a day (teachers)
    or an hour (care). Exactly one of `markup_bp` and `amount_pence` is set."""

    markup_bp: int | None = None
    amount_pence: int | None = None
    unit: str = "hour"
    card_id: int | None = None

    def price(self, pay_lines: Sequence[PayLine], pay_pence: int) -> int:
        if self.markup_bp is not None:
            return pay_pence + of_basis_points(pay_pence, self.markup_bp)
        if self.amount_pence is None:
            raise InvalidInput("An agency comparison needs a markup or an amount.", field="agency_comparison")
        if self.unit == "day":
            days = sum((line.quantity for line in pay_lines if line.unit == "day"), Fraction(0))
            return round_half_up(self.amount_pence * days)
        minutes = sum(line.minutes for line in pay_lines)
        return round_half_up(Fraction(self.amount_pence * minutes, MINUTES_AN_HOUR))


@dataclass(frozen=True)
class ChargeLine:
    kind: str
    basis_pence: int
    rate_bp: int
    amount_pence: int
    card_id: int | None


@dataclass(frozen=True)
class Quote:
    """A priced piece of work: the pay lines, the on-cost lines, and totals that are sums of lines."""

    pay_lines: tuple[PayLine, ...]
    charge_lines: tuple[ChargeLine, ...]
    pay_pence: int
    holiday_pence: int
    employer_ni_pence: int
    pension_pence: int
    margin_pence: int
    charge_pence: int
    worker_pence: int
    agency_comparison_pence: int | None
    saving_pence: int | None = field(default=None)


def price_charge(
    pay_lines: Sequence[PayLine], *, on_costs: OnCosts, comparison: AgencyComparison | None = None
) -> Quote:
    """The client's charge: pay + holiday pay + employer NI + employer pension + margin, each its own line.

    Holiday pay is 12.07% of all pay, its own line (RULES §1.5, rolled up). Employer NI and pension are on pay
    plus holiday pay (both are earnings); the margin is on the whole cost (RULES §0.19). `worker_pence` is what
    reaches the worker: pay + holiday pay + pension. The saving is the private agency's price less this charge.
    """
    pay = sum(line.amount_pence for line in pay_lines)
    holiday = of_basis_points(pay, on_costs.holiday_bp)
    earnings = pay + holiday
    employer_ni = of_basis_points(earnings, on_costs.employer_ni_bp)
    pension = of_basis_points(earnings, on_costs.pension_bp)
    cost = earnings + employer_ni + pension
    margin = of_basis_points(cost, on_costs.margin_bp)
    card = on_costs.card_id
    charge_lines = (
        ChargeLine("holiday_pay", pay, on_costs.holiday_bp, holiday, card),
        ChargeLine("employer_ni", earnings, on_costs.employer_ni_bp, employer_ni, card),
        ChargeLine("employer_pension", earnings, on_costs.pension_bp, pension, card),
        ChargeLine("margin", cost, on_costs.margin_bp, margin, card),
    )
    charge = pay + sum(line.amount_pence for line in charge_lines)
    agency = comparison.price(pay_lines, pay) if comparison is not None else None
    return Quote(
        pay_lines=tuple(pay_lines),
        charge_lines=charge_lines,
        pay_pence=pay,
        holiday_pence=holiday,
        employer_ni_pence=employer_ni,
        pension_pence=pension,
        margin_pence=margin,
        charge_pence=charge,
        worker_pence=pay + holiday + pension,
        agency_comparison_pence=agency,
        saving_pence=None if agency is None else agency - charge,
    )


# ---------------------------------------------------------------------------------------------------------- payroll

# The payroll export's gross columns: each band, then travel (RULES §4.4), in this fixed order.
PAYROLL_BANDS = (PLAIN, WEEKDAY_NIGHT, SATURDAY, SUNDAY, BANK_HOLIDAY)


def pounds(pence: int) -> str:
    """Whole pence as pounds with two decimals for a payroll file ("-12.05"); exact, no float."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def hours_text(minutes: int) -> str:
    """Minutes as hours to two decimals, rounded half up once (95 minutes is "1.58")."""
    sign = "-" if minutes < 0 else ""
    hundredths = round_half_up(Fraction(abs(minutes) * 100, MINUTES_AN_HOUR))
    whole, part = divmod(hundredths, 100)
    return f"{sign}{whole}.{part:02d}"


def spreadsheet_safe(text: str) -> str:
    """A name cannot start a formula in the payroll provider's spreadsheet (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
