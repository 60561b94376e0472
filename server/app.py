"""The application: settings, one engine, the signing secret and the roster queue, with the API and the pages.

`api` and `web` are siblings that never import each other; this module is the one place that puts them on one
ASGI app (`uvicorn server.app:create_app --factory`).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

import api.main
import web.app
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
        summary="Run an agency-worker co-operative: members, clients, shifts, bookings, rosters, pay and invoices.",
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
    api.main.mount(app)
    web.app.mount(app)
    return app
