"""The signed-in member's own shifts and calendar feed; the feed itself, found by its secret."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from coop.bookings import calendar as calendar_service
from coop.bookings import service as booking_service
from coop.bookings.schemas import BookingPublic
from edge.deps import CurrentActor, SessionDep, SettingsDep

router = APIRouter(tags=["me"])
feed_router = APIRouter(tags=["me"])


class CalendarLink(BaseModel):
    url: str
    webcal: str


@router.get("/me/shifts", response_model=list[BookingPublic])
def my_shifts(actor: CurrentActor, session: SessionDep):
    return booking_service.my_bookings(session, actor)


@router.get("/me/calendar", response_model=CalendarLink)
def my_calendar(actor: CurrentActor, session: SessionDep, settings: SettingsDep):
    url = calendar_service.calendar_url(session, actor, settings.public_url)
    return CalendarLink(url=url, webcal="webcal://" + url.split("://", 1)[1])


# A feed's secret is secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
CalendarToken = Annotated[str, Path(min_length=1, max_length=64, pattern="^[A-Za-z0-9_-]+$")]


@feed_router.get("/calendar/{token}.ics", include_in_schema=False)
def calendar_feed(token: CalendarToken, session: SessionDep):
    return Response(
        calendar_service.calendar_feed(session, token),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
