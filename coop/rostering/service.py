"""Roster-run use-cases: start a run, execute it (in a worker), show it, apply it.

A run is claimed atomically (queued → running), beats a heartbeat while the engine searches, and
writes its best score so far; a run whose worker died (no heartbeat) is queued again, not lost.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import threading
import time
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

import scheduling
from coop import history
from coop.access import OVERSIGHT, STAFF, Actor, require_role
from coop.bookings import service as booking_service
from coop.clients.models import Client
from coop.clock import utcnow
from coop.db import reader
from coop.enums import RunStatus
from coop.errors import Conflict, DomainError, NotFound
from coop.members.models import Member
from coop.policy import Policy, get_policy
from coop.rostering import adapter, greedy
from coop.rostering.models import RosterRun
from coop.rostering.schemas import ApplyResult, RosterRunCreate, RosterRunPublic
from coop.shifts.models import Shift

log = logging.getLogger("coop.rostering")
HEARTBEAT_S = 2.0
STALE_AFTER = timedelta(seconds=30)
MAX_ATTEMPTS = 3


def start_run(session: Session, actor: Actor, data: RosterRunCreate, *, queue=None) -> RosterRun:
    """Queue a run; `queue.enqueue(run_id)` hands it to the job queue once the run is committed."""
    require_role(actor, *STAFF)
    run = RosterRun(
        status=RunStatus.queued,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        profession=data.profession,
        client_ids=sorted(set(data.client_ids)),
        time_limit_s=data.time_limit_s,
        created_by_user_id=actor.user_id,
        created_at=utcnow(),
    )
    session.add(run)
    session.flush()
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="roster_run",
        entity_id=run.id,
        action="queued",
        to_state=RunStatus.queued,
    )
    session.commit()
    if queue is not None:
        queue.enqueue(run.id)
    return run


def get_run(session: Session, actor: Actor, run_id: int) -> RosterRunPublic:
    require_role(actor, *OVERSIGHT)
    run = session.get(RosterRun, run_id)
    if run is None:
        raise NotFound(f"No roster run {run_id}.")
    return public(session, run)


def list_runs(session: Session, actor: Actor, *, limit: int = 20) -> list[RosterRunPublic]:
    require_role(actor, *OVERSIGHT)
    runs = session.exec(select(RosterRun).order_by(col(RosterRun.id).desc()).limit(limit)).all()
    return [public(session, run, detail=False) for run in runs]


def public(session: Session, run: RosterRun, *, detail: bool = True) -> RosterRunPublic:
    result = run.result or {}
    view = RosterRunPublic(
        id=run.id,
        status=run.status,
        starts_on=run.starts_on,
        ends_on=run.ends_on,
        profession=run.profession,
        client_ids=run.client_ids,
        time_limit_s=run.time_limit_s,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        progress=run.progress or {},
        objective=result.get("objective"),
        bound=result.get("bound"),
        gap=result.get("gap"),
        fairness=result.get("fairness", {}),
        continuity=result.get("continuity", {}),
        stages=result.get("stages", {}),
        error=run.error,
        applied_at=run.applied_at,
        apply_result=run.apply_result or {},
    )
    if detail and result:
        view.assignments, view.unfilled = _described(session, result)
    return view


def _described(session: Session, result: dict) -> tuple[list[dict], list[dict]]:
    """The proposal with names and times, for people to read."""
    shift_ids = {a["shift_id"] for a in result.get("assignments", [])} | {
        u["shift_id"] for u in result.get("unfilled", [])
    }
    member_ids = {a["member_id"] for a in result.get("assignments", [])}
    shifts = (
        {s.id: s for s in session.exec(select(Shift).where(col(Shift.id).in_(shift_ids))).all()} if shift_ids else {}
    )
    clients = (
        dict(
            session.exec(
                select(Client.id, Client.name).where(col(Client.id).in_({s.client_id for s in shifts.values()}))
            ).all()
        )
        if shifts
        else {}
    )
    names = (
        dict(session.exec(select(Member.id, Member.name).where(col(Member.id).in_(member_ids))).all())
        if member_ids
        else {}
    )

    def about(shift_id: int) -> dict:
        s = shifts.get(shift_id)
        if s is None:
            return {}
        return {
            "client_id": s.client_id,
            "client_name": clients.get(s.client_id),
            "kind": s.kind,
            "starts_at": s.starts_at.isoformat(),
            "ends_at": s.ends_at.isoformat(),
            "shift_status": s.status,
        }

    assignments = [
        a | {"member_name": names.get(a["member_id"])} | about(a["shift_id"]) for a in result.get("assignments", [])
    ]
    unfilled = [u | about(u["shift_id"]) for u in result.get("unfilled", [])]
    return assignments, unfilled


# Running ----------------------------------------------------------------------------------------


def claim(engine: Engine, run_id: int) -> bool:
    """queued → running, atomically: only one worker ever runs a run at a time."""
    with Session(engine) as session:
        now = utcnow()
        result = session.exec(
            update(RosterRun)
            .where(RosterRun.id == run_id, RosterRun.status == RunStatus.queued)
            .values(status=RunStatus.running, started_at=now, heartbeat_at=now, attempts=RosterRun.attempts + 1)
        )
        session.commit()
        return result.rowcount == 1


def next_queued(engine: Engine) -> int | None:
    with Session(engine) as session:
        return session.exec(
            select(RosterRun.id).where(RosterRun.status == RunStatus.queued).order_by(RosterRun.id)
        ).first()


def requeue_stalled(engine: Engine, *, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Runs whose worker stopped beating (a crash) go back to the queue, or fail after MAX_ATTEMPTS.

    Several workers sweep at once: each takes the stalled rows it can lock and leaves the rest to the others
    (PostgreSQL; SQLite has one writer anyway)."""
    cutoff = utcnow() - stale_after
    with Session(engine) as session:
        stalled = session.exec(
            select(RosterRun)
            .where(
                RosterRun.status == RunStatus.running,
                or_(col(RosterRun.heartbeat_at).is_(None), RosterRun.heartbeat_at < cutoff),
            )
            .with_for_update(skip_locked=True)
        ).all()
        requeued = []
        for run in stalled:
            if run.attempts >= MAX_ATTEMPTS:
                run.status, run.error, run.finished_at = (
                    RunStatus.failed,
                    "The worker stopped too many times.",
                    utcnow(),
                )
            else:
                run.status = RunStatus.queued
                requeued.append(run.id)
            session.add(run)
            history.record(
                session,
                actor_user_id=None,
                entity="roster_run",
                entity_id=run.id,
                action="stalled",
                from_state=RunStatus.running,
                to_state=run.status,
            )
        session.commit()
        return requeued


