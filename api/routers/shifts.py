"""Shifts: the member's open shifts, booking, candidates, cancellation by the client."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query

from api.openapi import errors
from coop.bookings import service as booking_service
from coop.bookings.schemas import BookingPublic, BookOnBehalf, CancelIn
from coop.cover import service as cover_service
from coop.enums import CoverStatus, Profession
from coop.inputs import Code, Day, Id, Offset
from coop.shifts.schemas import CancellationTerms, Candidates, OpenShift, ShiftPublic, ShiftsPublic
from edge.deps import CurrentActor, SessionDep

router = APIRouter(prefix="/shifts", tags=["shifts"])


@router.get("/open", response_model=list[OpenShift])
def open_shifts(
    actor: CurrentActor,
    session: SessionDep,
    from_date: Day | None = None,
    to_date: Day | None = None,
    profession: Profession | None = None,
    client_id: Id | None = None,
    kind: Code | None = None,
):
    """The open shifts the signed-in member may book, best first."""
    return cover_service.open_shifts_for_member(
        session, actor, from_date=from_date, to_date=to_date, role=profession, client_id=client_id, kind=kind
    )


@router.get("", response_model=ShiftsPublic)
def list_shifts(
    actor: CurrentActor,
    session: SessionDep,
    status: CoverStatus | None = None,
    from_date: Day | None = None,
    to_date: Day | None = None,
    profession: Profession | None = None,
    client_id: Id | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
):
    return cover_service.list_shifts(
        session,
        actor,
        status=status,
        from_date=from_date,
        to_date=to_date,
        role=profession,
        client_id=client_id,
        limit=limit,
        offset=offset,
    )


@router.get("/{shift_id}", response_model=ShiftPublic)
def read_shift(shift_id: Id, actor: CurrentActor, session: SessionDep):
    return cover_service.get_shift(session, actor, shift_id)


@router.get("/{shift_id}/history")
def shift_history(shift_id: Id, actor: CurrentActor, session: SessionDep) -> list[dict]:
    """The shift's append-only history: who, when, from what to what."""
    return cover_service.shift_history(session, actor, shift_id)


@router.post("/{shift_id}/book", response_model=BookingPublic, status_code=201, responses=errors(409))
def book(
    shift_id: Id,
    actor: CurrentActor,
    session: SessionDep,
    data: BookOnBehalf | None = None,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
):
    """Book; a retry with the same Idempotency-Key gets the first answer again, and 422 for another request."""
    return booking_service.book_shift(
        session, actor, shift_id, member_id=data.member_id if data else None, idempotency_key=idempotency_key
    )


@router.get("/{shift_id}/candidates", response_model=Candidates)
def candidates(shift_id: Id, actor: CurrentActor, session: SessionDep):
    return cover_service.candidates(session, actor, shift_id)


@router.get("/{shift_id}/cancellation-terms", response_model=CancellationTerms)
def cancellation_terms(shift_id: Id, actor: CurrentActor, session: SessionDep):
    """What cancelling now would cost the client (shown before they confirm)."""
    return booking_service.cancellation_terms(session, actor, shift_id)


@router.post("/{shift_id}/cancel", response_model=CancellationTerms, responses=errors(409))
def cancel_shift(shift_id: Id, actor: CurrentActor, session: SessionDep, data: CancelIn | None = None):
    return booking_service.cancel_shift(session, actor, shift_id, reason=data.reason if data else None)
