"""The OpenAPI document tells the truth about errors: one `ErrorBody` for every status an operation can return.

`api/errors.py` turns every domain error, every bad request and every database refusal into the same JSON body.
The generic statuses are derived from each route, so a new endpoint is documented by the same rules:

- 401 and 403 on every operation that needs a signed-in caller (it depends on `get_actor`);
- 404 on every operation with an id in its path;
- 422 wherever FastAPI parses input, replacing FastAPI's own `HTTPValidationError`, which this API never returns;
- 503 on every operation that uses the database (`get_session`): a busy database answers 503, nothing saved.

What the route alone cannot tell (409 conflicts, 404 for an id in the body, 401 at sign-in, 422 from a rule
with no parsed input) each route declares on its decorator with `responses=errors(...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, Field

from edge.deps import get_actor, get_session

REF = "#/components/schemas/"

DESCRIPTIONS = {
    401: "Not signed in, or the token is wrong or has expired (`not_authenticated`); at sign-in, `bad_credentials`.",
    403: "The caller's role may not do this, or the record is not theirs (`forbidden`).",
    404: "No such record (`not_found`).",
    409: "A conflict with the record's state or with a change made at the same moment; nothing was saved.",
    422: "Bad input: `field` names it (a rule's refusal), or `errors` lists each field and what is wrong with it.",
    503: "The database is busy (`busy`); nothing was saved. Try again.",
}


class FieldError(BaseModel):
    field: str = Field(description="the field, dotted for nested fields and list positions, e.g. `patterns.0.starts`")
    message: str


class Reason(BaseModel):
    """One booking rule the member fails for the shift (RULES §0)."""

    code: str = Field(description="the rule's stable code, e.g. `rest_too_short`")
    detail: str
    rule: str = Field(description="where the rule comes from, e.g. `RULES §0.4`")


class ErrorBody(BaseModel):
    """Every error the API returns: a plain message and a stable code, with the field or the reasons when known."""

    detail: str = Field(description="a plain message for a person")
    code: str = Field(description="a stable code for a program: `invalid`, `not_found`, `duplicate_email`, …")
    field: str | None = Field(default=None, description="the field a rule refused (422 from a rule)")
    errors: list[FieldError] | None = Field(default=None, description="every field that did not parse (422)")
    reasons: list[Reason] | None = Field(
        default=None, description="every booking rule the member fails, the first one as `code` (409 on booking)"
    )


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route decorator: these statuses answer with an `ErrorBody`."""
    return {status: {"model": ErrorBody, "description": DESCRIPTIONS[status]} for status in statuses}


def _calls(dependant: Dependant) -> set[Callable]:
    found = {dependant.call} if dependant.call else set()
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def generic_statuses(route: APIRoute | RouteContext) -> set[int]:
    """The statuses any route of this shape can return, whatever it does."""
    calls = _calls(route.dependant)
    statuses = set()
    if get_actor in calls:
        statuses |= {401, 403}
    if route.dependant.path_params:
        statuses.add(404)
    if get_session in calls:
        statuses.add(503)
    return statuses


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": REF + "ErrorBody"}}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"description": "`Bearer`: sign in at /api/auth/token", "schema": {"type": "string"}}
        }
    return response


def build(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error status documented as `ErrorBody` and no `HTTPValidationError` left."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_body = ErrorBody.model_json_schema(ref_template=REF + "{model}")
    components.update(error_body.pop("$defs", {}))
    components["ErrorBody"] = error_body
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)

    # Routes included from routers are seen through their context (prefix, merged dependencies), as FastAPI does.
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            operation = schema["paths"][route.path_format][method.lower()]
            responses = operation["responses"]
            # FastAPI's own 422 or a route's declared errors: either way the body is ours.
            statuses = generic_statuses(route) | {int(key) for key in responses if int(key) in DESCRIPTIONS}
            for status in statuses:
                key = str(status)
                merged = _error_response(status)
                if key in responses and responses[key].get("description") not in (None, "Validation Error"):
                    merged["description"] = responses[key]["description"]
                responses[key] = merged
            operation["responses"] = dict(sorted(responses.items()))
    return schema


def install(app: FastAPI) -> None:
    """Serve the truthful document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
