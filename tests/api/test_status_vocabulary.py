"""Statuses are one vocabulary each (coop/enums.py, issue 30): list filters take only its values, outputs list them."""

from __future__ import annotations

import pytest

from coop.enums import BookingStatus, CoverStatus, RunStatus, TimesheetStatus
from tests.conftest import bearer
from tests.factories import make_user


@pytest.fixture
def coordinator(session):
    headers = bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop"))
    session.commit()
    return headers


@pytest.mark.parametrize("url", ["/api/shifts", "/api/shift-requests", "/api/timesheets"])
def test_a_list_filtered_by_an_unknown_status_is_422_naming_status(api, coordinator, url):
    response = api.get(url, params={"status": "pending"}, headers=coordinator)
    assert response.status_code == 422, response.text
    assert "status" in [e["field"] for e in response.json()["errors"]], response.json()


@pytest.mark.parametrize(
    ("url", "status"),
    [("/api/shifts", CoverStatus.booked), ("/api/shift-requests", CoverStatus.open), ("/api/timesheets", "queried")],
)
def test_a_list_filtered_by_a_known_status_answers(api, coordinator, url, status):
    assert api.get(url, params={"status": status}, headers=coordinator).status_code == 200


def test_the_openapi_lists_each_status_vocabulary(api):
    schemas = api.get("/openapi.json").json()["components"]["schemas"]
    for name, enum in [
        ("CoverStatus", CoverStatus),
        ("BookingStatus", BookingStatus),
        ("TimesheetStatus", TimesheetStatus),
        ("RunStatus", RunStatus),
    ]:
        assert schemas[name]["enum"] == [m.value for m in enum], name
    assert schemas["ShiftPublic"]["properties"]["status"] == {"$ref": "#/components/schemas/CoverStatus"}
