"""Rate cards over HTTP: coordinators add a card from a date and it applies from that date, never rewriting the
card before it; the board reads them; members and client contacts are refused; bad input is a 422 naming the
field and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from coop.pay import service as pay_service
from coop.pay.models import RateCard
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for


@pytest.fixture
def people(session):
    ward = make_client(session, kind="ward", name="Ward A4")
    nurse = make_member(session, with_user=True, email="nurse@tests.coop")
    people = dict(
        coordinator=bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop")),
        board=bearer(make_user(session, roles={"board"}, email="board@tests.coop")),
        member=bearer(user_for(session, nurse)),
        client=bearer(make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)),
    )
    session.commit()
    pay_service.load_rate_cards(session=session)
    return people


def _band5(**overrides) -> dict:
    return {
        "profession": "nurse",
        "grade": "5",
        "kind": "hourly",
        "effective_from": "2027-04-01",
        "amount_pence": 1702,
        "saturday_bp": 3000,
        "weekday_night_bp": 3000,
        "sunday_bp": 6000,
        "bank_holiday_bp": 6000,
        "source": "Agenda for Change 2027/28",
    } | overrides


def _count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(RateCard)).one()


def _band5_hourly(cards: list[dict]) -> list[dict]:
    return [c for c in cards if (c["profession"], c["grade"], c["kind"]) == ("nurse", "5", "hourly")]


def test_a_new_card_applies_from_its_date_and_the_old_one_stays_before_it(api, people, session):
    made = api.post("/api/rate-cards", json=_band5(), headers=people["coordinator"])
    assert made.status_code == 201, made.text
    assert made.json()["amount_pence"] == 1702 and made.json()["created_by_user_id"] is not None

    before = api.get("/api/rate-cards?profession=nurse&on=2027-03-31", headers=people["coordinator"]).json()
    on = api.get("/api/rate-cards?profession=nurse&on=2027-04-01", headers=people["coordinator"]).json()
    assert [c["amount_pence"] for c in _band5_hourly(before["in_force"])] == [1640]
    assert [c["amount_pence"] for c in _band5_hourly(on["in_force"])] == [1702]
    # The history keeps every card, newest first, the earlier ones as they were.
    assert [c["amount_pence"] for c in _band5_hourly(on["history"])] == [1702, 1640, 1588]
    assert {c["profession"] for c in on["history"]} == {"nurse"} and on["count"] == len(on["history"])
    # One card in force per profession, grade and kind.
    keys = [(c["profession"], c["grade"], c["kind"]) for c in on["in_force"]]
    assert len(keys) == len(set(keys))


def test_a_second_card_for_the_same_key_and_date_is_refused(api, people, session):
    assert api.post("/api/rate-cards", json=_band5(), headers=people["coordinator"]).status_code == 201
    count = _count(session)
    again = api.post("/api/rate-cards", json=_band5(amount_pence=9999), headers=people["coordinator"])
    assert again.status_code == 409 and again.json()["code"] == "rate_card_exists"
    assert _count(session) == count


def test_the_board_reads_the_cards_but_may_not_add_one(api, people, session):
    count = _count(session)
    assert api.get("/api/rate-cards", headers=people["board"]).status_code == 200
    assert api.post("/api/rate-cards", json=_band5(), headers=people["board"]).status_code == 403
    assert _count(session) == count


@pytest.mark.parametrize("who", ["member", "client"])
def test_members_and_client_contacts_may_not_read_or_add_cards(api, people, session, who):
    count = _count(session)
    assert api.get("/api/rate-cards", headers=people[who]).status_code == 403
    assert api.post("/api/rate-cards", json=_band5(), headers=people[who]).status_code == 403
    assert _count(session) == count


def test_no_token_is_401(api):
    assert api.get("/api/rate-cards").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_band5(amount_pence=-1), "amount_pence"),
        (_band5(amount_pence=10**11 + 1), "amount_pence"),
        (_band5(amount_pence=17.5), "amount_pence"),
        (_band5(effective_from="1 April"), "effective_from"),
        (_band5(profession="wizard"), "profession"),
        (_band5(source="AfC\x00"), "source"),
        (_band5(grade="x" * 11), "grade"),
        (_band5(kind="weekly"), "kind"),
        (_band5(grade="M2"), "grade"),
        ({k: v for k, v in _band5().items() if k != "amount_pence"}, "body"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(api, people, session, body, field):
    count = _count(session)
    refused = api.post("/api/rate-cards", json=body, headers=people["coordinator"])
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == field
    assert _count(session) == count


def test_bad_query_parameters_are_a_422_naming_them(api, people):
    for query, field in (("on=tomorrow", "on"), ("profession=wizard", "profession")):
        refused = api.get(f"/api/rate-cards?{query}", headers=people["coordinator"])
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field
