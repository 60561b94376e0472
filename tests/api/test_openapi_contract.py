"""The OpenAPI is a contract a generated client can trust: schemathesis sends every operation valid and invalid
input, signed in as a coordinator, a member and a client contact on the demo co-op, and every answer must be
documented (status, content type, headers, body shape) and none may be a server error.

Nothing is excluded: no operation deletes the caller's own sign-in. The sign-in, which takes no token, runs
once rather than once a role. Each (operation, role) pair gets a fresh copy of the demo database, so what one
operation's examples change cannot break another's.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select

from coop.auth.models import User
from server.app import create_app
from tests.conftest import _settings, bearer

# A coordinator reaches every operation; a member and a client contact are refused most, and those refusals
# must be documented too.
ROLES = {"coordinator": "coordinator@demo.coop", "member": "nurse@demo.coop", "client": "ward@demo.coop"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# The document alone, from an app that never opens its database; each test calls its own demo co-op's app.
schema = schemathesis.openapi.from_dict(create_app(_settings("sqlite://")).openapi())


@pytest.fixture(params=list(ROLES))
def signed_in(request, demo_session) -> tuple[str, dict[str, str]]:
    user = demo_session.exec(select(User).where(User.email == ROLES[request.param])).one()
    return request.param, bearer(user)


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,  # the same examples every run
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing example is reported as it is
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented_and_none_is_a_server_error(case, demo_app, signed_in):
    role, headers = signed_in
    if not case.operation.definition.raw.get("security") and role != "coordinator":
        # Sign-in takes no bearer token, so every role would send it the same requests: test it once.
        pytest.skip("an operation without sign-in is tested once, with the coordinator's run")
    case.call_and_validate(app=demo_app, headers=headers, checks=CHECKS)


def test_the_document_has_one_error_body_and_not_fastapis_validation_error():
    document = create_app(_settings("sqlite://")).openapi()
    assert "HTTPValidationError" not in str(document)
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {status for status in responses if status.startswith(("4", "5"))}
            assert errors >= {"503"}, (method, path)
            if operation.get("security"):
                assert errors >= {"401", "403"}, (method, path)
            if "{" in path:
                assert errors >= {"404", "422"}, (method, path)
            for status in errors:
                assert responses[status]["content"]["application/json"]["schema"] == error_body, (method, path, status)


def test_a_body_that_is_not_utf8_is_bad_input_naming_the_body(api):
    response = api.post("/api/members", content=b"{\xff}", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and response.json()["errors"][0]["field"] == "body"
