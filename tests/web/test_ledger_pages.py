"""The books' pages: coordinators and the board read the trial balance, statements and margins in Welsh and
English; coordinators post a manual journal (the domain's errors beside the rows) and import journals from a
CSV (a bad row named, nothing written); members and client contacts are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from coop.access import SYSTEM
from coop.ledger import service as ledger_service
from coop.ledger.models import JournalEntry
from coop.ledger.rules import Line
from tests import factories
from tests.web.conftest import csrf_from, post_form, sign_in

BOOKS = "/coordinator/ledger"
NEW = "/coordinator/ledger/journals/new"
IMPORT = "/coordinator/ledger/import"
AS_AT = {"as_of": "2026-12-31", "start": "2026-04-01", "end": "2027-03-31"}


def _entries(app) -> int:
    with Session(app.state.engine) as fresh:
        return fresh.exec(select(func.count()).select_from(JournalEntry)).one()


def _sign_in_as(web, session, role: str, **kw):
    user = factories.make_user(session, roles={role}, **kw)
    sign_in(web, user.email)
    return user


@pytest.fixture
def books(session):
    """Shares bought, and a ward invoiced for a nurse's shift and the nurse paid for it."""
    ward = factories.make_client(session, kind="ward", name="Ward Dewi Sant")
    lines = [Line("1000", 50_000), Line("3000", -50_000)]
    ledger_service.post_manual_journal(session, actor=SYSTEM, entry_date=date(2026, 5, 1), reason="Shares", lines=lines)
    invoice = [Line("1100", 30_000, ward.id, None, "nurse"), Line("4010", -30_000, ward.id, None, "nurse")]
    ledger_service.post_manual_journal(
        session, actor=SYSTEM, entry_date=date(2026, 6, 1), reason="Invoice", lines=invoice
    )
    pay = [Line("5000", 20_000, ward.id, None, "nurse"), Line("2120", -20_000)]
    ledger_service.post_manual_journal(session, actor=SYSTEM, entry_date=date(2026, 6, 2), reason="Pay", lines=pay)
    return ward


def test_the_books_render_in_english_with_totals_that_net(web, session, books):
    _sign_in_as(web, session, "coordinator")
    response = web.get(BOOKS, params=AS_AT)
    assert response.status_code == 200
    html = response.text
    assert "Trial balance on 31 Dec 2026" in html and "1000 Bank current account" in html
    # Debits 500 + 300 + 200 = credits 500 + 300 + 200: the totals row shows both as £1,000.00.
    assert html.count("<strong>£1,000.00</strong>") == 2 and "The debits and credits agree." in html
    assert "Surplus: £100.00" in html and "The balance sheet balances." in html
    assert "Ward Dewi Sant" in html and "Nurse" in html  # margins by client and by profession
    assert "/coordinator/ledger/export.beancount" in html and NEW in html and IMPORT in html


def test_the_books_render_in_welsh_with_the_charts_welsh_names(web, session, books):
    _sign_in_as(web, session, "coordinator")
    post_form(web, "/language", {"lang": "cy", "next": BOOKS}, page=BOOKS)
    html = web.get(BOOKS, params=AS_AT).text
    assert '<html lang="cy">' in html
    assert "1000 Cyfrif banc cyfredol" in html and "4010 Incwm nyrsio" in html
    assert "Bank current account" not in html
    assert "Mantolen brawf" in html and "£1,000.00" in html


def test_the_beancount_export_downloads_from_the_page(web, session, books):
    _sign_in_as(web, session, "board")
    response = web.get("/coordinator/ledger/export.beancount")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    assert response.text.count("  entry_id: ") == 3


def test_the_board_reads_the_books_but_may_not_post_journals(web, session, books):
    _sign_in_as(web, session, "board")
    html = web.get(BOOKS, params=AS_AT).text
    assert "Trial balance" in html and NEW not in html and IMPORT not in html
    assert web.get(NEW).status_code == 403 and web.get(IMPORT).status_code == 403


@pytest.mark.parametrize("role", ["member", "client"])
def test_members_and_client_contacts_are_refused(web, app, session, books, role):
    extra = {"client_id": books.id} if role == "client" else {}
    if role == "member":
        member = factories.make_member(session, with_user=True)
        sign_in(web, member.email)
    else:
        _sign_in_as(web, session, role, **extra)
    for path in (BOOKS, NEW, IMPORT, "/coordinator/ledger/export.beancount"):
        assert web.get(path).status_code == 403, path
    token = csrf_from(web.get("/sign-in").text)
    refused = web.post(NEW, data={"csrf_token": token, "date": "2026-12-01", "reason": "x", "account-0": "1000"})
    assert refused.status_code == 403 and _entries(app) == 3


