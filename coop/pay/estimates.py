"""What a shift would pay: the school's day length pricing needs, and a member's estimate for an open shift.

Only reads. The shifts area asks for an estimate by calling `OpenShiftPricer`; pay never reaches into
bookings or shifts' use-cases (pull, not push), only their tables and the pure timing helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from sqlmodel import Session, select

from coop.clients.models import Client
from coop.clock import elapsed_minutes, local_date, today_local
from coop.enums import ClientKind, Profession
from coop.errors import InvalidInput
from coop.pay import rules
from coop.pay import service as pay_service
from coop.pay.models import RateCard
from coop.policy import Policy, get_policy
from coop.shifts.models import ShiftPattern
from coop.shifts.timing import DEFAULT_PATTERNS, local_span


def school_day_minutes(session: Session, client: Client | None, on_date: date) -> Fraction | int:
    """A school's own day (its `full_day` pattern) in minutes, for pro-rata part days (RULES §4.1); anyone
    else, or a school without one, the STPC(W)D teacher's day of 1265/195 hours."""
    if client is None or client.kind != ClientKind.school:
        return rules.TEACHER_DAY_MINUTES
    own = session.exec(
        select(ShiftPattern).where(ShiftPattern.client_id == client.id, ShiftPattern.code == "full_day")
    ).first()
    if own is not None:
        starts, ends = own.starts, own.ends
    else:
        _label, starts, ends = DEFAULT_PATTERNS[ClientKind.school]["full_day"]
    return elapsed_minutes(*local_span(on_date, starts, ends))


@dataclass(frozen=True)
class ShiftEstimate:
    """Pay for the shift plus its rolled-up holiday pay (RULES §1.5), with the rate it is paid at."""

    pay_estimate_pence: int
    pay_rate_pence: int  # the plain rate, rounded to whole pence for display
    pay_rate_unit: str  # "hour" or "day"


class OpenShiftPricer:
    """Prices open shifts for one member at the cards in force today (not the shift's date: the member is
    told what today's card pays). Cards and school days are looked up once per pricer."""

    def __init__(self, session: Session, *, profession: str, grade: str | None, policy: Policy | None = None):
        self.session = session
        self.profession = profession
        self.grade = grade
        self.policy = policy or get_policy()
        self.today = today_local()
        self._cards: dict[str, RateCard | None] = {}
        self._school_days: dict[int, Fraction | int] = {}

    def _card(self, kind: str | None) -> RateCard | None:
        key = kind or "pay"
        if key not in self._cards:
            try:
                self._cards[key] = pay_service.card_in_force(
                    self.session, self.profession, self.grade, self.today, kind=kind
                )
            except InvalidInput:
                self._cards[key] = None  # no card (or no grade): no estimate, never a refused page
        return self._cards[key]

    def _school_day(self, client_id: int, on_date: date) -> Fraction | int:
        if client_id not in self._school_days:
            client = self.session.get(Client, client_id)
            self._school_days[client_id] = school_day_minutes(self.session, client, on_date)
        return self._school_days[client_id]

    def estimate(self, *, client_id: int, starts_at: datetime, ends_at: datetime) -> ShiftEstimate | None:
        card, on_costs = self._card(None), self._card("on_costs")
        if not self.grade or card is None or on_costs is None:
            return None
        elapsed = elapsed_minutes(starts_at, ends_at)
        # RULES §0.6: the unpaid break the timesheet will take unless it says otherwise.
        break_minutes = self.policy.break_minutes if elapsed > self.policy.break_after_hours * 60 else 0
        amount = card.amount_pence or 0
        if self.profession == Profession.nurse:
            bands = rules.split_into_bands(starts_at, ends_at, break_minutes, scheme=pay_service.scheme_of(card))
            lines = rules.price_hourly(bands, base_rate_pence=amount, card_id=card.id)
            rate, unit = amount, "hour"
        elif self.profession == Profession.care_worker:
            floor = self._card("floor_hourly")
            rate = max(amount, floor.amount_pence or 0) if floor is not None else amount
            lines = rules.price_care_visit(
                visit_minutes=elapsed - break_minutes, rate_pence=rate, floor_pence=rate, card_id=card.id
            )
            unit = "hour"
        else:
            divisor = card.divisor_days or rules.TEACHER_DIVISOR_DAYS
            lines = rules.price_teacher_day(
                annual_salary_pence=amount,
                session="part",
                worked_minutes=elapsed - break_minutes,
                school_day_minutes=self._school_day(client_id, local_date(starts_at)),
                divisor_days=divisor,
            )
            rate, unit = rules.round_half_up(rules.teacher_daily_rate(amount, divisor)), "day"
        pay = sum(line.amount_pence for line in lines)
        holiday = rules.of_basis_points(pay, on_costs.holiday_bp or 0)
        return ShiftEstimate(pay_estimate_pence=pay + holiday, pay_rate_pence=rate, pay_rate_unit=unit)
