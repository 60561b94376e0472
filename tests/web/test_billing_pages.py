"""The invoice pages: a client contact's own invoices (with PDF and CSV), the coordinators' invoicing run (a
preview that writes nothing, then issuing), every invoice with a client filter, and credit notes with their
form errors; in Welsh and English; members refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from coop.billing.models import Invoice
from coop.pay import service as pay_service
from tests.billing_builders import approved_timesheet, at
from tests.factories import make_client, make_member, make_user
from tests.web.conftest import post_form, sign_in

PERIOD = {"period_start": "2026-12-01", "period_end": "2026-12-31"}


@pytest.fixture
def books(session):
    pay_service.load_rate_cards(session=session)
    ward = make_client(session, kind="ward", name="Ward A4")
    other = make_client(session, kind="ward", name="Ward B2")
    nurse = make_member(session, with_user=True, email="nurse@tests.coop", name="Nia Nurse")
    approved_timesheet(session, client=ward, member=nurse, starts_at=at(2, 8))
    approved_timesheet(session, client=other, member=nurse, starts_at=at(3, 8))
    make_user(session, roles={"coordinator"}, email="coord@tests.coop")
    make_user(session, roles={"client"}, email="ward@tests.coop", client_id=ward.id)
    session.commit()
    return {"ward": ward.id, "other": other.id}


def _as(app, email: str) -> TestClient:
    client = TestClient(app)
    sign_in(client, email)
    return client


def _welsh(client: TestClient, path: str) -> None:
    post_form(client, "/language", {"lang": "cy", "next": path}, page=path)


def _issue(coordinator: TestClient) -> None:
    issued = post_form(coordinator, "/coordinator/invoicing", PERIOD, page="/coordinator/invoicing")
    assert issued.status_code == 200 and "Invoices and credit notes issued: 2." in issued.text


def _invoices(session) -> list[Invoice]:
    session.commit()  # end the read snapshot: the pages wrote through their own sessions
    return list(session.exec(select(Invoice).order_by(Invoice.number)).all())


def test_the_preview_shows_each_client_and_writes_nothing(app, books, session):
    coordinator = _as(app, "coord@tests.coop")
    page = coordinator.get("/coordinator/invoicing", params=PERIOD)
    assert page.status_code == 200
    assert "What would be issued" in page.text and "Ward A4" in page.text and "Ward B2" in page.text
    assert "Issue these invoices" in page.text and "Total of the run:" in page.text
    assert _invoices(session) == []


def test_issuing_from_the_page_makes_the_invoices_and_lists_them(app, books, session):
    coordinator = _as(app, "coord@tests.coop")
    _issue(coordinator)
    invoices = _invoices(session)
    assert sorted(invoice.client_id for invoice in invoices) == sorted(books.values())
    listed = coordinator.get("/coordinator/invoicing").text
    assert all(f"Invoice {invoice.number}" in listed for invoice in invoices)
    again = coordinator.get("/coordinator/invoicing", params=PERIOD).text
    assert "Nothing to invoice in these dates" in again


def test_the_coordinators_list_filters_by_client(app, books, session):
    coordinator = _as(app, "coord@tests.coop")
    _issue(coordinator)
    everything = coordinator.get("/coordinator/invoices").text
    assert "Ward A4" in everything and "Ward B2" in everything
    one = coordinator.get("/coordinator/invoices", params={"client": books["ward"]}).text
    assert '<td data-label="Client">Ward A4</td>' in one and '<td data-label="Client">Ward B2</td>' not in one
    assert coordinator.get("/coordinator/invoices", params={"client": "abc"}).status_code == 200


def test_a_bad_period_is_shown_beside_its_field_and_issues_nothing(app, books, session):
    coordinator = _as(app, "coord@tests.coop")
    backwards = coordinator.get(
        "/coordinator/invoicing", params={"period_start": "2026-12-31", "period_end": "2026-12-01"}
    )
    assert backwards.status_code == 422 and 'id="period_end-error"' in backwards.text
    garbled = post_form(
        coordinator, "/coordinator/invoicing", {"period_start": "soon", "period_end": ""}, page="/coordinator/invoicing"
    )
    assert garbled.status_code == 422 and 'id="period_start-error"' in garbled.text
    assert _invoices(session) == []


def test_a_client_sees_only_their_own_invoices_with_the_rate_split(app, books, session):
    _issue(_as(app, "coord@tests.coop"))
    mine, theirs = sorted(_invoices(session), key=lambda invoice: invoice.client_id != books["ward"])
    contact = _as(app, "ward@tests.coop")
    listed = contact.get("/client/invoices").text
    assert f"Invoice {mine.number}" in listed and f"Invoice {theirs.number}" not in listed
    page = contact.get(f"/client/invoices/{mine.id}")
    assert page.status_code == 200
    assert "Nia Nurse" in page.text and "Of every £1, " in page.text and "reached the worker." in page.text
    assert re.search(r"Of every £1, \d+p reached the worker", page.text)
    assert f'href="/client/invoices/{mine.id}/pdf"' in page.text
    assert "Issue a credit note" not in page.text
    refused = contact.get(f"/client/invoices/{theirs.id}")
    assert refused.status_code == 404 and "Nia Nurse" not in refused.text
    assert contact.get(f"/client/invoices/{theirs.id}/pdf").status_code == 404
    assert contact.get(f"/client/invoices/{theirs.id}/csv").status_code == 404


def test_the_pdf_and_csv_come_from_the_pages(app, books, session):
    _issue(_as(app, "coord@tests.coop"))
    mine = next(invoice for invoice in _invoices(session) if invoice.client_id == books["ward"])
    contact = _as(app, "ward@tests.coop")
    pdf = contact.get(f"/client/invoices/{mine.id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    table = contact.get(f"/client/invoices/{mine.id}/csv")
    assert table.headers["content-type"].startswith("text/csv")
    assert table.text.strip().splitlines()[-1].endswith(str(mine.total_pence))


def test_members_and_clients_are_refused_the_coordinators_pages(app, books, session):
    _issue(_as(app, "coord@tests.coop"))
    invoice = _invoices(session)[0]
    member = _as(app, "nurse@tests.coop")
    for path in (
        "/client/invoices",
        f"/client/invoices/{invoice.id}",
        "/coordinator/invoicing",
        "/coordinator/invoices",
    ):
        assert member.get(path).status_code == 403, path
    contact = _as(app, "ward@tests.coop")
    assert contact.get("/coordinator/invoicing").status_code == 403
    assert contact.get(f"/coordinator/invoices/{invoice.id}").status_code == 403


def test_a_credit_note_form_shows_its_errors_and_then_credits(app, books, session):
    coordinator = _as(app, "coord@tests.coop")
    _issue(coordinator)
    invoice = _invoices(session)[0]
    path = f"/coordinator/invoices/{invoice.id}"
    empty = post_form(coordinator, f"{path}/credit-notes", {"reason": " ", "amount": "lots"}, page=path)
    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.text and 'id="amount-error"' in empty.text
    too_much = post_form(coordinator, f"{path}/credit-notes", {"reason": "Wrong ward", "amount": "999999"}, page=path)
    assert too_much.status_code == 422 and 'id="amount-error"' in too_much.text and "Wrong ward" in too_much.text
    assert len(_invoices(session)) == 2
    done = post_form(coordinator, f"{path}/credit-notes", {"reason": "Wrong ward", "amount": "1.50"}, page=path)
    assert done.status_code == 200 and "Credit note " in done.text and "Wrong ward" in done.text
    note = _invoices(session)[-1]
    assert note.credits_invoice_id == invoice.id and note.total_pence == -150
    assert "Credited in part" in coordinator.get(path).text


def test_the_pages_in_welsh(app, books, session):
    coordinator = _as(app, "coord@tests.coop")
    _welsh(coordinator, "/coordinator/invoicing")
    preview = coordinator.get("/coordinator/invoicing", params=PERIOD).text
    assert "Beth fyddai'n cael ei gyhoeddi" in preview and "Cyhoeddi'r anfonebau hyn" in preview
    post_form(coordinator, "/coordinator/invoicing", PERIOD, page="/coordinator/invoicing")
    mine = next(invoice for invoice in _invoices(session) if invoice.client_id == books["ward"])
    assert "<h1>Anfonebau</h1>" in coordinator.get("/coordinator/invoices").text
    staff_view = coordinator.get(f"/coordinator/invoices/{mine.id}").text
    assert f"Anfoneb {mine.number}" in staff_view and "Cyhoeddi nodyn credyd" in staff_view
    contact = _as(app, "ward@tests.coop")
    _welsh(contact, "/client/invoices")
    assert "<h1>Anfonebau</h1>" in contact.get("/client/invoices").text
    view = contact.get(f"/client/invoices/{mine.id}").text
    assert "O bob £1, " in view and "Lawrlwytho'r PDF" in view


def test_the_pages_in_english(app, books, session):
    coordinator = _as(app, "coord@tests.coop")
    assert "<h1>Run invoicing</h1>" in coordinator.get("/coordinator/invoicing").text
    assert "<h1>Invoices</h1>" in coordinator.get("/coordinator/invoices").text
    contact = _as(app, "ward@tests.coop")
    assert "No invoices yet." in contact.get("/client/invoices").text


def test_a_coordinator_sets_a_clients_invoice_language_and_frequency(app, books, session):
    from coop.clients.models import Client

    coordinator = _as(app, "coord@tests.coop")
    path = f"/coordinator/clients/{books['ward']}"
    form = {
        "name": "Ward A4",
        "health_board": "Cardiff and Vale UHB",
        "site": "University Hospital of Wales",
        "language": "cy",
        "invoice_frequency": "weekly",
    }
    saved = post_form(coordinator, path, form, page=path)
    assert saved.status_code == 200 and 'value="cy" selected' in saved.text
    session.commit()
    ward = session.get(Client, books["ward"])
    session.refresh(ward)
    assert (ward.language, ward.invoice_frequency) == ("cy", "weekly")
    refused = post_form(coordinator, path, {**form, "invoice_frequency": "daily"}, page=path)
    assert refused.status_code == 422 and 'id="invoice_frequency-error"' in refused.text
