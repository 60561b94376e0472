"""Coordinators' money in: record a payment, import a bank statement (its errors shown by row and column),
allocate what is on account by hand, and the aged-debtors list. The same use-cases as the API
(`coop.billing.payments`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from sqlmodel import select

from coop.billing import payments
from coop.clients.models import Client
from coop.clock import today_local
from coop.errors import DomainError, InvalidInput
from coop.inputs import Id
from web import messages
from web.i18n import N_, fmt_money
from web.page import Csrf, Form, Page, PageRouter, role_page

router = PageRouter(prefix="/coordinator")
StaffPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]
MAX_CSV_BYTES = 2_000_000
RECORD_FIELDS = ("client_id", "received_on", "amount", "reference")

# Our own words for the fields a use-case names, so the message is in the page's language.
FIELD_MESSAGES = {
    "client_id": N_("Choose a client from the list, or leave it as not known."),
    "received_on": N_("Enter the day the money reached the bank: today or earlier."),
    "amount": N_("Enter an amount in pounds, like 1234.56."),
    "amount_pence": N_("The amount is more than is left of the payment or more than the invoice owes."),
    "invoice_id": N_("Choose one of this client's invoices that still owes money."),
    "as_of": N_("Enter a day from 1900 to 2100."),
}


def _message(page: Page, error: DomainError) -> str:
    field = getattr(error, "field", None)
    if field in FIELD_MESSAGES:
        return page._(FIELD_MESSAGES[field])
    return page._(messages.error_message(error))


def _pounds(text: str) -> int | None:
    try:
        pence = payments.parse_pounds(text)
    except ValueError:
        return None
    return pence if 0 < pence <= payments.MAX_PENCE else None


def _clients(page: Page) -> list[tuple[str, str]]:
    return [(str(c.id), c.name) for c in page.db.exec(select(Client).order_by(Client.name)).all()]


def _open_invoices(page: Page, client_id: int | None) -> list[tuple[str, str]]:
    names = {c.id: c.name for c in page.db.exec(select(Client)).all()}
    return [
        (
            str(invoice.id),
            page._(
                "Invoice %(number)s, %(client)s: %(owed)s owed",
                number=invoice.number,
                client=names.get(invoice.client_id, ""),
                owed=fmt_money(owed, page.lang),
            ),
        )
        for invoice, owed in payments.open_invoices(page.db, client_id)
    ]


def _payments_page(
    page: Page, *, values: dict[str, str] | None = None, allocating: dict[int, dict[str, str]] | None = None, **extra
):
    waiting = payments.list_payments(page.db, actor=page.actor, unallocated_only=True)
    names = {c.id: c.name for c in page.db.exec(select(Client)).all()}
    status = extra.pop("status_code", 200)
    return page.render(
        "payments/payments.html",
        status_code=status,
        values=values or {"received_on": today_local().isoformat()},
        clients=_clients(page),
        waiting=waiting,
        client_names=names,
        invoices={view.payment.id: _open_invoices(page, view.payment.client_id) for view in waiting},
        allocating=allocating or {},
        recent=payments.list_payments(page.db, actor=page.actor, limit=20),
        **extra,
    )


@router.get("/payments")
def payments_page(page: StaffPage):
    return _payments_page(page)


@router.post("/payments", dependencies=[Csrf])
def record(page: StaffPage, form: Form):
    values = {name: str(form.get(name) or "").strip() for name in RECORD_FIELDS}
    amount = _pounds(values["amount"])
    client_id = int(values["client_id"]) if values["client_id"].isdigit() and len(values["client_id"]) < 11 else None
    try:
        received_on = date.fromisoformat(values["received_on"])
    except ValueError:
        page.errors["received_on"] = page._(FIELD_MESSAGES["received_on"])
        received_on = None
    if amount is None:
        page.errors["amount"] = page._(FIELD_MESSAGES["amount"])
    if values["client_id"] and client_id is None:
        page.errors["client_id"] = page._(FIELD_MESSAGES["client_id"])
    if len(values["reference"]) > 300:
        page.errors["reference"] = page._("The reference is at most 300 characters.")
    if not page.errors:
        try:
            payment = payments.record_payment(
                session=page.db,
                actor=page.actor,
                client_id=client_id,
                received_on=received_on,
                amount_pence=amount,
                reference=values["reference"],
            )
        except DomainError as error:
            page.db.rollback()
            page.errors[getattr(error, "field", None) or "form"] = _message(page, error)
        else:
            view = payments.get_payment(page.db, actor=page.actor, payment_id=payment.id)
            if view.unallocated_pence:
                page.flash(
                    N_("The payment is recorded; %(left)s is on account to allocate."),
                    left=fmt_money(view.unallocated_pence, page.lang),
                )
            else:
                page.flash(N_("The payment is recorded and set against its invoices."))
            return page.redirect("/coordinator/payments")
    return _payments_page(page, values=values, status_code=422)


@router.post("/payments/import", dependencies=[Csrf])
def import_statement(page: StaffPage, form: Form):
    upload = form.get("statement")
    raw = upload.file.read(MAX_CSV_BYTES + 1) if hasattr(upload, "file") else b""
    if not raw or len(raw) > MAX_CSV_BYTES:
        page.errors["statement"] = page._("Choose a bank statement: a CSV file of at most 2 MB.")
        return _payments_page(page, status_code=422)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        page.errors["statement"] = page._("The statement is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.")
        return _payments_page(page, status_code=422)
    try:
        result = payments.import_statement_csv(session=page.db, actor=page.actor, csv_text=text)
    except InvalidInput as error:
        page.db.rollback()
        row, _dot, column = (error.field or "").removeprefix("row ").partition(".")
        page.errors["statement"] = page._(
            "Row %(row)s, column %(column)s is not right, so nothing was imported: %(detail)s",
            row=row,
            column=column,
            detail=error.detail,
        )
        return _payments_page(page, status_code=422)
    page.flash(
        N_("%(count)s payments imported; %(skipped)s money-out lines and %(already)s imported before were skipped."),
        count=len(result.payments),
        skipped=result.skipped_outgoing,
        already=result.already_imported,
    )
    return page.redirect("/coordinator/payments")


@router.post("/payments/{payment_id}/allocate", dependencies=[Csrf])
def allocate(page: StaffPage, payment_id: Id, form: Form):
    values = {name: str(form.get(name) or "").strip() for name in ("invoice_id", "amount")}
    prefix = f"p{payment_id}-"
    amount = _pounds(values["amount"])
    invoice_id = (
        int(values["invoice_id"]) if values["invoice_id"].isdigit() and len(values["invoice_id"]) < 11 else None
    )
    if invoice_id is None:
        page.errors[prefix + "invoice_id"] = page._(FIELD_MESSAGES["invoice_id"])
    if amount is None:
        page.errors[prefix + "amount"] = page._(FIELD_MESSAGES["amount"])
    if not page.errors:
        try:
            payments.allocate_payment(
                session=page.db, actor=page.actor, payment_id=payment_id, invoice_id=invoice_id, amount_pence=amount
            )
        except DomainError as error:
            page.db.rollback()
            field = getattr(error, "field", None)
            name = {"amount_pence": "amount"}.get(field, field)
            page.errors[prefix + name if name else "form"] = _message(page, error)
        else:
            page.flash(N_("The payment is set against the invoice."))
            return page.redirect("/coordinator/payments")
    return _payments_page(page, allocating={payment_id: values}, status_code=422)


@router.get("/debtors")
def debtors(page: StaffPage, as_of: str | None = None):
    day: date | None = None
    status = 200
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            page.errors["as_of"] = page._(FIELD_MESSAGES["as_of"])
            status = 422
    try:
        found = payments.aged_debtors(page.db, actor=page.actor, as_of=day)
    except InvalidInput as error:
        page.errors[error.field or "form"] = _message(page, error)
        found, status = payments.aged_debtors(page.db, actor=page.actor), 422
    columns: list[tuple[str, Any]] = [
        ("current_pence", N_("Current")),
        ("days_1_30_pence", N_("1 to 30 days")),
        ("days_31_60_pence", N_("31 to 60 days")),
        ("days_61_90_pence", N_("61 to 90 days")),
        ("days_over_90_pence", N_("Over 90 days")),
        ("on_account_pence", N_("On account")),
        ("total_pence", N_("Total")),
    ]
    return page.render("payments/debtors.html", status_code=status, debtors=found, columns=columns, as_of=as_of or "")
