"""Use-cases and queries of the pay area: load the shipped rate cards, add a card, find the card in force,
and price worked time or a late cancellation with the cards in force on its local date.

The pricing functions only read: they return a `rules.Quote` whose lines carry the card ids they were priced
with, for the pay-line tables to store.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

from sqlmodel import Session, select

from coop.access import Actor, require_role
from coop.clock import local_date, utcnow
from coop.enums import Profession, Role
from coop.errors import Conflict, InvalidInput
from coop.pay import rules
from coop.pay.models import ANY_GRADE, RateCard
from coop.pay.schemas import RateCardCreate

RATE_CARDS_FILE = Path(__file__).resolve().parent / "data" / "rate_cards.toml"
# The card that pays each profession (RULES §4.1, §4.2, §4.4).
PAY_KIND = {
    Profession.supply_teacher: "annual_salary",
    Profession.nurse: "hourly",
    Profession.care_worker: "hourly",
}


def _key(card: RateCard | RateCardCreate) -> tuple[str, str, str, date]:
    return (str(card.profession), card.grade, card.kind, card.effective_from)


def read_rate_cards_file(path: Path = RATE_CARDS_FILE) -> list[RateCardCreate]:
    """The shipped cards, each checked as a coordinator's card would be."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    return [RateCardCreate.model_validate(entry) for entry in document.get("card", [])]


def load_rate_cards(*, session: Session, path: Path = RATE_CARDS_FILE) -> int:
    """Add the data file's cards that the table lacks; loading twice adds nothing. Returns how many were added.

    A card already in the table with the same profession, grade, kind and effective_from is left as it is:
    once loaded, the table is the authority (RULES §8.3).
    """
    existing = {_key(card) for card in session.exec(select(RateCard)).all()}
    now = utcnow()
    added = 0
    for card in read_rate_cards_file(path):
        if _key(card) in existing:
            continue
        session.add(RateCard(**card.model_dump(), created_at=now))
        existing.add(_key(card))
        added += 1
    session.commit()
    session.info.pop(_CARDS, None)
    return added


def add_rate_card(*, session: Session, actor: Actor, data: RateCardCreate) -> RateCard:
    """A coordinator changes a figure by adding a card from a date; cards are never edited (RULES §8.3), so a
    line priced with an earlier card keeps it. A second card for the same key and date is refused."""
    require_role(actor, Role.coordinator, Role.admin)
    clash = session.exec(
        select(RateCard).where(
            RateCard.profession == str(data.profession),
            RateCard.grade == data.grade,
            RateCard.kind == data.kind,
            RateCard.effective_from == data.effective_from,
        )
    ).first()
    if clash is not None:
        raise Conflict(
            f"A {data.kind} card for {data.profession} {data.grade} already starts on {data.effective_from}: "
            "cards are never edited; add one from another date.",
            code="rate_card_exists",
        )
    card = RateCard(**data.model_dump(), created_by_user_id=actor.user_id, created_at=utcnow())
    session.add(card)
    session.commit()
    session.info.pop(_CARDS, None)
    session.refresh(card)
    return card


def list_rate_cards(session: Session, *, profession: str | None = None, kind: str | None = None) -> Sequence[RateCard]:
    query = select(RateCard)
    if profession:
        query = query.where(RateCard.profession == profession)
    if kind:
        query = query.where(RateCard.kind == kind)
    order = (RateCard.profession, RateCard.kind, RateCard.grade, RateCard.effective_from)
    return session.exec(query.order_by(*order)).all()


_CARDS = "coop.pay.rate_cards"


def _cards(session: Session) -> dict[tuple[str, str, str], list[RateCard]]:
    """Every rate card by (profession, grade, kind), latest first, read once per session.

    Cards are only ever added (never edited), so a session's copy stays true until it adds one itself
    (`add_rate_card` and `load_rate_cards` drop it); pricing a month of timesheets then reads them once.
    """
    cached = session.info.get(_CARDS)
    if cached is None:
        cached = {}
        for card in session.exec(select(RateCard).order_by(RateCard.effective_from.desc(), RateCard.id.desc())):
            cached.setdefault((card.profession, card.grade, card.kind), []).append(card)
        session.info[_CARDS] = cached
    return cached


def card_in_force(
    session: Session, profession: str, grade: str | None, on_date: date, *, kind: str | None = None
) -> RateCard:
    """The card with the latest effective_from on or before `on_date` (a local date), for the grade, else for
    every grade ("*"). `kind` defaults to the card that pays the profession. Refuses clearly when none is."""
    if kind is None:
        kind = PAY_KIND.get(profession)
        if kind is None:
            raise InvalidInput(f"Unknown profession {profession!r}.", field="profession")
    by_key = _cards(session)
    for candidate in ([grade] if grade else []) + [ANY_GRADE]:
        card = next((c for c in by_key.get((profession, candidate, kind), ()) if c.effective_from <= on_date), None)
        if card is not None:
            return card
    raise InvalidInput(
        f"No {kind} rate card for {profession} grade {grade or '(none)'} on {on_date}: a coordinator must add one.",
        field="grade",
        code="no_rate_card",
    )


def _scheme(card: RateCard) -> rules.UnsocialScheme:
    return rules.UnsocialScheme(
        saturday_bp=card.saturday_bp or 0,
        weekday_night_bp=card.weekday_night_bp or 0,
        sunday_bp=card.sunday_bp or 0,
        bank_holiday_bp=card.bank_holiday_bp or 0,
    )


def scheme_of(card: RateCard) -> rules.UnsocialScheme:
    """A card's unsocial-hours uplifts, for pricing outside `quote_work` (the open-shift estimate)."""
    return _scheme(card)


