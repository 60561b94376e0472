"""Domain errors. `api/` maps them to HTTP in one place; nothing below `api/` knows HTTP."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, detail: str, *, code: str | None = None, extra: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra or {}


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class InvalidInput(DomainError):
    """Input that parses but breaks a domain rule (e.g. a ward without a health board)."""

    code = "invalid"

    def __init__(self, detail: str, *, field: str | None = None, code: str | None = None):
        super().__init__(detail, code=code)
        self.field = field


class NotAuthenticated(DomainError):
    code = "not_authenticated"
