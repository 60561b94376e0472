"""Cover requests: a client asks for cover; one shift per person per day."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.openapi import errors
from coop.bookings import service as booking_service
from coop.bookings.schemas import CancelIn
from coop.cover import service as cover_service
from coop.enums import CoverStatus
from coop.inputs import Id, Offset
from coop.shifts import service as shift_service
from coop.shifts.schemas import CancellationTerms, ShiftRequestCreate, ShiftRequestPublic, ShiftRequestsPublic
from edge.deps import CurrentActor, SessionDep

router = APIRouter(prefix="/shift-requests", tags=["cover requests"])


@router.post("", response_model=ShiftRequestPublic, status_code=201, responses=errors(404))
def request_cover(data: ShiftRequestCreate, actor: CurrentActor, session: SessionDep):
    return cover_service.request_public(session, shift_service.create_request(session, actor, data))


@router.get("", response_model=ShiftRequestsPublic)
def list_requests(
    actor: CurrentActor,
    session: SessionDep,
    client_id: Id | None = None,
    status: CoverStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
):
    rows, count = cover_service.list_requests(
        session, actor, client_id=client_id, status=status, limit=limit, offset=offset
    )
    return ShiftRequestsPublic(data=rows, count=count)


@router.get("/{request_id}", response_model=ShiftRequestPublic)
def read_request(request_id: Id, actor: CurrentActor, session: SessionDep):
    return cover_service.get_request(session, actor, request_id)


@router.post("/{request_id}/cancel", response_model=list[CancellationTerms], responses=errors(409))
def cancel_request(request_id: Id, actor: CurrentActor, session: SessionDep, data: CancelIn | None = None):
    return booking_service.cancel_request(session, actor, request_id, reason=data.reason if data else None)
