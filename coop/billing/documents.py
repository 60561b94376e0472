"""An invoice or credit note as a document: one data structure, rendered as HTML, as PDF (WeasyPrint, from that
same HTML) and as CSV, in the client's language (the `billing` catalogue, coop/locale/cy).

The domain may not import Jinja2, so the HTML is built here with `html.escape` and `string.Template`;
WeasyPrint only turns HTML into PDF.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from string import Template

from coop.billing import rules
from coop.billing.models import CREDIT_NOTE, Invoice, InvoiceLine
from coop.i18n import translations


def _gettext(language: str):
    return translations(language if language in ("en", "cy") else "en", "billing").gettext


def pounds(pence: int) -> str:
    """£ with two decimals from integer pence, at the edge only (no float): -£1.05 for -105."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


@dataclass(frozen=True)
class DocumentLine:
    worked_on: str
    member: str
    hours: str
    bands: str
    description: str
    amount_pence: int


@dataclass(frozen=True)
class InvoiceDocument:
    language: str
    title: str
    number: int
    client_name: str
    issued_on: str
    period: str
    credits_number: int | None
    reason: str | None
    lines: tuple[DocumentLine, ...]
    total_pence: int
    split: tuple[tuple[str, int], ...]  # (label, pence), in the order the charge is built (RULES §0.19)
    worker_pence: int
    agency_pence: int
    labels: dict[str, str]

    @property
    def worker_pence_of_each_pound(self) -> int:
        return rules.pence_of_each_pound(self.worker_pence, self.total_pence)

    @property
    def saving_pence(self) -> int:
        return rules.saving(self.agency_pence, self.total_pence)


LABELS = (
    "Invoice number",
    "Credits invoice",
    "Issued on",
    "Period",
    "To",
    "Date",
    "Member",
    "Hours",
    "Bands",
    "Description",
    "Amount",
    "Total",
    "Where your money goes",
    "Reason",
)


def build_document(
    invoice: Invoice, lines: Sequence[InvoiceLine], *, client_name: str, credits_number: int | None = None
) -> InvoiceDocument:
    _ = _gettext(invoice.language)
    return InvoiceDocument(
        language=invoice.language,
        title=_("Credit note") if invoice.kind == CREDIT_NOTE else _("Invoice"),
        number=invoice.number,
        client_name=client_name,
        issued_on=invoice.issued_on.isoformat(),
        period=f"{invoice.period_start.isoformat()} – {invoice.period_end.isoformat()}",
        credits_number=credits_number,
        reason=invoice.reason,
        lines=tuple(
            DocumentLine(
                worked_on=line.worked_on.isoformat(),
                member=line.member_name,
                hours=f"{line.minutes // 60}:{line.minutes % 60:02d}" if line.minutes else "",
                bands=line.bands if line.kind == "work" else "",
                description=line.description,
                amount_pence=line.amount_pence,
            )
            for line in lines
        ),
        total_pence=invoice.total_pence,
        split=(
            (_("Pay"), invoice.pay_pence),
            (_("Holiday pay"), invoice.holiday_pence),
            (_("Employer's National Insurance"), invoice.employer_ni_pence),
            (_("Employer's pension"), invoice.pension_pence),
            (_("Co-op margin"), invoice.margin_pence),
        ),
        worker_pence=invoice.worker_pence,
        agency_pence=invoice.agency_comparison_pence,
        labels={label: _(label) for label in LABELS},
    )


def worker_sentence(document: InvoiceDocument) -> str:
    _ = _gettext(document.language)
    return _("Of every £1, %(pence)sp reached the worker.") % {"pence": document.worker_pence_of_each_pound}


def saving_sentence(document: InvoiceDocument) -> str:
    """The saving against the private agency's price (RULES §0.18), or "" where no comparison was priced."""
    if document.agency_pence <= 0:
        return ""
    _ = _gettext(document.language)
    return _("A private agency would have charged %(agency)s: you saved %(saving)s.") % {
        "agency": pounds(document.agency_pence),
        "saving": pounds(document.saving_pence),
    }


