"""The API under /api: its routers, its error answers and its OpenAPI document (`server.app` composes)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from api import errors, openapi
from api.routers import (
    auth,
    billing,
    bookings,
    clients,
    ledger,
    me,
    members,
    pay,
    payments,
    rate_cards,
    roster_runs,
    shift_requests,
    shifts,
)

# Every router, in the order they are mounted; a new area adds its module here.
ROUTERS = (
    auth,
    me,
    members,
    clients,
    shift_requests,
    shifts,
    bookings,
    roster_runs,
    ledger,
    billing,
    payments,
    pay,
    rate_cards,
)


def mount(app: FastAPI) -> None:
    """Put the API's routers, its error answers and its OpenAPI document on the application."""
    api = APIRouter(prefix="/api")
    for module in ROUTERS:
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(me.feed_router)
    errors.install(app)
    openapi.install(app)
