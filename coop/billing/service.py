"""Billing use-cases: the invoicing run, credit notes, and reading invoices (each use-case commits once).

An invoicing run (coordinators) prices every approved timesheet and late-cancellation charge of its dates not
yet billed, through `coop.pay.service.quote_work` / `quote_late_cancellation` (the same prices as pay), and
issues one invoice per client per invoicing period (the client's weekly or monthly frequency). Issuing takes
the invoice counter's write lock FIRST (a row lock on PostgreSQL, the write lock on SQLite), so two runs at
once are serialised: the second waits, then sees what the first billed, and numbers run without a gap. Each
invoice or credit note posts ONE ledger entry in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from sqlalchemy import update
from sqlmodel import Session, col, select

from coop.access import Actor, require_role
from coop.billing import rules
from coop.billing.models import (
    COUNTER_NAME,
    CREDIT,
    CREDIT_NOTE,
    INVOICE,
    LATE_CANCELLATION,
    WORK,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    PaymentAllocation,
)
from coop.bookings.models import Booking, CancellationCharge, Timesheet
from coop.clients.models import Client
from coop.clock import LONDON, local_date, utcnow
from coop.enums import Role, TimesheetStatus
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.i18n import translations
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.ledger.models import SourceKind
from coop.ledger.rules import Line
from coop.members.models import Member
from coop.pay import payroll
from coop.pay import service as pay_service
from coop.pay.rules import Quote, round_half_up
from coop.shifts.models import Shift

ISSUERS = (Role.coordinator, Role.admin)
READERS = (Role.coordinator, Role.admin, Role.board)
MAX_PERIOD_DAYS = 366


def _(language: str, message: str) -> str:
    return translations(language if language in ("en", "cy") else "en", "billing").gettext(message)


@dataclass
class LineDraft:
    kind: str
    worked_on: date
    profession: str
    minutes: int
    bands: str
    description: str
    split: rules.Split
    agency_pence: int
    member_id: int | None = None
    member_name: str = ""
    timesheet_id: int | None = None
    generation: int | None = None
    timesheet_fingerprint: str | None = None
    cancellation_charge_id: int | None = None
    credits_line_id: int | None = None
    pay_card_ids: str = ""
    on_costs_card_id: int | None = None

    @property
    def amount_pence(self) -> int:
        return self.split.amount_pence


@dataclass
class InvoiceDraft:
    """An invoice or credit note before (or without, in a preview) it is issued."""

    kind: str
    client_id: int
    period_start: date
    period_end: date
    language: str
    lines: list[LineDraft] = field(default_factory=list)
    credits_invoice_id: int | None = None
    reason: str | None = None

    @property
    def total_pence(self) -> int:
        return sum(line.amount_pence for line in self.lines)

    def total(self, name: str) -> int:
        return sum(getattr(line.split, name) for line in self.lines)

    @property
    def worker_pence(self) -> int:
        return sum(line.split.worker_pence for line in self.lines)

    @property
    def agency_pence(self) -> int:
        return sum(line.agency_pence for line in self.lines)


# --------------------------------------------------------------------------------------------------- pricing


def _hours(minutes: int) -> str:
    return f"{minutes // 60}h {minutes % 60:02d}m"


def _split(quote: Quote) -> rules.Split:
    return rules.Split(
        quote.pay_pence, quote.holiday_pence, quote.employer_ni_pence, quote.pension_pence, quote.margin_pence
    )


def _card_ids(quote: Quote) -> tuple[str, int | None]:
    pay_ids = sorted({line.card_id for line in quote.pay_lines if line.card_id is not None})
    on_costs = next((line.card_id for line in quote.charge_lines), None)
    return ",".join(str(card_id) for card_id in pay_ids)[:100], on_costs


def _work_line(
    session: Session, timesheet: Timesheet, member: Member, language: str, generation: int, school_days: dict
) -> LineDraft:
    quote = payroll.quote_timesheet(session, timesheet, member, school_days=school_days)
    minutes = sum(line.minutes for line in quote.pay_lines)
    bands = ", ".join(f"{_(language, line.band)} {_hours(line.minutes)}" for line in quote.pay_lines)[:200]
    worked_on = local_date(timesheet.started_at)
    pay_ids, on_costs = _card_ids(quote)
    return LineDraft(
        kind=WORK,
        worked_on=worked_on,
        profession=member.profession,
        minutes=minutes,
        bands=bands,
        description=f"{worked_on.isoformat()} {member.name}: {_hours(minutes)} ({bands})"[:300],
        split=_split(quote),
        agency_pence=quote.agency_comparison_pence or 0,
        member_id=member.id,
        member_name=member.name,
        timesheet_id=timesheet.id,
        generation=generation,
        timesheet_fingerprint=_fingerprint(timesheet),
        pay_card_ids=pay_ids,
        on_costs_card_id=on_costs,
    )


def _charge_line(
    session: Session, charge: CancellationCharge, shift: Shift, member: Member, language: str
) -> LineDraft:
    worked_on = local_date(shift.starts_at)
    quote = pay_service.quote_late_cancellation(
        session=session,
        profession=member.profession,
        grade=member.grade,
        on_date=worked_on,
        charge_minutes=charge.charge_minutes,
    )
    pay_ids, on_costs = _card_ids(quote)
    label = _(language, "Late cancellation")
    return LineDraft(
        kind=LATE_CANCELLATION,
        worked_on=worked_on,
        profession=member.profession,
        minutes=charge.charge_minutes,
        bands="",
        description=f"{worked_on.isoformat()} {label}: {member.name}, {_hours(charge.charge_minutes)}"[:300],
        split=_split(quote),
        agency_pence=quote.agency_comparison_pence or 0,
        member_id=member.id,
        member_name=member.name,
        cancellation_charge_id=charge.id,
        pay_card_ids=pay_ids,
        on_costs_card_id=on_costs,
    )


def _fingerprint(timesheet: Timesheet) -> str:
    return rules.fingerprint(
        timesheet.started_at.astimezone(UTC).isoformat(),
        timesheet.ended_at.astimezone(UTC).isoformat(),
        timesheet.break_minutes,
    )


def _credited(session: Session, line_ids: Sequence[int]) -> dict[int, int]:
    """How much of each line has been credited so far (positive pence)."""
    if not line_ids:
        return {}
    rows = session.exec(
        select(InvoiceLine.credits_line_id, InvoiceLine.amount_pence).where(
            col(InvoiceLine.credits_line_id).in_(line_ids)
        )
    ).all()
    credited: dict[int, int] = defaultdict(int)
    for line_id, amount in rows:
        credited[line_id] -= amount
    return credited


def _credit_line(original: InvoiceLine, amount_pence: int, language: str, reason: str) -> LineDraft:
    """A credit of `amount_pence` (positive) against one line: each part of its split in proportion."""
    original_split = rules.Split(
        original.pay_pence,
        original.holiday_pence,
        original.employer_ni_pence,
        original.pension_pence,
        original.margin_pence,
    )
    part = rules.credit_split(original_split, amount_pence)
    negative = rules.Split(*(-getattr(part, name) for name in rules.SPLIT_FIELDS))
    agency = round_half_up(Fraction(original.agency_pence * amount_pence, original.amount_pence or 1))
    label = _(language, "Credit")
    return LineDraft(
        kind=CREDIT,
        worked_on=original.worked_on,
        profession=original.profession,
        minutes=0,
        bands="",
        description=f"{label}: {original.description} ({reason})"[:300],
        split=negative,
        agency_pence=-agency,
        member_id=original.member_id,
        member_name=original.member_name,
        credits_line_id=original.id,
    )


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    first = datetime.combine(start, time(0), tzinfo=LONDON).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)
    return first, after


def _check_period(period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise InvalidInput("period_end is before period_start.", field="period_end")
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(f"A run covers at most {MAX_PERIOD_DAYS} days.", field="period_end")


def _drafts(session: Session, period_start: date, period_end: date) -> list[InvoiceDraft]:
    """What a run over these dates would issue: credit notes for corrected timesheets first, then invoices."""
    first, after = _utc_bounds(period_start, period_end)
    clients = {client.id: client for client in session.exec(select(Client)).all()}
    found: list[tuple[int, LineDraft]] = []
    credit_notes: dict[int, InvoiceDraft] = {}
    school_days: dict = {}  # each school's day read once per date in this run

    timesheets = session.exec(
        select(Timesheet, Member)
        .join(Member, col(Member.id) == Timesheet.member_id)
        .where(
            Timesheet.status == TimesheetStatus.approved, Timesheet.started_at >= first, Timesheet.started_at < after
        )
        .order_by(Timesheet.started_at, Timesheet.id)
    ).all()
    billed: dict[int, list[InvoiceLine]] = defaultdict(list)
    ids = [timesheet.id for timesheet, _member in timesheets]
    if ids:
        for line in session.exec(select(InvoiceLine).where(col(InvoiceLine.timesheet_id).in_(ids))).all():
            billed[line.timesheet_id].append(line)
    for timesheet, member in timesheets:
        client = clients[timesheet.client_id]
        previous = max(billed[timesheet.id], key=lambda line: line.generation or 0, default=None)
        if previous is None:
            found.append((client.id, _work_line(session, timesheet, member, client.language, 1, school_days)))
            continue
        if previous.timesheet_fingerprint == _fingerprint(timesheet):
            continue  # billed as it stands
        # Corrected after billing: credit what is left of the old line, bill the timesheet again.
        left = previous.amount_pence - _credited(session, [previous.id]).get(previous.id, 0)
        if left > 0:
            invoice = session.get(Invoice, previous.invoice_id)
            note = credit_notes.get(invoice.id)
            if note is None:
                note = InvoiceDraft(
                    kind=CREDIT_NOTE,
                    client_id=client.id,
                    period_start=invoice.period_start,
                    period_end=invoice.period_end,
                    language=client.language,
                    credits_invoice_id=invoice.id,
                    reason=_(client.language, "Timesheet corrected after invoicing"),
                )
                credit_notes[invoice.id] = note
            note.lines.append(_credit_line(previous, left, client.language, note.reason or ""))
        found.append(
            (
                client.id,
                _work_line(session, timesheet, member, client.language, (previous.generation or 0) + 1, school_days),
            )
        )

    charges = session.exec(
        select(CancellationCharge, Shift, Booking, Member)
        .join(Shift, col(Shift.id) == CancellationCharge.shift_id)
        .join(Booking, col(Booking.id) == CancellationCharge.booking_id)
        .join(Member, col(Member.id) == Booking.member_id)
        .where(Shift.starts_at >= first, Shift.starts_at < after, CancellationCharge.charge_minutes > 0)
        .order_by(Shift.starts_at, CancellationCharge.id)
    ).all()
    charge_ids = [charge.id for charge, *_rest in charges]
    already = (
        set(
            session.exec(
                select(InvoiceLine.cancellation_charge_id).where(
                    col(InvoiceLine.cancellation_charge_id).in_(charge_ids)
                )
            ).all()
        )
        if charge_ids
        else set()
    )
    for charge, shift, _booking, member in charges:
        if charge.id in already:
            continue
        client = clients[charge.client_id]
        found.append((client.id, _charge_line(session, charge, shift, member, client.language)))

    invoices: dict[tuple[int, date], InvoiceDraft] = {}
    for client_id, line in found:
        client = clients[client_id]
        period = next(
            (start, end)
            for start, end in rules.client_periods(period_start, period_end, client.invoice_frequency)
            if start <= line.worked_on <= end
        )
        draft = invoices.get((client_id, period[0]))
        if draft is None:
            draft = InvoiceDraft(INVOICE, client_id, period[0], period[1], client.language)
            invoices[(client_id, period[0])] = draft
        draft.lines.append(line)
    for draft in invoices.values():
        draft.lines.sort(key=lambda line: (line.worked_on, line.member_name, line.kind))
    ordered = sorted(invoices.values(), key=lambda draft: (draft.client_id, draft.period_start))
    return list(credit_notes.values()) + ordered


# --------------------------------------------------------------------------------------------------- issuing


def _take_numbers(session: Session, how_many: int) -> int:
    """Reserve `how_many` numbers under the counter's write lock; returns the first. Called FIRST in a run."""
    result = session.exec(
        update(InvoiceCounter)
        .where(col(InvoiceCounter.name) == COUNTER_NAME)
        .values(last_number=InvoiceCounter.last_number + how_many)
        .returning(InvoiceCounter.last_number)
    )
    row = result.first()
    if row is None:
        raise Conflict("The invoice counter is missing: run the migrations.", code="no_invoice_counter")
    return row[0] - how_many + 1