_PAGE = Template("""<!doctype html>
<html lang="$lang"><head><meta charset="utf-8"><title>$title $number</title>
<style>
body { font-family: sans-serif; font-size: 11pt; margin: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.25em 0.4em; border-bottom: 1px solid #ccc; vertical-align: top; }
td.amount, th.amount { text-align: right; white-space: nowrap; }
.split { max-width: 24em; margin-top: 1em; }
</style></head>
<body>
<h1>$title $number</h1>
<dl>
<dt>$l_to</dt><dd>$client</dd>
<dt>$l_issued</dt><dd>$issued_on</dd>
<dt>$l_period</dt><dd>$period</dd>
$credits
</dl>
<table class="lines">
<thead><tr><th>$l_date</th><th>$l_member</th><th>$l_hours</th><th>$l_description</th>
<th class="amount">$l_amount</th></tr></thead>
<tbody>
$rows
</tbody>
<tfoot><tr><th colspan="4">$l_total</th><th class="amount">$total</th></tr></tfoot>
</table>
<h2>$l_where</h2>
<table class="split"><tbody>
$split
</tbody></table>
<p class="worker-share">$worker_sentence</p>
<p class="saving">$saving_sentence</p>
</body></html>
""")


def render_html(document: InvoiceDocument) -> str:
    e = html.escape
    labels = document.labels
    rows = "\n".join(
        f"<tr><td>{e(line.worked_on)}</td><td>{e(line.member)}</td><td>{e(line.hours)}</td>"
        f'<td>{e(line.description)}</td><td class="amount">{e(pounds(line.amount_pence))}</td></tr>'
        for line in document.lines
    )
    split = "\n".join(
        f'<tr><td>{e(label)}</td><td class="amount">{e(pounds(pence))}</td></tr>' for label, pence in document.split
    )
    credits = ""
    if document.credits_number is not None:
        credits = f"<dt>{e(labels['Credits invoice'])}</dt><dd>{document.credits_number}</dd>"
        if document.reason:
            credits += f"<dt>{e(labels['Reason'])}</dt><dd>{e(document.reason)}</dd>"
    return _PAGE.substitute(
        lang=e(document.language),
        title=e(document.title),
        number=document.number,
        client=e(document.client_name),
        issued_on=e(document.issued_on),
        period=e(document.period),
        credits=credits,
        rows=rows,
        split=split,
        total=e(pounds(document.total_pence)),
        worker_sentence=e(worker_sentence(document)),
        saving_sentence=e(saving_sentence(document)),
        l_to=e(labels["To"]),
        l_issued=e(labels["Issued on"]),
        l_period=e(labels["Period"]),
        l_date=e(labels["Date"]),
        l_member=e(labels["Member"]),
        l_hours=e(labels["Hours"]),
        l_description=e(labels["Description"]),
        l_amount=e(labels["Amount"]),
        l_total=e(labels["Total"]),
        l_where=e(labels["Where your money goes"]),
    )


def render_pdf(document: InvoiceDocument) -> bytes:
    """The PDF, from the same HTML as the page (WeasyPrint; imported here so it loads only when asked)."""
    from weasyprint import HTML

    return HTML(string=render_html(document)).write_pdf()


def render_csv(document: InvoiceDocument) -> str:
    """One row per line (date, member, hours, description, amount_pence); the lines sum to the total row."""
    out = io.StringIO()
    writer = csv.writer(out)
    labels = document.labels
    writer.writerow([labels["Date"], labels["Member"], labels["Hours"], labels["Description"], "amount_pence"])
    for line in document.lines:
        writer.writerow([line.worked_on, line.member, line.hours, line.description, line.amount_pence])
    writer.writerow([labels["Total"], "", "", "", document.total_pence])
    return out.getvalue()