def _write_progress(engine: Engine, run_id: int, **values) -> None:
    with Session(engine) as session:
        session.exec(
            update(RosterRun)
            .where(RosterRun.id == run_id, RosterRun.status == RunStatus.running)
            .values(heartbeat_at=utcnow(), **values)
        )
        session.commit()


def execute(engine: Engine, run_id: int, *, policy: Policy | None = None, heartbeat_s: float = HEARTBEAT_S) -> str:
    """Claim and solve one run; returns its final status. Safe to call twice: only one claim wins.

    Each profession is its own model (no member crosses professions), solved in turn with a share of
    the time limit, starting from the greedy first roster (coop.rostering.greedy).
    """
    policy = policy or get_policy()
    if not claim(engine, run_id):
        with Session(engine) as session:
            run = session.get(RosterRun, run_id)
            return run.status if run else "missing"
    started = time.monotonic()
    progress: dict = {"objective": None, "bound": None, "elapsed_s": 0.0}
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(heartbeat_s):
            progress["elapsed_s"] = round(time.monotonic() - started, 1)
            try:
                _write_progress(engine, run_id, progress=dict(progress))
            except Exception:  # noqa: BLE001  (a missed beat is retried on the next one)
                log.warning("roster run %s: could not write its progress", run_id, exc_info=True)

    heart = threading.Thread(target=beat, name=f"roster-run-{run_id}-heartbeat", daemon=True)
    heart.start()
    try:
        with Session(reader(engine)) as session:  # reads only: the heartbeat must be able to write meanwhile
            run = session.get(RosterRun, run_id)
            time_limit = run.time_limit_s
            parts = []
            for role in _roles(session, run):
                scope = adapter.Scope(run.starts_on, run.ends_on, role, tuple(run.client_ids))
                built = adapter.build(session, scope, policy)
                if built.problem.shifts:
                    parts.append((built, greedy.first_roster(built, policy)))
        budget = max(1.0, time_limit - (time.monotonic() - started))

        def on_progress(objective: float, bound: float) -> None:
            progress.update(objective=round(objective), bound=round(bound, 1))
            progress["elapsed_s"] = round(time.monotonic() - started, 1)

        result = _result(solve_parts(parts, budget, on_progress=on_progress))
        status, error = RunStatus.done, None
    except Exception as exc:  # noqa: BLE001  (a failed run is reported, never lost)
        log.exception("roster run %s failed", run_id)
        result, status, error = {}, RunStatus.failed, failure_message(exc, run_id)
    finally:
        stop.set()
        heart.join(timeout=5)
    progress["elapsed_s"] = round(time.monotonic() - started, 1)
    if result:
        progress.update(objective=result.get("objective"), bound=result.get("bound"))
    _write_progress(
        engine, run_id, status=status, result=result, error=error, finished_at=utcnow(), progress=dict(progress)
    )
    with Session(engine) as session:
        history.record(
            session,
            actor_user_id=None,
            entity="roster_run",
            entity_id=run_id,
            action="finished",
            from_state=RunStatus.running,
            to_state=status,
        )
        session.commit()
    return status