def _lock_counter(session: Session) -> None:
    _take_numbers(session, 0)


def ledger_lines(invoice: Invoice, lines: Sequence[InvoiceLine]) -> list[Line]:
    """Dr trade debtors with the total; Cr income by profession (charges for cover) or late-cancellation income,
    per line's account. A credit note's negative lines make the same construction its reversal."""
    income: dict[tuple[str, str | None], int] = defaultdict(int)
    for line in lines:
        kind = line.kind
        if kind == CREDIT:
            original_account = _account_of_credited(line)
            income[(original_account, line.profession)] -= line.amount_pence
            continue
        account = (
            accounts.LATE_CANCELLATION_INCOME
            if kind == LATE_CANCELLATION
            else accounts.INCOME_BY_PROFESSION[line.profession]
        )
        income[(account, line.profession)] -= line.amount_pence
    postings = [Line(accounts.TRADE_DEBTORS, invoice.total_pence, client_id=invoice.client_id)]
    postings += [
        Line(account, amount, client_id=invoice.client_id, profession=profession)
        for (account, profession), amount in sorted(income.items(), key=lambda item: (item[0][0], item[0][1] or ""))
        if amount != 0
    ]
    return postings


def _account_of_credited(line: InvoiceLine) -> str:
    # Credit lines carry the original's kind in `bands` ("work" or "late_cancellation") so the account is known.
    if line.bands == LATE_CANCELLATION:
        return accounts.LATE_CANCELLATION_INCOME
    return accounts.INCOME_BY_PROFESSION[line.profession]


