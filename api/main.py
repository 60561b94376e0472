"""The application: the API under /api, the web pages at /, one engine for both."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api import errors
from api.routers import auth, billing, bookings, clients, ledger, me, members, roster_runs, shift_requests, shifts
from api.routers import payments as payments_router
from coop.app_secret import resolve_secret
from coop.config import Settings, get_settings
from coop.db import make_engine
from coop.rostering.queue import RosterQueue


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    queue = RosterQueue(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if settings.embedded_worker:
            queue.start_embedded()
        yield
        queue.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Co-op cover",
        summary="Run an agency-worker co-operative: members, clients, shifts, bookings and rosters.",
        version="0.1.0",
        docs_url="/docs",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    # Every signature (bearer tokens, the session cookie) uses this resolved secret, never settings.secret_key.
    try:
        app.state.secret_key = resolve_secret(app.state.engine, settings.secret_key)
    except Exception:
        app.state.engine.dispose()
        raise
    app.state.queue = queue

    api = APIRouter(prefix="/api")
    for module in (
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
        payments_router,
    ):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(me.feed_router)
    errors.install(app)

    try:
        from web.app import mount as mount_web
    except ImportError:  # the web pages are optional while they are being built
        mount_web = None
    if mount_web is not None:
        mount_web(app)
    return app
