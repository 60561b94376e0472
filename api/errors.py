"""Domain errors and bad input become clear 4xx answers, each with `detail` and, where a rule decided, `code`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from coop.errors import DomainError, InvalidInput
from edge.errors import status_for

log = logging.getLogger(__name__)


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError):
        status = status_for(error)
        body = {"detail": error.detail, "code": error.code, **error.extra}
        if isinstance(error, InvalidInput) and error.field:
            body["field"] = error.field
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError):
        errors = [
            {
                # A body that is not JSON at all is located at a character offset; the field is the body.
                "field": "body" if e.get("type") == "json_invalid" else _field(tuple(e.get("loc", ()))),
                "message": e.get("msg", "is not valid").removeprefix("Value error, "),
            }
            for e in error.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse({"detail": detail, "code": "invalid", "errors": errors}, status_code=422)

    @app.exception_handler(400)
    async def unreadable_body(request: Request, error: StarletteHTTPException):
        # FastAPI answers a body that is not UTF-8 with a bare 400; the API answers it as any other bad input.
        # (A handler by status, so that it comes before the pages' handler for every HTTPException.)
        if not request.url.path.startswith("/api"):
            page_handler = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)
            return await page_handler(request, error)
        message = "could not be read: send it as UTF-8"
        errors = [{"field": "body", "message": message}]
        return JSONResponse({"detail": f"body: {message}", "code": "invalid", "errors": errors}, status_code=422)

    @app.exception_handler(IntegrityError)
    async def integrity(_request: Request, error: IntegrityError):
        # The database refused a write the code let through (e.g. a race): say so, never a 500.
        log.warning("integrity error: %s", error.orig)
        return JSONResponse(
            {"detail": "That conflicts with a change made at the same moment; nothing was saved.", "code": "conflict"},
            status_code=409,
        )

    @app.exception_handler(DataError)
    @app.exception_handler(StatementError)
    async def unstorable(request: Request, error: StatementError):
        # The last line of defence behind coop.inputs: a value the database cannot hold (a number past its
        # column, a character it refuses) is the caller's input, never a 500. Anything else is a real fault.
        if not isinstance(error, DataError) and not isinstance(error.orig, OverflowError | ValueError):
            raise error
        log.warning("value the database cannot store: %s", error.orig)
        return JSONResponse(
            {"detail": "A value is out of range for what the co-op can store; nothing was saved.", "code": "invalid"},
            status_code=422,
        )

    @app.exception_handler(OperationalError)
    async def busy(_request: Request, error: OperationalError):
        log.warning("database busy: %s", error.orig)
        return JSONResponse(
            {"detail": "The co-op's database is busy; nothing was saved. Try again.", "code": "busy"},
            status_code=503,
        )
