"""The rate-card page: the cards in force today and every card, in Welsh and English; a coordinator adds a card
that applies from its date and never changes the card before it; bad input is shown beside its field; members,
client contacts and the board are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from coop.clock import today_local
from coop.pay import service as pay_service
from coop.pay.models import RateCard
from tests import factories
from tests.web.conftest import csrf_from, post_form, sign_in

PAGE = "/coordinator/rate-cards"


@pytest.fixture
def cards(session):
    return pay_service.load_rate_cards(session=session)


def _cards(app) -> int:
    with Session(app.state.engine) as fresh:
        return fresh.exec(select(func.count()).select_from(RateCard)).one()


def _coordinator(web, session):
    sign_in(web, factories.make_user(session, roles={"coordinator"}).email)


def _band5(**fields) -> dict:
    return {
        "profession": "nurse",
        "grade": "5",
        "kind": "hourly",
        "effective_from": (today_local() + timedelta(days=30)).isoformat(),
        "amount": "17.02",
        "saturday_bp": "30",
        "weekday_night_bp": "30",
        "sunday_bp": "60",
        "bank_holiday_bp": "60",
        "source": "Agenda for Change, next year",
    } | fields


def test_the_cards_in_force_and_their_history_render_in_english(web, session, cards):
    _coordinator(web, session)
    in_force = pay_service.card_in_force(session, "nurse", "5", today_local())
    response = web.get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert "In force today" in html and "Every card" in html and "Add a card" in html
    pounds = f"£{in_force.amount_pence // 100}.{in_force.amount_pence % 100:02d} an hour"
    assert pounds in html and "Saturday uplift: 30.00%" in html
    assert "Replaced" in html  # the shipped file holds earlier years' cards
    nurse_only = web.get(PAGE, params={"profession": "nurse"}).text
    assert "Supply teacher" not in nurse_only.split("In force today")[1]


def test_the_page_renders_in_welsh(web, session, cards):
    _coordinator(web, session)
    post_form(web, "/language", {"lang": "cy", "next": PAGE}, page=PAGE)
    html = web.get(PAGE).text
    assert '<html lang="cy">' in html and "Cardiau cyfraddau</h1>" in html
    assert "Mewn grym heddiw" in html and "yr awr" in html and "Ychwanegu'r cerdyn" in html


@pytest.mark.parametrize("role", ["member", "client", "board"])
def test_members_client_contacts_and_the_board_are_refused(web, app, session, cards, role):
    if role == "member":
        sign_in(web, factories.make_member(session, with_user=True).email)
    else:
        extra = {"client_id": factories.make_client(session).id} if role == "client" else {}
        sign_in(web, factories.make_user(session, roles={role}, **extra).email)
    count = _cards(app)
    assert web.get(PAGE).status_code == 403
    token = csrf_from(web.get("/sign-in").text)  # the session's own token: only the role stops the card
    assert web.post(PAGE, data=_band5() | {"csrf_token": token}).status_code == 403
    assert _cards(app) == count


def test_a_new_card_applies_from_its_date_and_the_old_one_stays_before_it(web, app, session, cards):
    _coordinator(web, session)
    today = today_local()
    before = pay_service.card_in_force(session, "nurse", "5", today)
    starts = today + timedelta(days=30)
    response = post_form(web, PAGE, _band5(effective_from=starts.isoformat()))
    assert response.status_code == 200 and response.url.path == PAGE
    assert "The card is added: it applies from" in response.text
    assert "From a later date" in response.text and "£17.02 an hour" in response.text
    with Session(app.state.engine) as fresh:
        assert pay_service.card_in_force(fresh, "nurse", "5", starts - timedelta(days=1)).id == before.id
        new = pay_service.card_in_force(fresh, "nurse", "5", starts)
        assert (new.amount_pence, new.sunday_bp, new.effective_from) == (1702, 6000, starts)
        kept = fresh.get(RateCard, before.id)
        assert (kept.amount_pence, kept.effective_from) == (before.amount_pence, before.effective_from)


def test_a_second_card_on_the_same_date_is_refused_beside_the_date(web, app, session, cards):
    _coordinator(web, session)
    assert post_form(web, PAGE, _band5()).status_code == 200
    count = _cards(app)
    response = post_form(web, PAGE, _band5(amount="18.00"))
    assert response.status_code == 422 and 'id="effective_from-error"' in response.text
    assert "Cards are never changed: add one from another date." in response.text
    assert 'value="18.00"' in response.text and _cards(app) == count


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "seventeen"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"sunday_bp": "sixty"}, "sunday_bp"),
        ({"grade": "M2"}, "grade"),
        ({"kind": "weekly"}, "kind"),
        ({"profession": ""}, "profession"),
        ({"effective_from": "next April"}, "effective_from"),
        ({"kind": "annual_salary", "divisor_days": "0", "profession": "supply_teacher", "grade": "M2"}, "divisor_days"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_writes_nothing(web, app, session, cards, fields, field):
    _coordinator(web, session)
    count = _cards(app)
    response = post_form(web, PAGE, _band5(**fields))
    assert response.status_code == 422, field
    assert f'id="{field}-error"' in response.text, field
    assert "Enter a valid value." not in response.text  # every refusal says what is wrong
    assert _cards(app) == count


def test_a_nul_in_any_field_is_refused_before_the_page_and_writes_nothing(web, app, session, cards):
    # web/page.py refuses a value no column can hold for every form at once (a 422 page); nothing is written.
    _coordinator(web, session)
    count = _cards(app)
    response = post_form(web, PAGE, _band5(source="AfC\x00"))
    assert response.status_code == 422
    assert _cards(app) == count
