"""The books for coordinators and the board: the trial balance, the income statement, the balance sheet and the
margins per client and per profession, the Beancount export, a manual journal and a CSV import of journals.

The board reads (RULES: the board oversees the co-op's money); coordinators and admins also write journals.
Every figure comes from the ledger's own use-cases (coop/ledger/service.py); amounts are integer pence, shown
with the `money` filter, and account names are the chart's Welsh names on a Welsh page.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import PlainTextResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from coop.clients import service as client_service
from coop.clock import today_local
from coop.enums import Profession
from coop.errors import DomainError, InvalidInput
from coop.ledger import service as ledger_service
from coop.ledger.rules import AccountBalance, Line
from coop.ledger.schemas import ManualJournalIn
from web.i18n import N_, fmt_money
from web.page import Csrf, Form, Page, PageRouter, role_page

router = PageRouter(prefix="/coordinator/ledger")
ReadPage = Annotated[Page, Depends(role_page("coordinator", "admin", "board"))]
StaffPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]

MAX_CSV_BYTES = 5_000_000
DEFAULT_ROWS = 4
MAX_ROWS = 40
# Pounds as people type them: 12, 12.5, 12.50, 1,234.56, £1234.56 (never a float: parsed to whole pence).
POUNDS = re.compile(r"£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
MAX_PENCE = 10**11

# The ledger's rule codes (coop/ledger/rules.py) in words the pages translate.
LEDGER_ERRORS: dict[str, str] = {
    "too_few_postings": N_("A journal needs at least two rows."),
    "unknown_account": N_("Choose an account from the chart."),
    "period_closed": N_("That date is in a closed accounting period: post the correction in an open period."),
    "zero_amount": N_("An amount of nothing says nothing: enter more than £0.00."),
}
# What a bad CSV cell means, by the column the import names.
IMPORT_COLUMN_ERRORS: dict[str, str] = {
    "journal": N_("name the journal the row belongs to, with no extra cells"),
    "date": N_("the date is not a date like 2026-12-01, or differs from the journal's first row"),
    "account": N_("there is no such account in the chart"),
    "debit_pence": N_("give exactly one of debit_pence or credit_pence, a positive whole number of pence"),
    "credit_pence": N_("give exactly one of debit_pence or credit_pence, a positive whole number of pence"),
    "reason": N_("the first row of a journal says why it is made"),
    "client_id": N_("the client is not a number"),
    "member_id": N_("the member is not a number"),
}
OTHER_COLUMN_ERROR = N_("the value is not right")


# --- Reports -------------------------------------------------------------------------------------------


def year_start(today: date) -> date:
    """The co-op's financial year starts on 1 April (the UK's), so the default period is the year to date."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _date_param(page: Page, name: str, default: date) -> date:
    raw = (page.request.query_params.get(name) or "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        page.errors[name] = page._("Enter a date.")
        return default


def _names(page: Page) -> dict[str, str]:
    """Account names from the chart, in the page's language."""
    return {
        a.code: (a.name_cy if page.lang == "cy" else a.name)
        for a in ledger_service.list_accounts(page.db, actor=page.actor)
    }


def _rows(accounts: list[AccountBalance], names: dict[str, str], *, debit_normal: bool) -> list[dict[str, Any]]:
    sign = 1 if debit_normal else -1
    return [{"code": a.code, "name": names.get(a.code, a.name), "amount": sign * a.balance_pence} for a in accounts]


def _margin_rows(page: Page, margins: list[ledger_service.Margin], by: str) -> list[dict[str, Any]]:
    if by == "client":
        clients, _ = client_service.list_clients(page.db, page.actor, limit=10_000)
        names = {str(c.id): c.name for c in clients}
    else:
        names = {str(p): page.label("profession", str(p)) for p in Profession}
    return [
        {
            "name": names.get(m.key, m.key) if m.key is not None else page._("Not attributed"),
            "income": m.income_pence,
            "costs": m.direct_costs_pence,
            "margin": m.margin_pence,
        }
        for m in margins
    ]


@router.get("")
def books(page: ReadPage):
    today = today_local()
    as_of = _date_param(page, "as_of", today)
    start = _date_param(page, "start", year_start(today))
    end = _date_param(page, "end", today)
    if end < start and "end" not in page.errors:
        page.errors["end"] = page._("The last day is before the first day.")
        start, end = year_start(today), today
    names = _names(page)
    trial = ledger_service.trial_balance(page.db, actor=page.actor, as_of=as_of)
    statement = ledger_service.income_statement(page.db, actor=page.actor, start=start, end=end)
    sheet = ledger_service.balance_sheet(page.db, actor=page.actor, as_of=as_of)
    margins = {
        by: _margin_rows(page, ledger_service.margins(page.db, actor=page.actor, start=start, end=end, by=by), by)
        for by in ("client", "profession")
    }
    return page.render(
        "ledger/index.html",
        status_code=422 if page.errors else 200,
        values={"as_of": as_of.isoformat(), "start": start.isoformat(), "end": end.isoformat()},
        as_of=as_of,
        start=start,
        end=end,
        trial=[
            {"code": a.code, "name": names.get(a.code, a.name), "debit": a.debit_pence, "credit": a.credit_pence}
            for a in trial.accounts
        ],
        trial_debit=trial.total_debit_pence,
        trial_credit=trial.total_credit_pence,
        income=_rows(statement.income, names, debit_normal=False),
        expenses=_rows(statement.expenses, names, debit_normal=True),
        statement=statement,
        assets=_rows(sheet.assets, names, debit_normal=True),
        liabilities=_rows(sheet.liabilities, names, debit_normal=False),
        equity=_rows(sheet.equity, names, debit_normal=False),
        sheet=sheet,
        margins=margins,
        can_write=page.actor.has("coordinator", "admin"),
    )


@router.get("/export.beancount")
def export(page: ReadPage):
    """The whole ledger as a Beancount file, for bean-check and the co-op's accountant (the API's export)."""
    return PlainTextResponse(
        ledger_service.export_beancount(page.db, actor=page.actor),
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="coop.beancount"'},
    )


# --- A manual journal ----------------------------------------------------------------------------------


def parse_pounds(text: str) -> int | None:
    """'1,234.5' -> 123450 pence; None when it is not an amount in pounds and pence."""
    match = POUNDS.fullmatch(text.strip())
    if not match:
        return None
    pounds, pence = match.group(1).replace(",", ""), (match.group(2) or "0").ljust(2, "0")
    return int(pounds) * 100 + int(pence)


def _row_count(raw: str | None) -> int:
    return min(max(int(raw), DEFAULT_ROWS), MAX_ROWS) if raw and raw.isdigit() else DEFAULT_ROWS


def _journal_page(page: Page, *, values: dict[str, Any], rows: list[dict[str, str]], status_code: int = 200):
    accounts = ledger_service.list_accounts(page.db, actor=page.actor)
    return page.render(
        "ledger/journal.html",
        status_code=status_code,
        values=values,
        rows=rows,
        more_rows=min(len(rows) + 4, MAX_ROWS),
        accounts=[(a.code, f"{a.code} {a.name_cy if page.lang == 'cy' else a.name}") for a in accounts],
    )


@router.get("/journals/new")
def new_journal(page: StaffPage, rows: str | None = None):
    blank = {"account": "", "debit": "", "credit": ""}
    values = {"date": today_local().isoformat(), "reason": "", "description": ""}
    return _journal_page(page, values=values, rows=[dict(blank) for _ in range(_row_count(rows))])


def _has_nul(page: Page, values: dict[str, str]) -> bool:
    for name, value in values.items():
        if "\x00" in value:
            page.errors[name] = page._("This contains a character that is not allowed.")
    return bool(page.errors)


def _read_rows(page: Page, form: Any) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The rows as typed (to show again) and, for the rows filled in, the postings in pence."""
    count = min(sum(1 for key in form.keys() if key.startswith("account-")), MAX_ROWS)
    typed, postings = [], []
    for i in range(count):
        row = {name: str(form.get(f"{name}-{i}") or "").strip() for name in ("account", "debit", "credit")}
        typed.append(row)
        if not any(row.values()):
            continue
        posting: dict[str, Any] = {"account": row["account"], "row": i}
        for side in ("debit", "credit"):
            if row[side]:
                pence = parse_pounds(row[side])
                if pence is None or pence > MAX_PENCE:
                    page.errors[f"{side}-{i}"] = page._("Enter an amount in pounds, like 12.50.")
                elif pence == 0:
                    page.errors[f"{side}-{i}"] = page._(LEDGER_ERRORS["zero_amount"])
                else:
                    posting[f"{side}_pence"] = pence
        if "\x00" in "".join(row.values()):
            page.errors[f"account-{i}"] = page._("This contains a character that is not allowed.")
        postings.append(posting)
    return typed, postings


def _journal_errors(page: Page, error: ValidationError, postings: list[dict[str, Any]]) -> None:
    for problem in error.errors():
        loc = [str(part) for part in problem.get("loc", ())]
        if loc[:1] == ["postings"] and len(loc) >= 2 and loc[1].isdigit():
            row = postings[int(loc[1])]["row"]
            if len(loc) > 2 and loc[2] == "account":
                page.errors.setdefault(f"account-{row}", page._("Choose an account."))
            else:
                page.errors.setdefault(f"debit-{row}", page._("Enter a debit or a credit, not both."))
        elif loc[:1] == ["postings"]:
            page.errors.setdefault("postings", page._("There are too many rows."))
        elif loc[:1] == ["reason"]:
            page.errors.setdefault("reason", page._("Say why this journal is made, in up to 500 characters."))
        elif loc[:1] == ["description"]:
            page.errors.setdefault("description", page._("This is too long."))
        else:
            page.errors.setdefault("date", page._("Enter a date."))


def _domain_error(page: Page, error: DomainError, postings: list[dict[str, Any]], lines: list[Line]) -> None:
    field = getattr(error, "field", None) or "form"
    if error.code == "unbalanced":
        debits = sum(line.amount_pence for line in lines if line.amount_pence > 0)
        credits = -sum(line.amount_pence for line in lines if line.amount_pence < 0)
        page.errors["postings"] = page._(
            "The rows do not balance: the debits come to %(debits)s and the credits to %(credits)s.",
            debits=fmt_money(debits, page.lang),
            credits=fmt_money(credits, page.lang),
        )
        return
    match = re.fullmatch(r"postings\.(\d+)(?:\.(\w+))?", field)
    target = field if field in ("date", "reason", "description") else "postings"
    if match:
        target = f"account-{postings[int(match.group(1))]['row']}"
    page.errors[target] = page._(
        LEDGER_ERRORS.get(error.code) or N_("The journal was refused: %(detail)s"), detail=error.detail
    )


@router.post("/journals/new", dependencies=[Csrf])
def post_journal(page: StaffPage, form: Form):
    values = {name: str(form.get(name) or "").strip() for name in ("date", "reason", "description")}
    typed, postings = _read_rows(page, form)
    _has_nul(page, values)
    if not page.errors:
        raw = {
            "date": values["date"] or None,
            "reason": values["reason"],
            "description": values["description"] or None,
            "postings": [{k: v for k, v in p.items() if k != "row"} for p in postings],
        }
        try:
            data = ManualJournalIn.model_validate(raw)
        except ValidationError as error:
            _journal_errors(page, error, postings)
        else:
            lines = [Line(p.account, p.amount_pence) for p in data.postings]
            try:
                entry = ledger_service.post_manual_journal(
                    page.db,
                    actor=page.actor,
                    entry_date=data.date,
                    reason=data.reason,
                    description=data.description,
                    lines=lines,
                )
            except DomainError as error:
                page.db.rollback()
                _domain_error(page, error, postings, lines)
            else:
                page.flash(N_("Journal %(id)s is posted."), id=entry.id)
                return page.redirect("/coordinator/ledger")
    return _journal_page(
        page, values=values, rows=typed or [{"account": "", "debit": "", "credit": ""}], status_code=422
    )


# --- Import journals from a CSV ------------------------------------------------------------------------


@router.get("/import")
def import_form(page: StaffPage):
    return page.render("ledger/import.html")


def _import_error(page: Page, error: InvalidInput) -> str:
    match = re.fullmatch(r"row (\d+)(?:\.(\w+))?", error.field or "")
    if not match:
        return page._("The file could not be read as journals: %(detail)s", detail=error.detail)
    row, column = match.group(1), match.group(2)
    if column is None:
        return page._(
            "Row %(row)s: the header must name the columns journal, date, account, debit_pence, "
            "credit_pence and reason. Nothing was imported.",
            row=row,
        )
    if column == "journal" and error.code in ("unbalanced", "too_few_postings", "period_closed"):
        problem = {
            "unbalanced": N_("its rows do not balance"),
            "too_few_postings": N_("it needs at least two rows"),
            "period_closed": N_("its date is in a closed accounting period"),
        }[error.code]
        return page._(
            "The journal starting on row %(row)s is refused: %(problem)s. Nothing was imported.",
            row=row,
            problem=page._(problem),
        )
    return page._(
        "Row %(row)s, column %(column)s: %(problem)s. Nothing was imported.",
        row=row,
        column=column,
        problem=page._(IMPORT_COLUMN_ERRORS.get(column, OTHER_COLUMN_ERROR)),
    )


@router.post("/import", dependencies=[Csrf])
def import_journals(page: StaffPage, form: Form):
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        page.errors["file"] = page._("Choose a CSV file of journals.")
        return page.render("ledger/import.html", status_code=422)
    raw = upload.file.read(MAX_CSV_BYTES + 1)
    try:
        if len(raw) > MAX_CSV_BYTES:
            raise InvalidInput("too large", field="file", code="too_large")
        csv_text = raw.decode("utf-8-sig")
        if "\x00" in csv_text:
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "NUL")
    except UnicodeDecodeError:
        page.errors["file"] = page._("The file is not a CSV of UTF-8 text.")
    except InvalidInput:
        page.errors["file"] = page._("The file is larger than 5 MB: split it.")
    else:
        try:
            entries = ledger_service.import_journals_csv(page.db, actor=page.actor, csv_text=csv_text)
        except InvalidInput as error:
            page.db.rollback()
            page.errors["file"] = _import_error(page, error)
        else:
            page.flash(N_("Journals imported: %(count)s."), count=len(entries))
            return page.redirect("/coordinator/ledger")
    return page.render("ledger/import.html", status_code=422)