def _issue(session: Session, draft: InvoiceDraft, number: int, actor: Actor, original_kinds: dict[int, str]) -> Invoice:
    return _issue_all(session, [(draft, number)], actor, original_kinds)[0]


def _issue_all(
    session: Session, numbered: Sequence[tuple[InvoiceDraft, int]], actor: Actor, original_kinds: dict[int, str]
) -> list[Invoice]:
    """Write the documents, their lines and their ledger entries in a few round trips, however many there are."""
    now = utcnow()
    invoices = [
        Invoice(
            number=number,
            kind=draft.kind,
            client_id=draft.client_id,
            period_start=draft.period_start,
            period_end=draft.period_end,
            issued_on=local_date(now),
            issued_at=now,
            language=draft.language,
            total_pence=draft.total_pence,
            pay_pence=draft.total("pay_pence"),
            holiday_pence=draft.total("holiday_pence"),
            employer_ni_pence=draft.total("employer_ni_pence"),
            pension_pence=draft.total("pension_pence"),
            margin_pence=draft.total("margin_pence"),
            worker_pence=draft.worker_pence,
            agency_comparison_pence=draft.agency_pence,
            credits_invoice_id=draft.credits_invoice_id,
            reason=draft.reason,
            created_by_user_id=actor.user_id,
        )
        for draft, number in numbered
    ]
    session.add_all(invoices)
    session.flush()
    rows_of: list[list[InvoiceLine]] = []
    for invoice, (draft, _number) in zip(invoices, numbered, strict=True):
        rows = []
        for position, line in enumerate(draft.lines, start=1):
            split = line.split
            rows.append(
                InvoiceLine(
                    invoice_id=invoice.id,
                    position=position,
                    kind=line.kind,
                    timesheet_id=line.timesheet_id,
                    generation=line.generation,
                    timesheet_fingerprint=line.timesheet_fingerprint,
                    cancellation_charge_id=line.cancellation_charge_id,
                    credits_line_id=line.credits_line_id,
                    worked_on=line.worked_on,
                    member_id=line.member_id,
                    member_name=line.member_name,
                    profession=line.profession,
                    minutes=line.minutes,
                    bands=original_kinds.get(line.credits_line_id, "") if line.kind == CREDIT else line.bands,
                    description=line.description,
                    pay_pence=split.pay_pence,
                    holiday_pence=split.holiday_pence,
                    employer_ni_pence=split.employer_ni_pence,
                    pension_pence=split.pension_pence,
                    margin_pence=split.margin_pence,
                    amount_pence=split.amount_pence,
                    worker_pence=split.worker_pence,
                    agency_pence=line.agency_pence,
                    pay_card_ids=line.pay_card_ids,
                    on_costs_card_id=line.on_costs_card_id,
                )
            )
        rows_of.append(rows)
    session.add_all(row for rows in rows_of for row in rows)
    session.flush()
    posted: list[tuple[Invoice, ledger_service.EntrySpec]] = []
    for invoice, rows, (draft, number) in zip(invoices, rows_of, numbered, strict=True):
        entry_lines = ledger_lines(invoice, rows)
        if len(entry_lines) > 1:
            label = "Invoice" if draft.kind == INVOICE else "Credit note"
            spec = ledger_service.EntrySpec(
                entry_date=invoice.issued_on,
                description=f"{label} {number}",
                source_kind=SourceKind.invoice if draft.kind == INVOICE else SourceKind.credit_note,
                source_id=invoice.id,
                lines=entry_lines,
                reason=draft.reason,
                created_by_user_id=actor.user_id,
            )
            posted.append((invoice, spec))
    entries = ledger_service.post_entries(session, [spec for _invoice, spec in posted])
    for (invoice, _spec), entry in zip(posted, entries, strict=True):
        invoice.journal_entry_id = entry.id
    session.add_all(invoice for invoice, _spec in posted)
    session.flush()
    return invoices


