"""Roster runs for coordinators: start one over a horizon and scope, watch it solve, review the proposal,
apply it and see what was booked and what was skipped and why.

The run is solved by the job queue's worker (`app.state.queue`); the run page polls a small JSON
endpoint here, authorised by the session cookie like every page, with a <noscript> refresh as the fallback.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from coop.clients import service as client_service
from coop.clock import LONDON, today_local
from coop.enums import Profession, RunStatus
from coop.errors import DomainError
from coop.inputs import Id
from coop.rostering import service as roster_service
from coop.rostering.schemas import RosterRunCreate, RosterRunPublic
from web import messages
from web.i18n import N_, fmt_date, fmt_time
from web.page import Csrf, Form, Page, PageRouter, role_page
from web.pages.coordinator_shifts import counted, when_text
from web.present import options, translate_errors

router = PageRouter(prefix="/coordinator/rosters")
StaffPage = Annotated[Page, Depends(role_page("coordinator", "admin"))]
DEFAULT_TIME_LIMIT_S = 20
FIELDS = ("starts_on", "ends_on", "profession", "time_limit_s")

STATUS = {
    "queued": N_("Waiting to start"),
    "running": N_("Working on it"),
    "done": N_("Finished"),
    "failed": N_("Failed"),
}


def _status_text(page: Page, run: RosterRunPublic) -> str:
    if run.applied_at is not None:
        return page._("Applied")
    return page._(STATUS.get(run.status, run.status))


def _number(value: Any, digits: int = 0) -> str:
    """A figure for people: whole numbers without a decimal point, others to `digits` places."""
    if value is None:
        return ""
    number = float(value)
    return f"{number:.{digits}f}" if digits else str(round(number))


def progress_view(page: Page, run: RosterRunPublic) -> dict[str, Any]:
    """What the progress bar shows, as the page renders it and as progress.json answers (already in words)."""
    progress = run.progress or {}
    elapsed = float(progress.get("elapsed_s") or 0.0)
    if run.started_at and run.finished_at:
        # A run that found its roster before reporting any progress still took the time it took.
        elapsed = max(elapsed, (run.finished_at - run.started_at).total_seconds())
    limit = run.time_limit_s
    objective, bound = progress.get("objective"), progress.get("bound")
    return {
        "status": run.status,
        "finished": run.status in (RunStatus.done, RunStatus.failed),
        "status_text": _status_text(page, run),
        "value": round(min(elapsed, limit), 3),
        "max": limit,
        "elapsed_text": page._(
            "%(elapsed)s of %(limit)s seconds", elapsed=_number(min(elapsed, limit), 1), limit=limit
        ),
        "objective_text": _number(objective) if objective is not None else page._("Not yet found"),
        "bound_text": _number(bound, 0 if float(bound) == round(float(bound)) else 1)
        if bound is not None
        else page._("Not yet known"),
        "time_text": page._("%(seconds)s seconds", seconds=_number(elapsed, 1)),
    }


# Start a run --------------------------------------------------------------------------------------


def _clients(page: Page) -> list[tuple[int, str]]:
    rows, _ = client_service.list_clients(page.db, page.actor, limit=500)
    return sorted(((c.id, c.name) for c in rows), key=lambda pair: pair[1].lower())


def _index(page: Page, *, values: dict | None = None, chosen: set[int] | None = None, status_code: int = 200):
    if values is None:
        first, last = roster_service.next_week(today_local())
        values = {
            "starts_on": first.isoformat(),
            "ends_on": last.isoformat(),
            "profession": "",
            "time_limit_s": str(DEFAULT_TIME_LIMIT_S),
        }
    runs = roster_service.list_runs(page.db, page.actor, limit=20)
    return page.render(
        "coordinator/rosters.html",
        status_code=status_code,
        values=values,
        chosen=chosen or set(),
        clients=_clients(page),
        professions=options(page, "profession", list(Profession)),
        runs=[(run, _status_text(page, run)) for run in runs],
    )


@router.get("")
def rosters(page: StaffPage):
    return _index(page)


@router.post("", dependencies=[Csrf])
def start(page: StaffPage, form: Form):
    values = {name: str(form.get(name) or "").strip() for name in FIELDS}
    chosen = {int(v) for v in form.getlist("client_ids") if str(v).isdigit()}
    raw = {
        "starts_on": values["starts_on"] or None,
        "ends_on": values["ends_on"] or None,
        "profession": values["profession"] or None,
        "client_ids": sorted(chosen),
        "time_limit_s": values["time_limit_s"] or DEFAULT_TIME_LIMIT_S,
    }
    try:
        data = RosterRunCreate.model_validate(raw)
    except ValidationError as error:
        translate_errors(page, error)
    else:
        try:
            run = roster_service.start_run(page.db, page.actor, data, queue=page.request.app.state.queue)
        except DomainError as error:
            page.db.rollback()
            page.fail(error)
        else:
            page.flash(N_("The roster run has started."))
            return page.redirect(f"/coordinator/rosters/{run.id}")
    return _index(page, values=values, chosen=chosen, status_code=422)


# One run ------------------------------------------------------------------------------------------


def _local(at: str | datetime) -> datetime:
    value = datetime.fromisoformat(at) if isinstance(at, str) else at
    return value.astimezone(LONDON)


def _shift_words(page: Page, item: dict) -> str:
    if not item.get("starts_at"):
        return page._("Shift %(id)s", id=item.get("shift_id"))
    return when_text(page, _local(item["starts_at"]), _local(item["ends_at"]))


def _proposal(page: Page, run: RosterRunPublic) -> dict[str, Any]:
    days: dict[Any, list[dict]] = defaultdict(list)
    by_shift = {}
    for a in sorted(run.assignments, key=lambda a: (a.get("starts_at") or "", a.get("client_name") or "")):
        start = _local(a["starts_at"]) if a.get("starts_at") else None
        row = {
            "member": a.get("member_name") or "",
            "client": a.get("client_name") or "",
            "kind": a.get("kind"),
            "times": page._(
                "%(start)s to %(end)s",
                start=fmt_time(start.time(), page.lang),
                end=fmt_time(_local(a["ends_at"]).time(), page.lang),
            )
            if start
            else "",
            "reasons": [page._(messages.ASSIGNMENT_REASONS.get(code, code)) for code in a.get("reasons", [])],
        }
        days[start.date() if start else None].append(row)
        by_shift[a["shift_id"]] = a
    grouped = [(fmt_date(day, page.lang, "full") if day else "", rows) for day, rows in days.items()]
    unfilled = [
        {
            "when": _shift_words(page, u),
            "client": u.get("client_name") or "",
            "kind": u.get("kind"),
            "missing": u.get("missing", 1),
            # The members of other professions (not_eligible) come last: they are rarely the point.
            "reasons": [
                counted(page, r["code"], r["count"])
                for r in sorted(u.get("reasons", []), key=lambda r: r["code"] == "not_eligible")
            ],
        }
        for u in sorted(run.unfilled, key=lambda u: u.get("starts_at") or "")
    ]
    skipped = []
    for s in run.apply_result.get("skipped", []):
        about = by_shift.get(s["shift_id"], {})
        skipped.append(
            {
                "member": about.get("member_name") or "",
                "client": about.get("client_name") or "",
                "when": _shift_words(page, about | {"shift_id": s["shift_id"]}),
                "reason": page._(messages.rule_reason(s.get("code", "conflict"))),
            }
        )
    return {"days": grouped, "unfilled": unfilled, "skipped": skipped}


def _run_page(page: Page, run_id: Id, *, status_code: int = 200):
    run = roster_service.get_run(page.db, page.actor, run_id)
    client_names = dict(_clients(page)) if run.client_ids else {}
    return page.render(
        "coordinator/roster.html",
        status_code=status_code,
        run=run,
        status_text=_status_text(page, run),
        progress=progress_view(page, run),
        clients=[client_names.get(i, str(i)) for i in run.client_ids],
        **(_proposal(page, run) if run.status == RunStatus.done else {"days": [], "unfilled": [], "skipped": []}),
    )


@router.get("/{run_id}")
def show_run(page: StaffPage, run_id: Id):
    return _run_page(page, run_id)


@router.get("/{run_id}/progress.json")
def progress(page: StaffPage, run_id: Id):
    run = roster_service.get_run(page.db, page.actor, run_id)
    return JSONResponse(progress_view(page, run), headers={"Cache-Control": "no-store"})


@router.post("/{run_id}/apply", dependencies=[Csrf])
def apply(page: StaffPage, run_id: Id):
    try:
        result = roster_service.apply_run(page.db, page.actor, run_id)
    except DomainError as error:
        page.db.rollback()
        page.errors["form"] = page._(messages.ROSTER_ERRORS.get(error.code) or messages.error_message(error))
        return _run_page(page, run_id, status_code=409)
    page.flash(
        N_("The roster is applied: shifts booked %(booked)s, skipped %(skipped)s."),
        **{
            "booked": result.booked,
            "skipped": len(result.skipped),
        },
    )
    return page.redirect(f"/coordinator/rosters/{run_id}")
