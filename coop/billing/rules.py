"""Pure billing rules over plain values: invoicing periods, splitting a credit, totals, the rate split.

No database. Every amount is integer pence; a split uses the largest remainder, so its parts sum exactly to the
whole (STYLE §7.2.7), and a total is the sum of its lines, never re-rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from coop.errors import InvalidInput

WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = (WEEKLY, MONTHLY)
SPLIT_FIELDS = ("pay_pence", "holiday_pence", "employer_ni_pence", "pension_pence", "margin_pence")


def split_by_weights(total: int, weights: Sequence[int]) -> list[int]:
    """`total` shared in proportion to `weights` (whole pence), by largest remainder: the parts sum to `total`.

    Ties in the remainder go to the earlier weight. Weights are not negative and not all zero (else the whole
    goes to the first part)."""
    if not weights:
        raise InvalidInput("Nothing to share the amount across.", field="amount_pence")
    if any(weight < 0 for weight in weights):
        raise InvalidInput("Weights cannot be negative.", field="amount_pence")
    whole = sum(weights)
    if whole == 0:
        return [total] + [0] * (len(weights) - 1)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    floors = [magnitude * weight // whole for weight in weights]
    remainders = [magnitude * weight % whole for weight in weights]
    left = magnitude - sum(floors)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        floors[index] += 1
    return [sign * part for part in floors]


def client_periods(period_start: date, period_end: date, frequency: str) -> list[tuple[date, date]]:
    """The client's invoicing periods (ISO weeks Monday to Sunday, or calendar months) that a run's dates
    touch, each clipped to the run's dates: one invoice per client per period."""
    if period_end < period_start:
        raise InvalidInput("period_end is before period_start.", field="period_end")
    if frequency not in FREQUENCIES:
        raise InvalidInput(f"invoice_frequency is one of {', '.join(FREQUENCIES)}.", field="invoice_frequency")
    periods = []
    day = period_start
    while day <= period_end:
        if frequency == WEEKLY:
            end = day + timedelta(days=6 - day.weekday())
        else:
            following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            end = following - timedelta(days=1)
        end = min(end, period_end)
        periods.append((day, end))
        day = end + timedelta(days=1)
    return periods


@dataclass(frozen=True)
class Split:
    """A charge and where it goes (RULES §0.19): amount = pay + holiday + employer NI + pension + margin."""

    pay_pence: int
    holiday_pence: int
    employer_ni_pence: int
    pension_pence: int
    margin_pence: int

    @property
    def amount_pence(self) -> int:
        return self.pay_pence + self.holiday_pence + self.employer_ni_pence + self.pension_pence + self.margin_pence

    @property
    def worker_pence(self) -> int:
        """What reaches the worker: pay, holiday pay and the employer's pension (as `coop.pay.rules`)."""
        return self.pay_pence + self.holiday_pence + self.pension_pence


def credit_split(split: Split, amount_pence: int) -> Split:
    """The part of a line's split that a credit of `amount_pence` (0 < amount <= the line's) takes back, each
    component in proportion, by largest remainder, so the parts sum to the amount exactly."""
    parts = split_by_weights(amount_pence, [getattr(split, name) for name in SPLIT_FIELDS])
    return Split(*parts)


def pence_of_each_pound(part_pence: int, whole_pence: int) -> int:
    """How many pence of each £1 charged `part` is, rounded half up (0 when nothing was charged)."""
    if whole_pence == 0:
        return 0
    return (200 * part_pence + whole_pence) // (2 * whole_pence)


def saving(agency_pence: int, total_pence: int) -> int:
    """What the client saved against the private agency's price for the same work (RULES §0.18)."""
    return agency_pence - total_pence


def check_credit_amount(amount_pence: int | None, outstanding_pence: int) -> int:
    """A credit is more than nothing and no more than what is left of the invoice to credit."""
    if amount_pence is None:
        amount_pence = outstanding_pence
    if amount_pence <= 0:
        raise InvalidInput("amount_pence must be more than 0.", field="amount_pence")
    if amount_pence > outstanding_pence:
        raise InvalidInput(
            f"amount_pence ({amount_pence}) is more than the {outstanding_pence}p left to credit on the invoice.",
            field="amount_pence",
        )
    return amount_pence


def fingerprint(started_at_iso: str, ended_at_iso: str, break_minutes: int) -> str:
    """What a timesheet said when priced; an approved timesheet that no longer matches was corrected."""
    return f"{started_at_iso}|{ended_at_iso}|{break_minutes}"[:80]