def _original_kinds(session: Session, drafts: Sequence[InvoiceDraft]) -> dict[int, str]:
    ids = [line.credits_line_id for draft in drafts for line in draft.lines if line.credits_line_id is not None]
    if not ids:
        return {}
    return dict(session.exec(select(InvoiceLine.id, InvoiceLine.kind).where(col(InvoiceLine.id).in_(ids))).all())


def run_invoicing(
    *, session: Session, actor: Actor, period_start: date, period_end: date, preview: bool = False
) -> list[Invoice] | list[InvoiceDraft]:
    """Issue invoices (and credit notes for timesheets corrected after billing) for the approved, not yet billed
    work and late-cancellation charges whose local date falls in the period. `preview` writes nothing and
    returns the drafts instead."""
    require_role(actor, *ISSUERS)
    _check_period(period_start, period_end)
    if preview:
        drafts = _drafts(session, period_start, period_end)
        session.rollback()
        return drafts
    _lock_counter(session)  # before reading: a concurrent run waits here, then sees what this one billed
    drafts = [draft for draft in _drafts(session, period_start, period_end) if draft.lines]
    first = _take_numbers(session, len(drafts)) if drafts else 0
    kinds = _original_kinds(session, drafts)
    issued = _issue_all(session, [(draft, first + index) for index, draft in enumerate(drafts)], actor, kinds)
    session.commit()
    return issued


