"""Cover requests: a client asks for cover; one shift per person per day."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentActor, SessionDep
from api.openapi import errors
from coop.bookings.schemas import CancelIn
from coop.inputs import Id, Offset
from coop.shifts import service as shift_service
from coop.shifts.schemas import CancellationTerms, ShiftRequestCreate, ShiftRequestPublic, ShiftRequestsPublic

router = APIRouter(prefix="/shift-requests", tags=["cover requests"])


@router.post("", response_model=ShiftRequestPublic, status_code=201, responses=errors(404))
def request_cover(data: ShiftRequestCreate, actor: CurrentActor, session: SessionDep):
    return shift_service.create_request(session, actor, data)


@router.get("", response_model=ShiftRequestsPublic)
def list_requests(
    actor: CurrentActor,
    session: SessionDep,
    client_id: Id | None = None,
    status: Annotated[str | None, Query(pattern="^(open|booked|completed|cancelled)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
):
    rows, count = shift_service.list_requests(
        session, actor, client_id=client_id, status=status, limit=limit, offset=offset
    )
    return ShiftRequestsPublic(data=rows, count=count)


@router.get("/{request_id}", response_model=ShiftRequestPublic)
def read_request(request_id: Id, actor: CurrentActor, session: SessionDep):
    return shift_service.get_request(session, actor, request_id)


@router.post("/{request_id}/cancel", response_model=list[CancellationTerms], responses=errors(409))
def cancel_request(request_id: Id, actor: CurrentActor, session: SessionDep, data: CancelIn | None = None):
    return shift_service.cancel_request(session, actor, request_id, reason=data.reason if data else None)
