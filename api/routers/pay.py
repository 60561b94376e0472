"""Member pay: a member's own pay, the coordinators' pay runs and the payroll export.

Thin: parse, call coop.pay.payroll, respond. The use-cases check the role; /me/pay is always the caller's own.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.openapi import errors
from coop.clock import today_local
from coop.pay import payroll
from coop.pay.schemas import MAX_ID, MyPayPublic, PayRunCreate, PayRunPublic, PayRunsPublic
from edge.deps import CurrentActor, SessionDep

router = APIRouter(tags=["pay"])
RunId = Annotated[int, Path(ge=1, le=MAX_ID)]
RECENT_DAYS = 56


@router.get("/me/pay", response_model=MyPayPublic)
def my_pay(actor: CurrentActor, session: SessionDep, start: date | None = None, end: date | None = None):
    """Your pay for timesheets worked from `start` to `end` (local dates; the last eight weeks by default):
    each shift's lines by band, holiday pay, the total, and the pay run it is in (null while it waits)."""
    end = end or today_local()
    start = start or end - timedelta(days=RECENT_DAYS)
    return payroll.my_pay(session=session, actor=actor, start=start, end=end)


@router.get("/pay-runs", response_model=PayRunsPublic)
def list_pay_runs(actor: CurrentActor, session: SessionDep):
    runs = payroll.list_pay_runs(session=session, actor=actor)
    return PayRunsPublic(data=runs, count=len(runs))


@router.post("/pay-runs", response_model=PayRunPublic, status_code=201, responses=errors(409))
def create_pay_run(actor: CurrentActor, session: SessionDep, data: PayRunCreate):
    """A draft run for the period: every approved line worked in it or before it and not yet in a run."""
    return payroll.create_pay_run(
        session=session, actor=actor, period_start=data.period_start, period_end=data.period_end
    )


@router.get("/pay-runs/{run_id}", response_model=PayRunPublic)
def get_pay_run(actor: CurrentActor, session: SessionDep, run_id: RunId):
    return payroll.get_pay_run(session=session, actor=actor, run_id=run_id)


@router.post("/pay-runs/{run_id}/post", response_model=PayRunPublic, responses=errors(409))
def post_pay_run(actor: CurrentActor, session: SessionDep, run_id: RunId):
    """Post the run: one balanced ledger entry (wages, holiday pay, employer NI and pension)."""
    return payroll.post_pay_run(session=session, actor=actor, run_id=run_id)


@router.get("/payroll.csv", response_class=Response, responses=errors(404, 409))
def payroll_csv(actor: CurrentActor, session: SessionDep, period_start: date, period_end: date):
    """The payroll provider's file for a posted run's period: one row per member. A second export gives the
    same bytes."""
    filename, text = payroll.export_payroll(
        session=session, actor=actor, period_start=period_start, period_end=period_end
    )
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