def issue_credit_note(
    *, session: Session, actor: Actor, invoice_id: int, reason: str, amount_pence: int | None = None
) -> Invoice:
    """Credit an issued invoice, wholly by default or `amount_pence` of it, shared across its lines by what is
    left of each (largest remainder), so the ledger's reversal matches the lines to the penny."""
    require_role(actor, *ISSUERS)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Say why the invoice is credited.", field="reason")
    _lock_counter(session)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(f"No invoice {invoice_id}.")
    if invoice.kind != INVOICE:
        raise Conflict("A credit note cannot itself be credited.", code="not_an_invoice")
    lines = session.exec(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
    ).all()
    credited = _credited(session, [line.id for line in lines])
    left = [line.amount_pence - credited.get(line.id, 0) for line in lines]
    amount = rules.check_credit_amount(amount_pence, sum(left))
    parts = rules.split_by_weights(amount, left)
    language = invoice.language
    draft = InvoiceDraft(
        kind=CREDIT_NOTE,
        client_id=invoice.client_id,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        language=language,
        credits_invoice_id=invoice.id,
        reason=reason[:300],
    )
    draft.lines = [_credit_line(line, part, language, reason) for line, part in zip(lines, parts, strict=True) if part]
    number = _take_numbers(session, 1)
    note = _issue(session, draft, number, actor, {line.id: line.kind for line in lines})
    session.commit()
    return note


