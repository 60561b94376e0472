"""Invoices on the web: a client contact's own invoices and credit notes, and the coordinators' invoicing run
(preview, then issue), every invoice with a client filter, and credit notes. PDF and CSV come from
coop.billing.documents, the same documents as the API's.

Every handler calls the billing use-cases, which check the role and that the invoice is the reader's own
(another client's invoice is the 404 page).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import Response
from pydantic import ValidationError

from coop.billing import documents
from coop.billing import service as billing
from coop.billing.models import CREDIT_NOTE, Invoice
from coop.billing.schemas import MAX_PENCE, InvoicingRunIn
from coop.clients import service as client_service
from coop.clock import today_local
from coop.errors import DomainError, InvalidInput, PermissionDenied
from coop.inputs import MAX_ID, Id
from web.i18n import N_
from web.page import Csrf, Form, Page, PageRouter, form_values, role_page
from web.present import translate_errors

router = PageRouter()
ClientPage = Annotated[Page, Depends(role_page("client"))]
StaffPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]
RECENT = 20
POUNDS = re.compile(r"^£?\s*(\d{1,9})(?:\.(\d{1,2}))?$")

# The form's own words for the billing use-cases' refusals, by field (the use-cases speak English).
FIELD_MESSAGES = {
    "reason": N_("Say why the invoice is credited."),
    "amount": N_("Enter an amount more than £0 and no more than what is left to credit on the invoice."),
    "period_start": N_("Enter the first day of the period."),
    "period_end": N_("The period ends on or after its first day, and covers at most a year."),
    # quote_work refuses a member with no grade, and so the whole run (coop/pay/service.py _require_grade).
    "grade": N_(  # noqa: E501 - one msgid
        "A member who worked in these dates has no grade, so the work cannot be priced: set it, then try again."
    ),
}


# Reading ------------------------------------------------------------------------------------------


def _client_names(page: Page, client_ids: set[int]) -> dict[int, str]:
    return {client_id: client_service.get_client(page.db, page.actor, client_id).name for client_id in client_ids}


def status_of(invoice: Invoice, owed_pence: int) -> str:
    """A word for where an invoice stands; what is owed is billing's own figure (payments come later)."""
    if invoice.kind == CREDIT_NOTE:
        return "credit_note"
    if owed_pence <= 0:
        return "credited"
    if owed_pence < invoice.total_pence:
        return "part_credited"
    return "issued"


STATUS_LABELS = {
    "credit_note": N_("Credit note"),
    "credited": N_("Credited in full"),
    "part_credited": N_("Credited in part"),
    "issued": N_("Issued"),
}


def _rows(page: Page, client_id: int | None = None) -> list[dict[str, Any]]:
    found = billing.list_invoices(page.db, actor=page.actor, client_id=client_id)
    names = _client_names(page, {invoice.client_id for invoice, _lines in found})
    rows = []
    for invoice, _lines in found:
        owed = billing.outstanding_pence(page.db, invoice) if invoice.kind != CREDIT_NOTE else 0
        status = status_of(invoice, owed)
        rows.append(
            {
                "invoice": invoice,
                "client_name": names[invoice.client_id],
                "owed_pence": owed,
                "status": status,
                "status_label": page._(STATUS_LABELS[status]),
            }
        )
    return rows


def _document(page: Page, invoice_id: int) -> tuple[Invoice, documents.InvoiceDocument, int]:
    invoice, lines = billing.get_invoice(page.db, actor=page.actor, invoice_id=invoice_id)
    client = client_service.get_client(page.db, page.actor, invoice.client_id)
    credited = (
        billing.get_invoice(page.db, actor=page.actor, invoice_id=invoice.credits_invoice_id)[0]
        if invoice.credits_invoice_id
        else None
    )
    document = documents.build_document(
        invoice, lines, client_name=client.name, credits_number=credited.number if credited else None
    )
    owed = billing.outstanding_pence(page.db, invoice) if invoice.kind != CREDIT_NOTE else 0
    return invoice, document, owed


