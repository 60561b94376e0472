"""The ledger's use-cases and queries.

`post_entry` and `reverse_entry` are helpers for other areas' use-cases (invoices, credit notes, pay runs,
payments, the year close): they flush and never commit, so the entry lands in the caller's one
transaction or not at all. `post_manual_journal`, `import_journals_csv`, `open_period` and `close_period`
are use-cases of their own and commit once. Reports (trial balance, income statement, balance sheet,
margins) are derived from postings by one aggregate query each, never stored.

The database refuses what these refuse (migration 0007): an unbalanced entry, a changed or deleted posted
entry, an entry dated in a closed period. See `coop/ledger/models.py`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from coop.access import Actor, require_role
from coop.clock import utcnow
from coop.enums import Role
from coop.errors import Conflict, InvalidInput, NotFound
from coop.ledger import beancount, rules
from coop.ledger.accounts import AccountType, is_direct_cost
from coop.ledger.models import Account, AccountingPeriod, JournalEntry, PeriodStatus, Posting, SourceKind
from coop.ledger.rules import LedgerError, Line

# Who keeps and reads the books: coordinators and the board (admins too); members and client contacts do not.
LEDGER_ROLES = (Role.coordinator, Role.board, Role.admin)
MAX_IMPORT_ROWS = 20_000


def _refuse(errors: Sequence[LedgerError]) -> None:
    if errors:
        first = errors[0]
        raise InvalidInput("; ".join(error.message for error in errors), field=first.field, code=first.code)


def _closed_periods(session: Session) -> list[tuple[date, date]]:
    rows = session.exec(
        select(AccountingPeriod.starts_on, AccountingPeriod.ends_on).where(
            AccountingPeriod.status == PeriodStatus.closed
        )
    ).all()
    return [(starts_on, ends_on) for starts_on, ends_on in rows]


def _known_codes(session: Session, codes: set[str]) -> set[str]:
    return set(session.exec(select(Account.code).where(col(Account.code).in_(codes))).all())


def _check_entry(session: Session, entry_date: date, lines: Sequence[Line]) -> list[LedgerError]:
    return _check_entries(session, [(entry_date, lines)])


def _check_entries(session: Session, entries: Sequence[tuple[date, Sequence[Line]]]) -> list[LedgerError]:
    known = _known_codes(session, {line.account_code for _on, lines in entries for line in lines})
    closed = _closed_periods(session)
    errors: list[LedgerError] = []
    for entry_date, lines in entries:
        errors += rules.check_balanced(lines)
        errors += rules.check_accounts(lines, known)
        errors += rules.check_period_open(entry_date, closed)
    return errors


@dataclass(frozen=True)
class EntrySpec:
    """One entry to post: what caused it, when, and its lines (which must balance)."""

    entry_date: date
    description: str
    source_kind: SourceKind
    lines: Sequence[Line]
    source_id: int | None = None
    reason: str | None = None
    created_by_user_id: int | None = None
    reverses_entry_id: int | None = None


def post_entry(
    session: Session,
    *,
    entry_date: date,
    description: str,
    source_kind: SourceKind,
    lines: Sequence[Line],
    source_id: int | None = None,
    reason: str | None = None,
    created_by_user_id: int | None = None,
    reverses_entry_id: int | None = None,
) -> JournalEntry:
    """Write one balanced entry and post it, inside the caller's transaction (flushes, never commits).

    Raises InvalidInput (naming the field) for unbalanced postings, an unknown account or a closed period.
    """
    spec = EntrySpec(
        entry_date=entry_date,
        description=description,
        source_kind=source_kind,
        lines=lines,
        source_id=source_id,
        reason=reason,
        created_by_user_id=created_by_user_id,
        reverses_entry_id=reverses_entry_id,
    )
    return post_entries(session, [spec])[0]


def post_entries(session: Session, specs: Sequence[EntrySpec]) -> list[JournalEntry]:
    """Post many entries at once, inside the caller's transaction (flushes, never commits): every check as for
    one entry, all or none, in three round trips however many there are (an invoicing run posts hundreds)."""
    if not specs:
        return []
    for spec in specs:
        description = " ".join(spec.description.split())
        if not description or len(description) > 300:
            raise InvalidInput("An entry's description is 1 to 300 characters.", field="description")
    _refuse(_check_entries(session, [(spec.entry_date, spec.lines) for spec in specs]))
    entries = [
        JournalEntry(
            entry_date=spec.entry_date,
            description=" ".join(spec.description.split()),
            source_kind=spec.source_kind,
            source_id=spec.source_id,
            reason=spec.reason,
            created_by_user_id=spec.created_by_user_id,
            reverses_entry_id=spec.reverses_entry_id,
        )
        for spec in specs
    ]
    session.add_all(entries)
    session.flush()
    session.add_all(
        Posting(
            entry_id=entry.id,
            entry_date=spec.entry_date,
            account_code=line.account_code,
            amount_pence=line.amount_pence,
            client_id=line.client_id,
            member_id=line.member_id,
            profession=line.profession,
        )
        for entry, spec in zip(entries, specs, strict=True)
        for line in spec.lines
    )
    session.flush()
    # Posting is the UPDATE the database checks (sum zero, two postings at least, period open).
    now = utcnow()
    for entry in entries:
        entry.posted_at = now
    session.add_all(entries)
    session.flush()
    return entries


def entry_lines(session: Session, entry_id: int) -> list[Line]:
    postings = session.exec(select(Posting).where(Posting.entry_id == entry_id).order_by(col(Posting.id))).all()
    return [Line(p.account_code, p.amount_pence, p.client_id, p.member_id, p.profession) for p in postings]


def reverse_entry(
    session: Session,
    *,
    entry_id: int,
    entry_date: date,
    reason: str,
    created_by_user_id: int | None = None,
) -> JournalEntry:
    """Undo a posted entry by posting its negation, linked to it (flushes, never commits).

    The original stays as it was: the books show both. An entry is reversed at most once.
    """
    original = session.get(JournalEntry, entry_id)
    if original is None or original.posted_at is None:
        raise NotFound(f"No posted journal entry {entry_id}.")
    already = session.exec(select(JournalEntry.id).where(JournalEntry.reverses_entry_id == entry_id)).first()
    if already is not None:
        raise Conflict(f"Entry {entry_id} was already reversed by entry {already}.", code="already_reversed")
    if not reason.strip():
        raise InvalidInput("Say why the entry is reversed.", field="reason")
    return post_entry(
        session,
        entry_date=entry_date,
        description=f"Reversal of entry {entry_id}: {original.description}"[:300],
        source_kind=SourceKind.reversal,
        source_id=entry_id,
        lines=rules.negate(entry_lines(session, entry_id)),
        reason=reason.strip(),
        created_by_user_id=created_by_user_id,
        reverses_entry_id=entry_id,
    )


def post_manual_journal(
    session: Session,
    *,
    actor: Actor,
    entry_date: date,
    reason: str,
    lines: Sequence[Line],
    description: str | None = None,
) -> JournalEntry:
    """A journal made by hand (coordinator or board), with the reason it is made."""
    require_role(actor, *LEDGER_ROLES)
    if not reason or not reason.strip():
        raise InvalidInput("A manual journal needs a reason.", field="reason")
    entry = post_entry(
        session,
        entry_date=entry_date,
        description=description or f"Manual journal: {reason.strip()}"[:300],
        source_kind=SourceKind.manual,
        lines=lines,
        reason=reason.strip(),
        created_by_user_id=actor.user_id,
    )
    session.commit()
    return entry


def reverse_journal(session: Session, *, actor: Actor, entry_id: int, entry_date: date, reason: str) -> JournalEntry:
    """The use-case around `reverse_entry`: a coordinator or the board corrects the books."""
    require_role(actor, *LEDGER_ROLES)
    entry = reverse_entry(
        session, entry_id=entry_id, entry_date=entry_date, reason=reason, created_by_user_id=actor.user_id
    )
    session.commit()
    return entry


# --- CSV import ---------------------------------------------------------------------------------------

IMPORT_COLUMNS = ("journal", "date", "account", "debit_pence", "credit_pence", "reason")
OPTIONAL_COLUMNS = ("description", "client_id", "member_id", "profession")


@dataclass
class _ImportJournal:
    key: str
    first_row: int
    entry_date: date
    reason: str
    description: str
    lines: list[Line]


class _RowError(Exception):
    def __init__(self, row: int, column: str, message: str):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


def _pence(row: int, column: str, text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise _RowError(row, column, f"{text!r} is not a positive whole number of pence")
    value = int(text)
    if value == 0:
        raise _RowError(row, column, "a posting of zero pence says nothing")
    return value


def _optional_id(row: int, column: str, text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise _RowError(row, column, f"{text!r} is not an id")
    return int(text)


def _parse_journals(csv_text: str, known_codes: set[str]) -> list[_ImportJournal]:
    reader = csv.DictReader(io.StringIO(csv_text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise InvalidInput(f"The CSV has no column {', '.join(missing)} (row 1 is the header).", field="row 1")
    reader.fieldnames = header
    journals: dict[str, _ImportJournal] = {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            raise InvalidInput(f"At most {MAX_IMPORT_ROWS} rows in one import.", field=f"row {number}")
        if None in raw:
            raise _RowError(number, "journal", "the row has more cells than the header")
        cell = {name: (raw.get(name) or "").strip() for name in header}
        if not any(cell.values()):
            continue
        key = cell["journal"]
        if not key:
            raise _RowError(number, "journal", "name the journal the row belongs to")
        try:
            entry_date = date.fromisoformat(cell["date"])
        except ValueError:
            raise _RowError(number, "date", f"{cell['date']!r} is not a date (YYYY-MM-DD)") from None
        if cell["account"] not in known_codes:
            raise _RowError(number, "account", f"there is no account {cell['account']!r}")
        debit = _pence(number, "debit_pence", cell["debit_pence"])
        credit = _pence(number, "credit_pence", cell["credit_pence"])
        if (debit is None) == (credit is None):
            raise _RowError(number, "debit_pence", "give exactly one of debit_pence or credit_pence")
        line = Line(
            cell["account"],
            debit if debit is not None else -(credit or 0),
            _optional_id(number, "client_id", cell.get("client_id", "")),
            _optional_id(number, "member_id", cell.get("member_id", "")),
            cell.get("profession") or None,
        )
        journal = journals.get(key)
        if journal is None:
            if not cell["reason"]:
                raise _RowError(number, "reason", "the first row of a journal says why it is made")
            description = cell.get("description") or f"Imported journal {key}: {cell['reason']}"
            journal = _ImportJournal(key, number, entry_date, cell["reason"], description[:300], [])
            journals[key] = journal
        elif entry_date != journal.entry_date:
            raise _RowError(number, "date", f"journal {key} is dated {journal.entry_date} on row {journal.first_row}")
        journal.lines.append(line)
    if not journals:
        raise InvalidInput("The CSV holds no journal rows.", field="file")
    return list(journals.values())


def import_journals_csv(session: Session, *, actor: Actor, csv_text: str) -> list[JournalEntry]:
    """Journals from a CSV, one row per posting, each row naming its journal.

    Columns: journal, date, account, debit_pence, credit_pence, reason (on a journal's first row), and
    optionally description, client_id, member_id, profession. Every row and every journal is checked
    before anything is written: a bad one is InvalidInput naming the row and column, and nothing is saved.
    """
    require_role(actor, *LEDGER_ROLES)
    known = set(session.exec(select(Account.code)).all())
    try:
        journals = _parse_journals(csv_text, known)
    except _RowError as error:
        raise InvalidInput(
            f"Row {error.row}, column {error.column}: {error.message}. Nothing was imported.",
            field=f"row {error.row}.{error.column}",
        ) from None
    closed = _closed_periods(session)
    for journal in journals:
        errors = rules.check_balanced(journal.lines) + rules.check_period_open(journal.entry_date, closed)
        if errors:
            raise InvalidInput(
                f"Journal {journal.key} (from row {journal.first_row}): {errors[0].message} Nothing was imported.",
                field=f"row {journal.first_row}.journal",
                code=errors[0].code,
            )
    entries = [
        post_entry(
            session,
            entry_date=journal.entry_date,
            description=journal.description,
            source_kind=SourceKind.import_,
            lines=journal.lines,
            reason=journal.reason,
            created_by_user_id=actor.user_id,
        )
        for journal in journals
    ]
    session.commit()
    return entries


# --- Accounting periods ------------------------------------------------------------------------------


def open_period(session: Session, *, actor: Actor, starts_on: date, ends_on: date) -> AccountingPeriod:
    require_role(actor, *LEDGER_ROLES)
    if ends_on < starts_on:
        raise InvalidInput("A period ends on or after the day it starts.", field="ends_on")
    overlapping = session.exec(
        select(AccountingPeriod.id).where(AccountingPeriod.starts_on <= ends_on, AccountingPeriod.ends_on >= starts_on)
    ).first()
    if overlapping is not None:
        raise Conflict(f"Accounting period {overlapping} already covers part of those dates.", code="period_overlap")
    period = AccountingPeriod(starts_on=starts_on, ends_on=ends_on, status=PeriodStatus.open)
    session.add(period)
    session.commit()
    return period


def close_period(session: Session, *, actor: Actor, period_id: int) -> AccountingPeriod:
    """Close a period: nothing more is posted into its dates (the year close builds on this)."""
    require_role(actor, *LEDGER_ROLES)
    period = session.get(AccountingPeriod, period_id)
    if period is None:
        raise NotFound(f"No accounting period {period_id}.")
    if period.status == PeriodStatus.closed:
        raise Conflict(f"Accounting period {period_id} is already closed.", code="period_closed")
    period.status = PeriodStatus.closed
    period.closed_at = utcnow()
    period.closed_by_user_id = actor.user_id
    session.add(period)
    session.commit()
    return period


# --- Reports ----------------------------------------------------------------------------------------


def _posted():
    """Postings of posted entries only (an unposted draft is never counted)."""
    unposted = select(JournalEntry.id).where(col(JournalEntry.posted_at).is_(None))
    return col(Posting.entry_id).not_in(unposted)


def balances(session: Session, *, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """Debits less credits per account over the posting dates given: ONE aggregate query, grouped by account,
    reading the posting table through its (account_code, entry_date) index."""
    total = sa.cast(func.sum(Posting.amount_pence), sa.BigInteger)
    query = select(Posting.account_code, total).where(_posted()).group_by(Posting.account_code)
    if start is not None:
        query = query.where(Posting.entry_date >= start)
    if end is not None:
        query = query.where(Posting.entry_date <= end)
    return {code: int(amount) for code, amount in session.exec(query).all()}


def _chart(session: Session) -> dict[str, tuple[str, str]]:
    return {a.code: (a.name, a.type) for a in session.exec(select(Account)).all()}


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("The period ends before it starts.", field="end")


def list_accounts(session: Session, *, actor: Actor) -> list[Account]:
    require_role(actor, *LEDGER_ROLES)
    return list(session.exec(select(Account).order_by(Account.code)).all())


def trial_balance(session: Session, *, actor: Actor, as_of: date) -> rules.TrialBalance:
    require_role(actor, *LEDGER_ROLES)
    return rules.trial_balance(balances(session, end=as_of), _chart(session))


def income_statement(session: Session, *, actor: Actor, start: date, end: date) -> rules.IncomeStatement:
    require_role(actor, *LEDGER_ROLES)
    _check_dates(start, end)
    return rules.income_statement(
        rules.trial_balance(balances(session, start=start, end=end), _chart(session)).accounts
    )


def balance_sheet(session: Session, *, actor: Actor, as_of: date) -> rules.BalanceSheet:
    require_role(actor, *LEDGER_ROLES)
    return rules.balance_sheet(rules.trial_balance(balances(session, end=as_of), _chart(session)).accounts)


@dataclass(frozen=True)
class Margin:
    key: str | None
    income_pence: int
    direct_costs_pence: int

    @property
    def margin_pence(self) -> int:
        return self.income_pence - self.direct_costs_pence


def margins(session: Session, *, actor: Actor, start: date, end: date, by: str = "client") -> list[Margin]:
    """Income less direct costs (the 5xxx accounts) per client or per profession, from the postings'
    dimensions; what no posting attributes is the row with key None."""
    require_role(actor, *LEDGER_ROLES)
    _check_dates(start, end)
    dimensions = {"client": Posting.client_id, "profession": Posting.profession}
    if by not in dimensions:
        raise InvalidInput("Margins are by client or by profession.", field="by")
    chart = _chart(session)
    income = [code for code, (_, kind) in chart.items() if kind == AccountType.income]
    direct = [code for code, (_, kind) in chart.items() if is_direct_cost(code, kind)]
    dimension = dimensions[by]
    amount = col(Posting.amount_pence)
    income_sum = func.sum(sa.case((col(Posting.account_code).in_(income), -amount), else_=0))
    direct_sum = func.sum(sa.case((col(Posting.account_code).in_(direct), amount), else_=0))
    query = (
        select(dimension, sa.cast(income_sum, sa.BigInteger), sa.cast(direct_sum, sa.BigInteger))
        .where(_posted(), col(Posting.account_code).in_(income + direct))
        .where(Posting.entry_date >= start, Posting.entry_date <= end)
        .group_by(dimension)
    )
    rows = [
        Margin(None if key is None else str(key), int(inc), int(cost)) for key, inc, cost in session.exec(query).all()
    ]
    return sorted(rows, key=lambda m: (m.key is None, m.key or ""))


# --- Journal listing and export -----------------------------------------------------------------------


def _lines_by_entry(session: Session, entry_ids: list[int]) -> dict[int, list[Line]]:
    grouped: dict[int, list[Line]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return grouped
    postings = session.exec(
        select(Posting).where(col(Posting.entry_id).in_(entry_ids)).order_by(col(Posting.entry_id), col(Posting.id))
    ).all()
    for p in postings:
        grouped[p.entry_id].append(Line(p.account_code, p.amount_pence, p.client_id, p.member_id, p.profession))
    return grouped


def export_beancount(session: Session, *, actor: Actor) -> str:
    """Every posted entry as a Beancount file, for bean-check and for the co-op's accountant."""
    require_role(actor, *LEDGER_ROLES)
    accounts = [beancount.ExportAccount(a.code, a.name, a.type) for a in session.exec(select(Account)).all()]
    entries = session.exec(
        select(JournalEntry)
        .where(col(JournalEntry.posted_at).is_not(None))
        .order_by(col(JournalEntry.entry_date), col(JournalEntry.id))
    ).all()
    lines = _lines_by_entry(session, [e.id for e in entries])
    return beancount.render(
        accounts,
        [
            beancount.ExportEntry(
                e.id, e.entry_date, e.description, str(e.source_kind), e.source_id, e.reverses_entry_id, lines[e.id]
            )
            for e in entries
        ],
    )