# --------------------------------------------------------------------------------------------------- reading


def _may_read(actor: Actor, invoice: Invoice) -> bool:
    if actor.has(*READERS):
        return True
    return actor.has(Role.client) and actor.client_id == invoice.client_id


def get_invoice(session: Session, *, actor: Actor, invoice_id: int) -> tuple[Invoice, list[InvoiceLine]]:
    """One invoice and its lines: staff and the board see all; a client contact only their own organisation's
    (another's is 404, so ids reveal nothing); members are refused."""
    if not actor.has(*READERS, Role.client):
        raise PermissionDenied("Invoices are for coordinators, the board and the client's own contacts.")
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or not _may_read(actor, invoice):
        raise NotFound(f"No invoice {invoice_id}.")
    lines = session.exec(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
    ).all()
    return invoice, list(lines)


def list_invoices(
    session: Session, *, actor: Actor, client_id: int | None = None
) -> list[tuple[Invoice, list[InvoiceLine]]]:
    if not actor.has(*READERS, Role.client):
        raise PermissionDenied("Invoices are for coordinators, the board and the client's own contacts.")
    query = select(Invoice).order_by(col(Invoice.number).desc())
    if not actor.has(*READERS):
        query = query.where(Invoice.client_id == actor.client_id)
    elif client_id is not None:
        query = query.where(Invoice.client_id == client_id)
    invoices = list(session.exec(query.limit(500)).all())
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    if invoices:
        for line in session.exec(
            select(InvoiceLine)
            .where(col(InvoiceLine.invoice_id).in_([invoice.id for invoice in invoices]))
            .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
        ).all():
            lines[line.invoice_id].append(line)
    return [(invoice, lines[invoice.id]) for invoice in invoices]


def outstanding_pence(session: Session, invoice: Invoice) -> int:
    """What is owed on an invoice: its total less its credit notes and the payments allocated to it."""
    notes = session.exec(select(Invoice.total_pence).where(Invoice.credits_invoice_id == invoice.id)).all()
    paid = session.exec(select(PaymentAllocation.amount_pence).where(PaymentAllocation.invoice_id == invoice.id)).all()
    return invoice.total_pence + sum(notes) - sum(paid)
