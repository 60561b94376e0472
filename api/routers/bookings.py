"""Bookings and timesheets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.openapi import errors
from coop.bookings import service as booking_service
from coop.bookings import timesheets as timesheet_service
from coop.bookings.schemas import BookingPublic, CancelIn, QueryIn, ResolveIn, TimesheetIn, TimesheetPublic
from coop.enums import TimesheetStatus
from coop.inputs import Id, Offset
from edge.deps import CurrentActor, SessionDep

router = APIRouter(tags=["bookings and timesheets"])


@router.get("/bookings/{booking_id}", response_model=BookingPublic)
def read_booking(booking_id: Id, actor: CurrentActor, session: SessionDep):
    return booking_service.get_booking(session, actor, booking_id)


@router.post("/bookings/{booking_id}/cancel", response_model=BookingPublic, responses=errors(409))
def cancel_booking(booking_id: Id, actor: CurrentActor, session: SessionDep, data: CancelIn | None = None):
    return booking_service.cancel_booking(session, actor, booking_id, reason=data.reason if data else None)


@router.post("/bookings/{booking_id}/timesheet", response_model=TimesheetPublic, status_code=201, responses=errors(409))
def submit_timesheet(booking_id: Id, data: TimesheetIn, actor: CurrentActor, session: SessionDep):
    return timesheet_service.submit_timesheet(session, actor, booking_id, data)


@router.get("/timesheets", response_model=list[TimesheetPublic])
def list_timesheets(
    actor: CurrentActor,
    session: SessionDep,
    status: TimesheetStatus | None = None,
    client_id: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
):
    return timesheet_service.list_timesheets(
        session, actor, status=status, client_id=client_id, limit=limit, offset=offset
    )


@router.get("/timesheets/{timesheet_id}", response_model=TimesheetPublic)
def read_timesheet(timesheet_id: Id, actor: CurrentActor, session: SessionDep):
    return timesheet_service.get_timesheet(session, actor, timesheet_id)


@router.post("/timesheets/{timesheet_id}/approve", response_model=TimesheetPublic, responses=errors(409))
def approve(timesheet_id: Id, actor: CurrentActor, session: SessionDep):
    return timesheet_service.approve_timesheet(session, actor, timesheet_id)


@router.post("/timesheets/{timesheet_id}/query", response_model=TimesheetPublic, responses=errors(409))
def query(timesheet_id: Id, data: QueryIn, actor: CurrentActor, session: SessionDep):
    return timesheet_service.query_timesheet(session, actor, timesheet_id, data.comment)


@router.post("/timesheets/{timesheet_id}/resolve", response_model=TimesheetPublic, responses=errors(409))
def resolve(timesheet_id: Id, data: ResolveIn, actor: CurrentActor, session: SessionDep):
    return timesheet_service.resolve_timesheet(session, actor, timesheet_id, data)