def _on_costs(session: Session, profession: str, on_date: date) -> rules.OnCosts:
    card = card_in_force(session, profession, None, on_date, kind="on_costs")
    return rules.OnCosts(
        holiday_bp=card.holiday_bp or 0,
        employer_ni_bp=card.employer_ni_bp or 0,
        pension_bp=card.pension_bp or 0,
        margin_bp=card.margin_bp or 0,
        card_id=card.id,
    )


def _comparison(session: Session, profession: str, on_date: date) -> rules.AgencyComparison | None:
    try:
        card = card_in_force(session, profession, None, on_date, kind="agency_comparison")
    except InvalidInput:
        return None  # the saving report is optional; pricing is not
    unit = "day" if profession == Profession.supply_teacher else "hour"
    return rules.AgencyComparison(markup_bp=card.markup_bp, amount_pence=card.amount_pence, unit=unit, card_id=card.id)


def _require_grade(profession: str, grade: str | None) -> str:
    if not grade:
        raise InvalidInput(f"A {profession} needs a grade to be priced.", field="grade", code="no_rate_card")
    return grade


def quote_work(
    *,
    session: Session,
    profession: str,
    grade: str | None,
    started_at: datetime,
    ended_at: datetime,
    break_minutes: int,
    travel_minutes: int = 0,
    teacher_session: str = "part",
    school_day_minutes: Fraction | int = rules.TEACHER_DAY_MINUTES,
) -> rules.Quote:
    """Price worked time (an approved timesheet) with the cards in force on its local start date.

    Nurses by band with unsocial-hours uplifts (RULES §4.2); teachers by the day, half day or part day pro rata
    on the school's day (RULES §4.1); care workers by the hour, travel between visits included, never below the
    Real Living Wage (RULES §4.4). Then holiday pay, on-costs and margin (RULES §0.19, §1.5) and the private
    agency's price (RULES §0.18).
    """
    grade = _require_grade(profession, grade)
    on_date = local_date(started_at)
    card = card_in_force(session, profession, grade, on_date)
    amount = card.amount_pence or 0
    if profession == Profession.nurse:
        bands = rules.split_into_bands(started_at, ended_at, break_minutes, scheme=_scheme(card))
        pay_lines = rules.price_hourly(bands, base_rate_pence=amount, card_id=card.id)
    elif profession == Profession.care_worker:
        bands = rules.split_into_bands(started_at, ended_at, break_minutes, scheme=rules.NO_UPLIFTS)
        floor = card_in_force(session, profession, grade, on_date, kind="floor_hourly")
        pay_lines = rules.price_care_visit(
            visit_minutes=sum(band.minutes for band in bands),
            travel_minutes=travel_minutes,
            rate_pence=amount,
            floor_pence=floor.amount_pence or 0,
            card_id=card.id,
            floor_card_id=floor.id,
        )
    else:
        bands = rules.split_into_bands(started_at, ended_at, break_minutes, scheme=rules.NO_UPLIFTS)
        pay_lines = rules.price_teacher_day(
            annual_salary_pence=amount,
            session=teacher_session,
            worked_minutes=sum(band.minutes for band in bands),
            school_day_minutes=school_day_minutes,
            divisor_days=card.divisor_days or rules.TEACHER_DIVISOR_DAYS,
            card_id=card.id,
        )
    return rules.price_charge(
        pay_lines,
        on_costs=_on_costs(session, profession, on_date),
        comparison=_comparison(session, profession, on_date),
    )


def quote_late_cancellation(
    *,
    session: Session,
    profession: str,
    grade: str | None,
    on_date: date,
    charge_minutes: int,
    school_day_minutes: Fraction | int = rules.TEACHER_DAY_MINUTES,
) -> rules.Quote:
    """Price a late cancellation's charge minutes (RULES §0.7) with the cards in force on the shift's local date;
    the member is paid the line and the client charged it with on-costs, as for worked time."""
    grade = _require_grade(profession, grade)
    card = card_in_force(session, profession, grade, on_date)
    rate, card_id = card.amount_pence or 0, card.id
    if profession == Profession.care_worker:
        floor = card_in_force(session, profession, grade, on_date, kind="floor_hourly")
        if (floor.amount_pence or 0) > rate:
            rate, card_id = floor.amount_pence or 0, floor.id  # never below the RLW (RULES §4.4)
    pay_lines = rules.price_late_cancellation(
        profession=profession,
        charge_minutes=charge_minutes,
        base_rate_pence=rate,
        card_id=card_id,
        school_day_minutes=school_day_minutes,
        divisor_days=card.divisor_days or rules.TEACHER_DIVISOR_DAYS,
    )
    return rules.price_charge(
        pay_lines,
        on_costs=_on_costs(session, profession, on_date),
        comparison=_comparison(session, profession, on_date),
    )


def rate_cards_overview(
    session: Session, *, actor: Actor, on_date: date, profession: str | None = None
) -> tuple[list[RateCard], list[RateCard]]:
    """The cards in force on `on_date` (a local date), one per profession, grade and kind, and every card (the
    history, newest first within each key), for coordinators and the board. Cards are never edited (RULES §8.3):
    the history is the record of every figure pricing has used or will use from its date."""
    require_role(actor, Role.coordinator, Role.admin, Role.board)
    history = list(list_rate_cards(session, profession=profession))
    in_force: dict[tuple[str, str, str], RateCard] = {}
    for card in history:  # ordered by effective_from within each key: the last on or before the date wins
        if card.effective_from <= on_date:
            in_force[(card.profession, card.kind, card.grade)] = card
    history.sort(key=lambda c: (c.profession, c.kind, c.grade, -c.effective_from.toordinal()))
    return [in_force[key] for key in sorted(in_force)], history
