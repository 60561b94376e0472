"""Roster runs: a coordinator asks the engine to fill a horizon's open shifts, watches it, applies it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.openapi import errors
from coop.inputs import Id
from coop.rostering import service as roster_service
from coop.rostering.schemas import ApplyResult, RosterRunCreate, RosterRunPublic
from edge.deps import CurrentActor, SessionDep

router = APIRouter(prefix="/roster-runs", tags=["rostering"])


@router.post("", status_code=202, response_model=RosterRunPublic)
def start_run(data: RosterRunCreate, actor: CurrentActor, session: SessionDep, request: Request):
    run = roster_service.start_run(session, actor, data, queue=request.app.state.queue)
    return roster_service.public(session, run)


@router.get("", response_model=list[RosterRunPublic])
def list_runs(actor: CurrentActor, session: SessionDep):
    return roster_service.list_runs(session, actor)


@router.get("/{run_id}", response_model=RosterRunPublic)
def read_run(run_id: Id, actor: CurrentActor, session: SessionDep):
    return roster_service.get_run(session, actor, run_id)


@router.post("/{run_id}/apply", response_model=ApplyResult, responses=errors(409))
def apply_run(run_id: Id, actor: CurrentActor, session: SessionDep):
    return roster_service.apply_run(session, actor, run_id)
