"""The books: chart of accounts, manual and imported journals, reports and the Beancount export.

Coordinators and the board only (the use-cases check the role); members and client contacts get 403.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import PlainTextResponse

from coop.clock import today_local
from coop.errors import InvalidInput
from coop.ledger import service as ledger_service
from coop.ledger.models import JournalEntry
from coop.ledger.rules import AccountBalance, Line
from coop.ledger.schemas import (
    AccountPublic,
    BalanceSheetPublic,
    ImportResult,
    IncomeStatementPublic,
    JournalEntryPublic,
    ManualJournalIn,
    MarginRow,
    MarginsPublic,
    PostingPublic,
    StatementLine,
    TrialBalancePublic,
    TrialBalanceRow,
)
from edge.deps import CurrentActor, SessionDep

router = APIRouter(prefix="/ledger", tags=["ledger"])

MAX_CSV_BYTES = 5_000_000


def _lines(accounts: list[AccountBalance], *, debit_normal: bool) -> list[StatementLine]:
    sign = 1 if debit_normal else -1
    return [StatementLine(code=a.code, name=a.name, amount_pence=sign * a.balance_pence) for a in accounts]


def _entry_public(session, entry: JournalEntry) -> JournalEntryPublic:
    postings = [PostingPublic(**asdict(line)) for line in ledger_service.entry_lines(session, entry.id)]
    return JournalEntryPublic.model_validate({**entry.model_dump(), "postings": postings})


@router.get("/accounts", response_model=list[AccountPublic])
def list_accounts(actor: CurrentActor, session: SessionDep):
    return ledger_service.list_accounts(session, actor=actor)


@router.get("/trial-balance", response_model=TrialBalancePublic)
def trial_balance(actor: CurrentActor, session: SessionDep, as_of: date | None = None):
    """Each account's net balance on the day given (today by default), as a debit or a credit."""
    as_of = as_of or today_local()
    trial = ledger_service.trial_balance(session, actor=actor, as_of=as_of)
    return TrialBalancePublic(
        as_of=as_of,
        accounts=[
            TrialBalanceRow(code=a.code, name=a.name, debit_pence=a.debit_pence, credit_pence=a.credit_pence)
            for a in trial.accounts
        ],
        total_debit_pence=trial.total_debit_pence,
        total_credit_pence=trial.total_credit_pence,
    )


@router.get("/income-statement", response_model=IncomeStatementPublic)
def income_statement(actor: CurrentActor, session: SessionDep, start: date, end: date):
    statement = ledger_service.income_statement(session, actor=actor, start=start, end=end)
    return IncomeStatementPublic(
        start=start,
        end=end,
        income=_lines(statement.income, debit_normal=False),
        expenses=_lines(statement.expenses, debit_normal=True),
        total_income_pence=statement.total_income_pence,
        total_expenses_pence=statement.total_expenses_pence,
        surplus_pence=statement.surplus_pence,
    )


@router.get("/balance-sheet", response_model=BalanceSheetPublic)
def balance_sheet(actor: CurrentActor, session: SessionDep, as_of: date | None = None):
    as_of = as_of or today_local()
    sheet = ledger_service.balance_sheet(session, actor=actor, as_of=as_of)
    return BalanceSheetPublic(
        as_of=as_of,
        assets=_lines(sheet.assets, debit_normal=True),
        liabilities=_lines(sheet.liabilities, debit_normal=False),
        equity=_lines(sheet.equity, debit_normal=False),
        total_assets_pence=sheet.total_assets_pence,
        total_liabilities_pence=sheet.total_liabilities_pence,
        total_equity_pence=sheet.total_equity_pence,
        unclosed_surplus_pence=sheet.unclosed_surplus_pence,
        balances=sheet.balances,
    )


@router.get("/margins", response_model=MarginsPublic)
def margins(
    actor: CurrentActor, session: SessionDep, start: date, end: date, by: Literal["client", "profession"] = "client"
):
    """Income less direct costs per client or per profession over a period."""
    rows = ledger_service.margins(session, actor=actor, start=start, end=end, by=by)
    return MarginsPublic(
        start=start,
        end=end,
        by=by,
        rows=[
            MarginRow(
                key=m.key,
                income_pence=m.income_pence,
                direct_costs_pence=m.direct_costs_pence,
                margin_pence=m.margin_pence,
            )
            for m in rows
        ],
    )


@router.post("/journals", response_model=JournalEntryPublic, status_code=201)
def post_manual_journal(data: ManualJournalIn, actor: CurrentActor, session: SessionDep):
    """A manual journal: each posting names an account by code and exactly one of debit or credit pence."""
    entry = ledger_service.post_manual_journal(
        session,
        actor=actor,
        entry_date=data.date,
        reason=data.reason,
        description=data.description,
        lines=[Line(p.account, p.amount_pence, p.client_id, p.member_id, p.profession) for p in data.postings],
    )
    return _entry_public(session, entry)


@router.post("/journals/import", response_model=ImportResult, status_code=201)
def import_journals(
    file: Annotated[UploadFile, File(description=f"a CSV file of at most {MAX_CSV_BYTES} bytes")],
    actor: CurrentActor,
    session: SessionDep,
):
    """Journals from a CSV upload (see `coop.ledger.service.import_journals_csv` for the columns)."""
    raw = file.file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInput(f"The CSV is larger than {MAX_CSV_BYTES} bytes.", field="file")
    try:
        csv_text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The CSV is not UTF-8 text.", field="file") from None
    entries = ledger_service.import_journals_csv(session, actor=actor, csv_text=csv_text)
    return ImportResult(entry_ids=[e.id for e in entries], count=len(entries))


@router.get("/export.beancount", response_class=PlainTextResponse)
def export_beancount(actor: CurrentActor, session: SessionDep):
    """The whole ledger as a Beancount file (checked by `bean-check`)."""
    return PlainTextResponse(
        ledger_service.export_beancount(session, actor=actor),
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="coop.beancount"'},
    )