def failure_message(error: Exception, run_id: int) -> str:
    """What a coordinator reads on a failed run: what went wrong, in words. Never SQL, a traceback or the
    exception's own text, which can carry both; those go to the worker's log, which the message points at."""
    if isinstance(error, DomainError):
        return error.detail[:2000]
    what = "the rostering engine stopped with an error"
    if isinstance(error, SQLAlchemyError):
        what = "the database refused to give the run its shifts and members"
    elif isinstance(error, MemoryError):
        what = "the worker ran out of memory (a shorter horizon or fewer clients needs less)"
    return f"The roster could not be worked out: {what}. The details are in the worker's log (roster run {run_id})."


def solve_parts(
    parts: list[tuple[adapter.Built, list[tuple[str, str]]]],
    budget_s: float,
    *,
    on_progress=None,
    num_workers: int | None = None,
    explain: bool = True,
    tuning: dict[str, float] | None = None,
) -> list[tuple[adapter.Built, scheduling.RosterSolution]]:
    """Solve each profession's model in turn with its share of ``budget_s`` (by number of shifts), each from
    its greedy first roster, with the "staged" strategy (fill first, then the rest). A part the engine finds
    no roster for in time gets the greedy roster. ``on_progress(objective, bound)`` sees the running totals.
    ``tuning`` sets other ``scheduling.SolveParameters`` fields (the benchmark's fill shares, say).
    """
    solved = []
    started = time.monotonic()
    total = sum(len(b.problem.shifts) for b, _ in parts) or 1
    done_shifts = 0
    before_objective, before_bound = 0, 0.0
    for built, hint in parts:
        # Each part gets at least its share of the budget, and what earlier parts left unused.
        left = budget_s - (time.monotonic() - started)
        share = max(
            1.0,
            budget_s * len(built.problem.shifts) / total,
            left * len(built.problem.shifts) / max(1, total - done_shifts),
        )

        def report(objective: float, bound: float, _elapsed: float, base=(before_objective, before_bound)) -> None:
            if on_progress:
                on_progress(base[0] + objective, base[1] + bound)

        solution = scheduling.solve(
            built.problem,
            scheduling.SolveParameters(
                time_limit_s=share,
                random_seed=0,
                num_workers=num_workers,
                strategy="staged",
                explain=explain,
                **(tuning or {}),
            ),
            progress=report,
            hint=hint,
        )
        if solution.status not in ("OPTIMAL", "FEASIBLE"):
            solution = _greedy_solution(built, hint, solution)
        solved.append((built, solution))
        done_shifts += len(built.problem.shifts)
        before_objective += solution.objective or 0
        before_bound += solution.best_bound or 0.0
    return solved


def _roles(session: Session, run: RosterRun) -> list[str]:
    if run.profession:
        return [run.profession]
    scope = adapter.Scope(run.starts_on, run.ends_on, None, tuple(run.client_ids))
    return sorted({s.role for s in adapter.open_shifts(session, scope, now=utcnow())})


def _greedy_solution(built: adapter.Built, hint: list[tuple[str, str]], failed: scheduling.RosterSolution):
    """When the engine has no roster in time, the greedy roster (feasible by the same rules) is the proposal;
    its empty shifts are explained from the rules every member fails, or as needed elsewhere."""
    brief = scheduling.brief_solution(
        built.problem, hint, status=f"GREEDY ({failed.status})", wall_time_s=failed.wall_time_s
    )
    return dataclasses.replace(brief, best_bound=failed.best_bound)


