"""Mount the web pages on the application: the session cookie, static files and every page router."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from web import messages
from web.i18n import WEB
from web.page import error_page
from web.pages import (
    auth,
    billing,
    board,
    client,
    client_cover,
    coordinator,
    coordinator_shifts,
    ledger,
    member,
    member_shifts,
    pay,
    payments,
    rate_cards,
    rosters,
)

# Every page router, in the order they are mounted; a new area adds its module here.
# billing comes before client: client's /client/{slug} would otherwise take /client/invoices.
PAGE_MODULES = (
    auth,
    member,
    member_shifts,
    client_cover,
    billing,
    client,
    coordinator,
    coordinator_shifts,
    rosters,
    board,
    pay,
    ledger,
    rate_cards,
    payments,
)
SESSION_COOKIE = "coop_session"
SESSION_HOURS = 12


def mount(app: FastAPI) -> None:
    settings = app.state.settings
    # HttpOnly and SameSite=Lax always; Secure whenever the co-op is served over HTTPS.
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret_key,  # the resolved secret (coop/app_secret.py), also behind the CSRF token
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=settings.public_url.startswith("https"),
    )
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    for module in PAGE_MODULES:
        app.include_router(module.router)

    @app.exception_handler(StarletteHTTPException)
    async def not_found_page(request: Request, error: StarletteHTTPException):
        # The API keeps its JSON answers; a person who follows a bad link gets a page.
        if request.url.path.startswith(("/api", "/docs", "/openapi", "/static")) or error.status_code not in (
            404,
            405,
        ):
            return await http_exception_handler(request, error)
        return error_page(request, 404, messages.ERROR_MESSAGES["page_not_found"])
