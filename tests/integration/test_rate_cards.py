"""Rate cards in the database (SQLite and PostgreSQL): loading the shipped file, the card in force on a date,
coordinators adding cards, and quotes that keep the card they were priced with."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func
from sqlmodel import select

from coop.access import Actor
from coop.clock import LONDON
from coop.enums import Role
from coop.errors import Conflict, InvalidInput, PermissionDenied
from coop.pay import service
from coop.pay.models import RateCard
from coop.pay.schemas import RateCardCreate

COORDINATOR = Actor(user_id=None, roles=frozenset({Role.coordinator}), name="coordinator")
MEMBER = Actor(user_id=None, roles=frozenset({Role.member}), member_id=1, name="member")


def floor_on(session, on_date: date) -> int | None:
    return service.card_in_force(session, "care_worker", "2", on_date, kind="floor_hourly").amount_pence


def count_cards(session) -> int:
    return session.exec(select(func.count()).select_from(RateCard)).one()


def test_loading_the_shipped_rate_cards_twice_adds_them_once(session):
    shipped = service.read_rate_cards_file()
    assert service.load_rate_cards(session=session) == len(shipped) > 0
    assert count_cards(session) == len(shipped)
    assert service.load_rate_cards(session=session) == 0
    assert count_cards(session) == len(shipped)


def test_the_card_in_force_is_the_latest_that_started_on_or_before_the_date(session):
    service.load_rate_cards(session=session)
    # Band 5: £15.88 from 1 Apr 2025, £16.40 from 1 Apr 2026 (RULES §4.2).
    assert service.card_in_force(session, "nurse", "5", date(2026, 3, 31)).amount_pence == 1588
    assert service.card_in_force(session, "nurse", "5", date(2026, 4, 1)).amount_pence == 1640
    # The RLW floor for every care grade: £12.60, then £13.45 from 1 May 2026 (RULES §4.4).
    assert floor_on(session, date(2026, 4, 30)) == 1260
    assert floor_on(session, date(2026, 5, 1)) == 1345
    teacher = service.card_in_force(session, "supply_teacher", "M2", date(2026, 12, 1))
    assert (teacher.amount_pence, teacher.divisor_days) == (3_373_000, 195)
    assert service.card_in_force(session, "nurse", "5", date(2026, 4, 1), kind="on_costs").holiday_bp == 1207


def test_pricing_without_a_card_is_refused_naming_the_grade(session):
    service.load_rate_cards(session=session)
    with pytest.raises(InvalidInput) as refused:
        service.card_in_force(session, "care_worker", "4", date(2026, 6, 1))
    assert (refused.value.field, refused.value.code) == ("grade", "no_rate_card")
    with pytest.raises(InvalidInput):
        service.card_in_force(session, "nurse", "5", date(2024, 12, 31))


def test_a_new_card_applies_from_its_date_and_leaves_an_earlier_priced_lookup_alone(session):
    service.load_rate_cards(session=session)
    night = (datetime(2026, 10, 24, 20, tzinfo=LONDON), datetime(2026, 10, 25, 8, tzinfo=LONDON))
    priced = service.quote_work(
        session=session, profession="nurse", grade="5", started_at=night[0], ended_at=night[1], break_minutes=30
    )
    assert priced.pay_pence == 31078  # as hand-computed in tests/unit/test_pay_rules.py
    first_card = priced.pay_lines[0].card_id

    added = service.add_rate_card(
        session=session,
        actor=COORDINATOR,
        data=RateCardCreate(
            profession="nurse",
            grade="5",
            kind="hourly",
            amount_pence=1700,
            saturday_bp=3000,
            weekday_night_bp=3000,
            sunday_bp=6000,
            bank_holiday_bp=6000,
            effective_from=date(2026, 11, 1),
            source="a client's rate card from November",
        ),
    )
    again = service.quote_work(
        session=session, profession="nurse", grade="5", started_at=night[0], ended_at=night[1], break_minutes=30
    )
    assert again.pay_lines[0].card_id == first_card != added.id
    assert again.pay_pence == priced.pay_pence
    assert session.get(RateCard, first_card).amount_pence == 1640
    later = service.card_in_force(session, "nurse", "5", date(2026, 11, 1))
    assert later.id == added.id


def test_a_card_already_starting_that_day_is_not_replaced(session):
    service.load_rate_cards(session=session)
    data = RateCardCreate(
        profession="care_worker",
        grade="*",
        kind="floor_hourly",
        amount_pence=1400,
        effective_from=date(2026, 5, 1),
    )
    with pytest.raises(Conflict):
        service.add_rate_card(session=session, actor=COORDINATOR, data=data)
    session.rollback()
    assert floor_on(session, date(2026, 5, 1)) == 1345


def test_only_coordinators_add_rate_cards(session):
    data = RateCardCreate(
        profession="nurse", grade="7", kind="hourly", amount_pence=2600, effective_from=date(2027, 4, 1)
    )
    with pytest.raises(PermissionDenied):
        service.add_rate_card(session=session, actor=MEMBER, data=data)
    assert count_cards(session) == 0


def test_a_care_visit_priced_from_the_cards_is_lifted_to_the_new_real_living_wage(session):
    service.load_rate_cards(session=session)
    # Level 2's shipped card is £12.60; from 1 May 2026 the floor is £13.45. 3 h visit + 30 min travel:
    # 1345 x 3 = 4035 and 672.5 -> 673.
    quote = service.quote_work(
        session=session,
        profession="care_worker",
        grade="2",
        started_at=datetime(2026, 6, 1, 9, tzinfo=LONDON),
        ended_at=datetime(2026, 6, 1, 12, tzinfo=LONDON),
        break_minutes=0,
        travel_minutes=30,
    )
    floor = service.card_in_force(session, "care_worker", "2", date(2026, 6, 1), kind="floor_hourly")
    assert [(line.kind, line.amount_pence, line.card_id) for line in quote.pay_lines] == [
        ("pay", 4035, floor.id),
        ("travel", 673, floor.id),
    ]
    # The private agency's £25 an hour for 3.5 h: 8750.
    assert quote.agency_comparison_pence == 8750


def test_a_late_school_cancellation_is_half_the_daily_rate(session):
    service.load_rate_cards(session=session)
    quote = service.quote_late_cancellation(
        session=session,
        profession="supply_teacher",
        grade="M2",
        on_date=date(2026, 12, 1),
        charge_minutes=195,
        school_day_minutes=390,
    )
    # £33,730 / 195 / 2 = 8648.72 -> 8649; the private agency's half of £200: 10000.
    assert quote.pay_pence == 8649
    assert quote.agency_comparison_pence == 10_000


def test_a_coordinators_card_names_its_missing_fields():
    with pytest.raises(ValueError, match="divisor_days"):
        RateCardCreate(
            profession="supply_teacher", grade="M3", kind="annual_salary", amount_pence=3_600_000,
            effective_from=date(2026, 9, 1),
        )  # fmt: skip
    with pytest.raises(ValueError, match="grade"):
        RateCardCreate(profession="nurse", grade="M3", kind="hourly", amount_pence=1, effective_from=date(2026, 9, 1))
