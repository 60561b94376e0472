"""The one table that turns a domain error into an HTTP status, for the API's JSON and the pages alike."""

from __future__ import annotations

from coop.errors import Conflict, DomainError, InvalidInput, NotAuthenticated, NotFound, PermissionDenied

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    Conflict: 409,
    InvalidInput: 422,
    NotAuthenticated: 401,
}


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error (400 for a kind the table does not name)."""
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
