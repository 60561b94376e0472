"""Client money over HTTP: invoicing runs (coordinators), invoices and credit notes, each as JSON, PDF and CSV.

A client contact sees only their own organisation's invoices (another's is 404); members get 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.openapi import errors
from coop.billing import documents
from coop.billing import service as billing
from coop.billing.models import Invoice, InvoiceLine
from coop.billing.schemas import MAX_ID, CreditNoteIn, InvoiceLinePublic, InvoicePublic, InvoicesPublic, InvoicingRunIn
from coop.clients.models import Client
from edge.deps import CurrentActor, SessionDep

router = APIRouter(tags=["billing"])
InvoiceId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _line(line) -> InvoiceLinePublic:
    return InvoiceLinePublic(
        description=line.description,
        amount_pence=line.amount_pence,
        worked_on=line.worked_on,
        member_name=line.member_name,
        minutes=line.minutes,
        kind=line.kind,
    )


def _public(invoice: Invoice, lines: list[InvoiceLine], outstanding: int | None = None) -> InvoicePublic:
    return InvoicePublic.model_validate(
        {**invoice.model_dump(), "outstanding_pence": outstanding, "lines": [_line(line) for line in lines]}
    )


def _draft_public(draft: billing.InvoiceDraft) -> InvoicePublic:
    return InvoicePublic(
        id=None,
        number=None,
        kind=draft.kind,
        client_id=draft.client_id,
        period_start=draft.period_start,
        period_end=draft.period_end,
        issued_on=None,
        total_pence=draft.total_pence,
        pay_pence=draft.total("pay_pence"),
        holiday_pence=draft.total("holiday_pence"),
        employer_ni_pence=draft.total("employer_ni_pence"),
        pension_pence=draft.total("pension_pence"),
        margin_pence=draft.total("margin_pence"),
        worker_pence=draft.worker_pence,
        agency_comparison_pence=draft.agency_pence,
        credits_invoice_id=draft.credits_invoice_id,
        lines=[
            InvoiceLinePublic(
                description=line.description,
                amount_pence=line.amount_pence,
                worked_on=line.worked_on,
                member_name=line.member_name,
                minutes=line.minutes,
                kind=line.kind,
            )
            for line in draft.lines
        ],
    )


@router.post("/invoicing-runs", response_model=InvoicesPublic, status_code=201)
def run_invoicing(body: InvoicingRunIn, actor: CurrentActor, session: SessionDep):
    """Issue the invoices (and credit notes for corrected timesheets) for the period; `preview` writes nothing."""
    made = billing.run_invoicing(
        session=session,
        actor=actor,
        period_start=body.period_start,
        period_end=body.period_end,
        preview=body.preview,
    )
    if body.preview:
        data = [_draft_public(draft) for draft in made]
    else:
        data = []
        for invoice in made:
            _invoice, lines = billing.get_invoice(session, actor=actor, invoice_id=invoice.id)
            data.append(_public(invoice, lines))
    return InvoicesPublic(data=data, count=len(data))


@router.get("/invoices", response_model=InvoicesPublic)
def list_invoices(actor: CurrentActor, session: SessionDep):
    data = [_public(invoice, lines) for invoice, lines in billing.list_invoices(session, actor=actor)]
    return InvoicesPublic(data=data, count=len(data))


@router.get("/invoices/{invoice_id}", response_model=InvoicePublic)
def get_invoice(invoice_id: InvoiceId, actor: CurrentActor, session: SessionDep):
    invoice, lines = billing.get_invoice(session, actor=actor, invoice_id=invoice_id)
    return _public(invoice, lines, billing.outstanding_pence(session, invoice))


def _document(session, actor, invoice_id: int) -> documents.InvoiceDocument:
    invoice, lines = billing.get_invoice(session, actor=actor, invoice_id=invoice_id)
    client = session.get(Client, invoice.client_id)
    credited = session.get(Invoice, invoice.credits_invoice_id) if invoice.credits_invoice_id else None
    return documents.build_document(
        invoice, lines, client_name=client.name, credits_number=credited.number if credited else None
    )


@router.get("/invoices/{invoice_id}/pdf", response_class=Response)
def invoice_pdf(invoice_id: InvoiceId, actor: CurrentActor, session: SessionDep):
    document = _document(session, actor, invoice_id)
    return Response(
        documents.render_pdf(document),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="invoice-{document.number}.pdf"'},
    )


@router.get("/invoices/{invoice_id}/csv", response_class=Response)
def invoice_csv(invoice_id: InvoiceId, actor: CurrentActor, session: SessionDep):
    document = _document(session, actor, invoice_id)
    return Response(
        documents.render_csv(document),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="invoice-{document.number}.csv"'},
    )


@router.post(
    "/invoices/{invoice_id}/credit-notes", response_model=InvoicePublic, status_code=201, responses=errors(409)
)
def credit_invoice(invoice_id: InvoiceId, body: CreditNoteIn, actor: CurrentActor, session: SessionDep):
    note = billing.issue_credit_note(
        session=session, actor=actor, invoice_id=invoice_id, reason=body.reason, amount_pence=body.amount_pence
    )
    _note, lines = billing.get_invoice(session, actor=actor, invoice_id=note.id)
    return _public(note, lines, note.total_pence)
