"""Pay pages: a member's "My pay" (each week, each shift by band, holiday pay, totals, what waits for a run)
and the coordinators' pay runs (make one for a period, read its members and totals, post it, export the file)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response

from coop.clock import today_local
from coop.errors import DomainError, InvalidInput
from coop.pay import payroll
from coop.pay.rules import hours_text
from web.i18n import N_
from web.page import Csrf, Form, Page, PageRouter, role_page

router = PageRouter()
MemberPage = Annotated[Page, Depends(role_page("member"))]
CoordinatorPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]
RECENT_DAYS = 56

BAND_LABELS = {
    "plain": N_("Standard hours"),
    "weekday_night": N_("Weekday nights"),
    "saturday": N_("Saturday"),
    "sunday": N_("Sunday"),
    "bank_holiday": N_("Bank holiday"),
}
STATUS_LABELS = {"draft": N_("Draft"), "posted": N_("Posted"), "exported": N_("Exported")}
# The pay area's refusals, in the reader's language (the English detail names the run and dates).
PAY_ERRORS = {
    "pay_run_overlaps": N_("A pay run already covers some of these days."),
    "pay_run_nothing_to_pay": N_("There is no approved pay to run for this period."),
    "pay_run_draft": N_("Post the pay run before exporting it."),
    "pay_run_posted": N_("This pay run is already posted."),
    "pay_run_exported": N_("This pay run is already exported."),
    "no_rate_card": N_("A timesheet cannot be priced: no rate card for the member's grade. Add a rate card first."),
}


def _date(page: Page, text: str, field: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        page.errors[field] = page._("Enter a date.")
        return None


def _fail(page: Page, error: DomainError) -> None:
    if error.code in PAY_ERRORS:
        page.errors[getattr(error, "field", None) or "form"] = page._(PAY_ERRORS[error.code])
    else:
        page.fail(error)


def _band(page: Page, band: str) -> str:
    return page._(BAND_LABELS[band]) if band in BAND_LABELS else band


# My pay -----------------------------------------------------------------------------------------


@router.get("/member/pay")
def my_pay(page: MemberPage):
    query = page.request.query_params
    values = {name: str(query.get(name) or "").strip() for name in ("start", "end")}
    end = _date(page, values["end"], "end") or today_local()
    start = _date(page, values["start"], "start") or end - timedelta(days=RECENT_DAYS)
    status = 200
    pay = None
    try:
        pay = payroll.my_pay(session=page.db, actor=page.actor, start=start, end=end)
    except InvalidInput as error:
        page.db.rollback()
        page.fail(error)
        status = 422
    weeks: dict[date, list] = defaultdict(list)
    for entry in pay.data if pay else []:
        weeks[entry.worked_on - timedelta(days=entry.worked_on.weekday())].append(entry)
    periods = [
        {
            "start": monday,
            "end": monday + timedelta(days=6),
            "entries": entries,
            "total": sum(e.total_pence for e in entries),
        }
        for monday, entries in sorted(weeks.items(), reverse=True)
    ]
    if page.errors:
        status = 422
    return page.render(
        "pay/my_pay.html",
        status_code=status,
        pay=pay,
        periods=periods,
        values={"start": values["start"] or start.isoformat(), "end": values["end"] or end.isoformat()},
        band=lambda b: _band(page, b),
        hours=hours_text,
    )


# Coordinator pay runs ---------------------------------------------------------------------------


def _runs_page(page: CoordinatorPage, values: dict[str, str], *, status_code: int = 200):
    runs = payroll.list_pay_runs(session=page.db, actor=page.actor)
    return page.render(
        "pay/runs.html",
        status_code=status_code,
        runs=runs,
        values=values,
        status_label=lambda s: page._(STATUS_LABELS.get(s, s)),
    )


@router.get("/coordinator/pay-runs")
def pay_runs(page: CoordinatorPage):
    start, end = payroll.default_period(today_local())
    return _runs_page(page, {"period_start": start.isoformat(), "period_end": end.isoformat()})


@router.post("/coordinator/pay-runs", dependencies=[Csrf])
def create_pay_run(page: CoordinatorPage, form: Form):
    values = {name: str(form.get(name) or "").strip() for name in ("period_start", "period_end")}
    start = _date(page, values["period_start"], "period_start")
    end = _date(page, values["period_end"], "period_end")
    for name, value in (("period_start", start), ("period_end", end)):
        if value is None and name not in page.errors:
            page.errors[name] = page._("Enter a date.")
    if page.errors:
        return _runs_page(page, values, status_code=422)
    try:
        run = payroll.create_pay_run(session=page.db, actor=page.actor, period_start=start, period_end=end)
    except DomainError as error:
        page.db.rollback()
        _fail(page, error)
        return _runs_page(page, values, status_code=409 if error.code.startswith("pay_run") else 422)
    page.flash(N_("Pay run made for %(start)s to %(end)s: check it, then post it."), start=str(start), end=str(end))
    return page.redirect(f"/coordinator/pay-runs/{run.id}")


@router.get("/coordinator/pay-runs/{run_id}")
def pay_run(page: CoordinatorPage, run_id: int):
    run = payroll.get_pay_run(session=page.db, actor=page.actor, run_id=run_id)
    return page.render(
        "pay/run.html",
        run=run,
        bands=list(BAND_LABELS),
        band=lambda b: _band(page, b),
        hours=hours_text,
        status_label=lambda s: page._(STATUS_LABELS.get(s, s)),
    )


@router.post("/coordinator/pay-runs/{run_id}/post", dependencies=[Csrf])
def post_pay_run(page: CoordinatorPage, run_id: int):
    try:
        payroll.post_pay_run(session=page.db, actor=page.actor, run_id=run_id)
    except DomainError as error:
        page.db.rollback()
        if error.code == "not_found":
            raise
        _fail(page, error)
        run = payroll.get_pay_run(session=page.db, actor=page.actor, run_id=run_id)
        return page.render(
            "pay/run.html",
            status_code=409,
            run=run,
            bands=list(BAND_LABELS),
            band=lambda b: _band(page, b),
            hours=hours_text,
            status_label=lambda s: page._(STATUS_LABELS.get(s, s)),
        )
    page.flash(N_("Pay run posted to the books."))
    return page.redirect(f"/coordinator/pay-runs/{run_id}")


@router.get("/coordinator/pay-runs/{run_id}/payroll.csv")
def payroll_file(page: CoordinatorPage, run_id: int):
    filename, text = payroll.export_payroll_for_run(session=page.db, actor=page.actor, run_id=run_id)
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