def _invoice_page(page: Page, invoice_id: int, base: str, *, form: dict | None = None, status_code: int = 200):
    invoice, document, owed = _document(page, invoice_id)
    return page.render(
        "billing/invoice.html",
        status_code=status_code,
        invoice=invoice,
        heading=page._("Credit note %(number)s", number=invoice.number)
        if invoice.kind == CREDIT_NOTE
        else page._("Invoice %(number)s", number=invoice.number),
        document=document,
        owed_pence=owed,
        status_label=page._(STATUS_LABELS[status_of(invoice, owed)]),
        base=base,
        can_credit=base.startswith("/coordinator") and invoice.kind != CREDIT_NOTE and owed > 0,
        form=form or {"reason": "", "amount": ""},
    )


def _pdf(page: Page, invoice_id: int) -> Response:
    _invoice, document, _owed = _document(page, invoice_id)
    return Response(
        documents.render_pdf(document),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="invoice-{document.number}.pdf"'},
    )


def _csv(page: Page, invoice_id: int) -> Response:
    _invoice, document, _owed = _document(page, invoice_id)
    return Response(
        documents.render_csv(document),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="invoice-{document.number}.csv"'},
    )


# A client contact's own invoices -----------------------------------------------------------------


def _own_client(page: Page) -> int:
    if page.actor.client_id is None:
        raise PermissionDenied("This sign-in is not linked to a client.")
    return page.actor.client_id


@router.get("/client/invoices")
def client_invoices(page: ClientPage):
    _own_client(page)
    return page.render("billing/client_invoices.html", rows=_rows(page))


@router.get("/client/invoices/{invoice_id}")
def client_invoice(page: ClientPage, invoice_id: Id):
    _own_client(page)
    return _invoice_page(page, invoice_id, "/client/invoices")


@router.get("/client/invoices/{invoice_id}/pdf", response_class=Response)
def client_invoice_pdf(page: ClientPage, invoice_id: Id):
    _own_client(page)
    return _pdf(page, invoice_id)


@router.get("/client/invoices/{invoice_id}/csv", response_class=Response)
def client_invoice_csv(page: ClientPage, invoice_id: Id):
    _own_client(page)
    return _csv(page, invoice_id)


# Coordinators: the invoicing run ------------------------------------------------------------------