def test_a_bad_date_in_the_address_is_shown_beside_its_field(web, session):
    _sign_in_as(web, session, "coordinator")
    response = web.get(BOOKS, params={"as_of": "31/12/2026", "start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 422
    assert 'id="as_of-error"' in response.text and 'id="end-error"' in response.text


def _journal(**rows) -> dict:
    return {"date": "2026-12-01", "reason": "Members buy shares", "description": ""} | rows


def test_a_balanced_journal_is_posted(web, app, session):
    _sign_in_as(web, session, "coordinator")
    form = web.get(NEW).text
    assert 'name="account-3"' in form and 'name="account-4"' not in form  # four rows to start
    assert 'name="account-7"' in web.get(NEW, params={"rows": "8"}).text
    data = _journal(**{"account-0": "1000", "debit-0": "1,250.5", "account-1": "3000", "credit-1": "£1250.50"})
    response = post_form(web, NEW, data)
    assert response.status_code == 200 and response.url.path == BOOKS
    assert "is posted." in response.text and _entries(app) == 1
    with Session(app.state.engine) as fresh:
        entry = fresh.exec(select(JournalEntry)).one()
        assert entry.reason == "Members buy shares"
        assert [line.amount_pence for line in ledger_service.entry_lines(fresh, entry.id)] == [125_050, -125_050]


def test_an_unbalanced_journal_is_refused_with_the_totals_beside_the_rows(web, app, session):
    _sign_in_as(web, session, "coordinator")
    data = _journal(**{"account-0": "1000", "debit-0": "100", "account-1": "3000", "credit-1": "99.99"})
    response = post_form(web, NEW, data)
    assert response.status_code == 422 and _entries(app) == 0
    assert 'id="postings-error"' in response.text
    assert "The rows do not balance: the debits come to £100.00 and the credits to £99.99." in response.text
    assert 'value="99.99"' in response.text  # what was typed is kept


def test_each_bad_row_is_named_beside_its_field(web, app, session):
    _sign_in_as(web, session, "coordinator")
    data = _journal(
        reason="",
        **{"account-0": "1000", "debit-0": "ten pounds", "account-1": "", "credit-1": "5", "account-2": "7000"},
    )
    response = post_form(web, NEW, data)
    assert response.status_code == 422 and 'id="debit-0-error"' in response.text
    assert "Enter an amount in pounds, like 12.50." in response.text
    data = _journal(reason="", **{"account-0": "1000", "debit-0": "5", "credit-0": "5", "account-1": "3000"})
    response = post_form(web, NEW, data)
    assert response.status_code == 422
    assert 'id="reason-error"' in response.text and 'id="debit-0-error"' in response.text
    assert 'id="debit-1-error"' in response.text  # row 1 has an account but neither a debit nor a credit
    data = _journal(**{"account-0": "1000", "debit-0": "5", "account-1": "3000", "credit-1": "5"}, date="")
    assert 'id="date-error"' in post_form(web, NEW, data).text
    # A NUL is refused for every form before the page (web/page.py), as a 422 page, writing nothing.
    data = _journal(**{"account-0": "1000", "debit-0": "5", "account-1": "3000", "credit-1": "5"}, reason="a\x00b")
    assert post_form(web, NEW, data).status_code == 422
    assert _entries(app) == 0


def test_a_journal_with_one_row_needs_another(web, app, session):
    _sign_in_as(web, session, "coordinator")
    response = post_form(web, NEW, _journal(**{"account-0": "1000", "debit-0": "5"}))
    assert response.status_code == 422 and "A journal needs at least two rows." in response.text
    assert _entries(app) == 0


CSV_HEAD = "journal,date,account,debit_pence,credit_pence,reason\n"


def _upload(web, text: str, name: str = "journals.csv"):
    token = csrf_from(web.get(IMPORT).text)
    return web.post(IMPORT, data={"csrf_token": token}, files={"file": (name, text.encode(), "text/csv")})


def test_journals_are_imported_from_a_csv(web, app, session):
    _sign_in_as(web, session, "coordinator")
    text = (
        CSV_HEAD
        + "a,2026-12-01,1000,500,,Shares\na,2026-12-01,3000,,500,\n"
        + "b,2026-12-02,7100,120,,Laptop\nb,2026-12-02,1000,,120,\n"
    )
    response = _upload(web, text)
    assert response.status_code == 200 and response.url.path == BOOKS
    assert "Journals imported: 2." in response.text and _entries(app) == 2


def test_a_bad_row_is_named_and_nothing_is_imported(web, app, session):
    _sign_in_as(web, session, "coordinator")
    text = CSV_HEAD + "a,2026-12-01,1000,500,,Shares\na,2026-12-01,9999,,500,\n"
    response = _upload(web, text)
    assert response.status_code == 422 and 'id="file-error"' in response.text
    assert "Row 3, column account: there is no such account in the chart. Nothing was imported." in response.text
    unbalanced = CSV_HEAD + "a,2026-12-01,1000,500,,Shares\na,2026-12-01,3000,,400,\n"
    response = _upload(web, unbalanced)
    assert "The journal starting on row 2 is refused: its rows do not balance." in response.text
    assert _upload(web, "\xff".encode("latin-1").decode("latin-1")).status_code == 422
    token = csrf_from(web.get(IMPORT).text)
    assert web.post(IMPORT, data={"csrf_token": token}).status_code == 422  # no file chosen
    assert _entries(app) == 0


def test_the_import_page_renders_in_welsh(web, session):
    _sign_in_as(web, session, "coordinator")
    post_form(web, "/language", {"lang": "cy", "next": IMPORT}, page=IMPORT)
    html = web.get(IMPORT).text
    assert '<html lang="cy">' in html and "Mewnforio cyfnodolion" in html
    assert "Postio cyfnodolyn" in web.get(NEW).text
