"""Structural: every parameter and request field the API takes is bounded, so hostile input is a 422, never a 500.

Walks the OpenAPI document (what clients are promised) rather than a list of endpoints, so a new endpoint
whose id is a bare `int` or whose text is a bare `str` fails here until it uses the types in coop.inputs.
"""

from __future__ import annotations

import pytest

from coop.config import Settings
from coop.inputs import MAX_ID
from server.app import create_app

# A string is bounded by a length, a pattern, a fixed set of values or a parsed format (dates, times, e-mail).
FORMATS = {"date", "date-time", "time", "email", "password"}


@pytest.fixture(scope="module")
def openapi(tmp_path_factory) -> dict:
    url = f"sqlite:///{tmp_path_factory.mktemp('schema') / 'unused.db'}"
    app = create_app(Settings(database_url=url, secret_key="x" * 40, embedded_worker=False))
    try:
        return app.openapi()
    finally:
        app.state.engine.dispose()


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def unbounded(document: dict, schema: dict, where: str, seen: frozenset = frozenset()) -> list[str]:
    """Every place under `schema` that takes an integer, a string or a list without a limit."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        return unbounded(document, _resolve(document, schema), where, seen | {name})
    problems = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            problems += unbounded(document, option, where, seen)
    kind = schema.get("type")
    if "enum" in schema or "const" in schema:
        return problems
    if kind == "integer":
        if "maximum" not in schema or "minimum" not in schema:
            problems.append(f"{where}: an integer without minimum and maximum")
        elif where.rsplit(".", 1)[-1].endswith(("id", "ids[]")) and (
            schema["maximum"] > MAX_ID or schema["minimum"] < 1
        ):
            problems.append(f"{where}: an id outside 1..{MAX_ID}")
    elif kind == "string" and (schema.get("format") == "binary" or "contentMediaType" in schema):
        # An upload is read through a capped reader; its limit must be named where clients see it.
        if "bytes" not in schema.get("description", ""):
            problems.append(f"{where}: an upload whose size limit is not documented")
    elif kind == "string":
        if not ({"maxLength", "pattern"} & schema.keys() or schema.get("format") in FORMATS):
            problems.append(f"{where}: a string without maxLength")
    elif kind == "array":
        if "maxItems" not in schema:
            problems.append(f"{where}: a list without maxItems")
        problems += unbounded(document, schema.get("items", {}), f"{where}[]", seen)
    elif kind == "object" or "properties" in schema:
        for name, field in schema.get("properties", {}).items():
            problems += unbounded(document, field, f"{where}.{name}", seen)
    return problems


def test_every_parameter_and_request_field_of_the_api_is_bounded(openapi):
    problems = []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                problems += unbounded(openapi, parameter["schema"], f"{where} {parameter['in']} {parameter['name']}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                problems += unbounded(openapi, content["schema"], f"{where} body")
    assert not problems, "\n".join(problems)


def test_the_walk_finds_an_unbounded_id_and_text(openapi):
    """The check itself can fail: a bare int id and a bare str are reported."""
    schema = {"properties": {"member_id": {"type": "integer"}, "note": {"type": "string"}}}
    assert unbounded(openapi, schema, "body") == [
        "body.member_id: an integer without minimum and maximum",
        "body.note: a string without maxLength",
    ]