def _result(solved: list[tuple[adapter.Built, scheduling.RosterSolution]]) -> dict:
    assignments = [a for _b, s in solved for a in s.assignments]
    fairness = [f for _b, s in solved for f in s.fairness if f.wanted_minutes]
    shortfalls = [f.shortfall_minutes for f in fairness]
    complete = all(s.objective is not None for _b, s in solved)
    objective = sum(s.objective for _b, s in solved) if complete else None
    bound = sum(s.best_bound or 0.0 for _b, s in solved)
    cost: dict[str, int] = {}
    for _b, s in solved:
        for term, value in s.cost_by_term.items():
            cost[term] = cost.get(term, 0) + value
    return {
        "status": ", ".join(s.status for _b, s in solved) or "NOTHING_TO_DO",
        "objective": objective if solved else 0,
        "bound": round(bound, 1) if solved else 0,
        "gap": (objective - bound) / max(1.0, abs(objective)) if solved and complete else (0.0 if not solved else None),
        "wall_time_s": round(sum(s.wall_time_s for _b, s in solved), 2),
        "open_shifts": sum(len(b.problem.shifts) for b, _s in solved),
        "assignments": [
            {"shift_id": int(a.shift_id), "member_id": int(a.member_id), "reasons": list(a.reasons)}
            for a in assignments
        ],
        "unfilled": [
            {
                "shift_id": int(u.shift_id),
                "missing": u.missing,
                "reasons": [{"code": r.code, "count": r.count, "detail": r.detail} for r in u.reasons],
            }
            for _b, s in solved
            for u in s.unfilled
        ],
        "fairness": {
            "members_with_work": len({a.member_id for a in assignments}),
            "largest_shortfall_hours": round(max(shortfalls, default=0) / 60, 1),
            "total_shortfall_hours": round(sum(shortfalls) / 60, 1),
        },
        "continuity": {
            "pairs_kept": sum(s.continuity_pairs_kept for _b, s in solved),
            "pairs_total": sum(s.continuity_pairs_total for _b, s in solved),
        },
        "cost_by_term": cost,
        "stages": _stages(solved),
    }


def _stages(solved: list[tuple[adapter.Built, scheduling.RosterSolution]]) -> dict:
    """The staged solve's figures summed over professions: unfilled places (priority-weighted) against the
    fewest any roster could leave, and the other goals against their bound with that fill kept."""
    fill = [s.stages["fill"] for _b, s in solved if "fill" in s.stages]
    quality = [s.stages["quality"] for _b, s in solved if "objective" in s.stages.get("quality", {})]
    if not solved or len(fill) < len(solved):
        return {}
    out = {
        "fill": {
            "unfilled_cost": sum(f["unfilled_cost"] for f in fill),
            "bound": sum(math.ceil(f["bound"] - 1e-6) for f in fill),
            "proven": all(f["status"] == "OPTIMAL" for f in fill),
        }
    }
    if len(quality) == len(solved):
        objective, bound = sum(q["objective"] for q in quality), sum(q["bound"] for q in quality)
        out["quality"] = {"objective": objective, "bound": bound, "gap": (objective - bound) / max(1.0, abs(objective))}
    return out


# Applying ---------------------------------------------------------------------------------------


def apply_run(session: Session, actor: Actor, run_id: int, *, policy: Policy | None = None) -> ApplyResult:
    """Book every proposed assignment in one transaction, each checked again; conflicts are skipped, never
    overwritten, and reported with the rule that stopped them."""
    require_role(actor, *STAFF)
    policy = policy or get_policy()
    session.exec(update(RosterRun).where(RosterRun.id == run_id).values(attempts=RosterRun.attempts))  # lock the run
    run = session.get(RosterRun, run_id, populate_existing=True)
    if run is None:
        raise NotFound(f"No roster run {run_id}.")
    if run.status != RunStatus.done:
        raise Conflict(f"The run is {run.status}: only a finished run can be applied.", code=f"run_{run.status}")
    if run.applied_at is not None:
        raise Conflict("This roster has already been applied.", code="run_applied")
    booked, skipped = 0, []
    for proposal in sorted(run.result.get("assignments", []), key=lambda a: a["shift_id"]):
        savepoint = session.begin_nested()
        try:
            booking_service.book_locked(
                session, actor, proposal["shift_id"], proposal["member_id"], policy=policy, roster_run_id=run.id
            )
            savepoint.commit()
            booked += 1
        except (DomainError, IntegrityError) as error:
            savepoint.rollback()
            code = error.code if isinstance(error, DomainError) else "conflict"
            detail = error.detail if isinstance(error, DomainError) else "A booking made meanwhile conflicts."
            skipped.append(
                {"shift_id": proposal["shift_id"], "member_id": proposal["member_id"], "code": code, "detail": detail}
            )
    run.applied_at, run.applied_by_user_id = utcnow(), actor.user_id
    run.apply_result = {"booked": booked, "skipped": skipped}
    session.add(run)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="roster_run",
        entity_id=run.id,
        action="applied",
        data={"booked": booked, "skipped": len(skipped)},
    )
    session.commit()
    return ApplyResult(booked=booked, skipped=skipped)


def next_week(today) -> tuple:
    """Monday to Sunday of the week after `today` (local dates)."""
    monday = today + timedelta(days=7 - today.weekday())
    return monday, monday + timedelta(days=6)