def last_month(today: date) -> tuple[date, date]:
    """The calendar month before today's: the usual period to invoice."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _period(page: Page, values: dict[str, str]) -> InvoicingRunIn | None:
    try:
        return InvoicingRunIn.model_validate(
            {"period_start": values["period_start"] or None, "period_end": values["period_end"] or None}
        )
    except ValidationError as error:
        translate_errors(page, error)
        for field in ("period_start", "period_end"):
            if field in page.errors:
                page.errors[field] = page._(FIELD_MESSAGES[field])
        return None


def _refused(page: Page, error: DomainError) -> None:
    """A use-case's refusal shown beside its field, in the page's language."""
    field = getattr(error, "field", None)
    field = "amount" if field == "amount_pence" else field
    if isinstance(error, InvalidInput) and field in FIELD_MESSAGES:
        page.errors["form" if field == "grade" else field] = page._(FIELD_MESSAGES[field])
    else:
        page.fail(error)


def _run_page(page: Page, values: dict[str, str], *, preview: list | None = None, status_code: int = 200):
    names = _client_names(page, {draft.client_id for draft in preview or []})
    drafts = [
        {
            "draft": draft,
            "client_name": names[draft.client_id],
            "is_credit_note": draft.kind == CREDIT_NOTE,
        }
        for draft in preview or []
    ]
    return page.render(
        "billing/invoicing.html",
        status_code=status_code,
        values=values,
        preview=preview,
        drafts=drafts,
        preview_total=sum(draft.total_pence for draft in preview or []),
        recent=_rows(page)[:RECENT],
    )


@router.get("/coordinator/invoicing")
def invoicing(page: StaffPage, period_start: str | None = None, period_end: str | None = None):
    """The period form; with a period, the preview of what a run would issue (it writes nothing)."""
    if period_start is None and period_end is None:
        first, last = last_month(today_local())
        return _run_page(page, {"period_start": first.isoformat(), "period_end": last.isoformat()})
    values = {"period_start": (period_start or "").strip()[:20], "period_end": (period_end or "").strip()[:20]}
    period = _period(page, values)
    if period is None:
        return _run_page(page, values, status_code=422)
    try:
        drafts = billing.run_invoicing(
            session=page.db,
            actor=page.actor,
            period_start=period.period_start,
            period_end=period.period_end,
            preview=True,
        )
    except InvalidInput as error:
        _refused(page, error)
        return _run_page(page, values, status_code=422)
    return _run_page(page, values, preview=[draft for draft in drafts if draft.lines])


@router.post("/coordinator/invoicing", dependencies=[Csrf])
def issue(page: StaffPage, form: Form):
    values = form_values(form, ("period_start", "period_end"))
    period = _period(page, values)
    if period is not None:
        try:
            issued = billing.run_invoicing(
                session=page.db, actor=page.actor, period_start=period.period_start, period_end=period.period_end
            )
        except DomainError as error:
            page.db.rollback()
            _refused(page, error)
        else:
            page.flash(N_("Invoices and credit notes issued: %(count)s."), count=len(issued))
            return page.redirect("/coordinator/invoicing")
    return _run_page(page, values, status_code=422)


# Coordinators: every invoice, one invoice, credit notes -------------------------------------------


def _client_filter(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_ID else None


@router.get("/coordinator/invoices")
def all_invoices(page: StaffPage, client: str | None = None):
    client_id = _client_filter(client)
    clients, _count = client_service.list_clients(page.db, page.actor, limit=500)
    return page.render(
        "billing/invoices.html",
        rows=_rows(page, client_id),
        client_options=[(str(row.id), row.name) for row in clients],
        chosen=str(client_id) if client_id else "",
    )


@router.get("/coordinator/invoices/{invoice_id}")
def staff_invoice(page: StaffPage, invoice_id: Id):
    return _invoice_page(page, invoice_id, "/coordinator/invoices")


@router.get("/coordinator/invoices/{invoice_id}/pdf", response_class=Response)
def staff_invoice_pdf(page: StaffPage, invoice_id: Id):
    return _pdf(page, invoice_id)


@router.get("/coordinator/invoices/{invoice_id}/csv", response_class=Response)
def staff_invoice_csv(page: StaffPage, invoice_id: Id):
    return _csv(page, invoice_id)


def pence_from_pounds(text: str) -> int | None:
    """'12.5' or '£12.50' as 1250 pence, with no float; None when it is not an amount."""
    match = POUNDS.match(text.replace(",", ""))
    if match is None:
        return None
    pence = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    return pence if pence <= MAX_PENCE else None


@router.post("/coordinator/invoices/{invoice_id}/credit-notes", dependencies=[Csrf])
def credit(page: StaffPage, invoice_id: Id, form: Form):
    values = form_values(form, ("reason", "amount"))
    reason = " ".join(values["reason"].split())
    if not reason or len(reason) > 300:
        page.errors["reason"] = page._(FIELD_MESSAGES["reason"])
    amount = None
    if values["amount"]:
        amount = pence_from_pounds(values["amount"])
        if not amount:
            page.errors["amount"] = page._(FIELD_MESSAGES["amount"])
    if not page.errors:
        try:
            note = billing.issue_credit_note(
                session=page.db, actor=page.actor, invoice_id=invoice_id, reason=reason, amount_pence=amount
            )
        except InvalidInput as error:  # a missing or closed invoice is the error page, as anywhere
            page.db.rollback()
            _refused(page, error)
        else:
            page.flash(N_("Credit note %(number)s issued."), number=note.number)
            return page.redirect(f"/coordinator/invoices/{note.id}")
    return _invoice_page(page, invoice_id, "/coordinator/invoices", form=values, status_code=422)
