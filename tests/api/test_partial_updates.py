"""A partial update that sends null for something the register requires is bad input (422), never a conflict."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user


@pytest.mark.parametrize(
    ("field", "path"),
    [("welsh_medium", "clients"), ("name", "clients"), ("language", "clients"), ("invoice_frequency", "clients")],
)
def test_a_client_update_refuses_null_for_a_required_field(api, session, field, path):
    coordinator = bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop"))
    client = make_client(session, kind="school", name="Ysgol Bro")
    session.commit()
    answer = api.patch(f"/api/{path}/{client.id}", json={field: None}, headers=coordinator)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


@pytest.mark.parametrize("field", ["max_hours_per_week", "max_travel_km", "opted_out_48h", "welsh_level"])
def test_a_member_update_refuses_null_for_a_required_field(api, session, field):
    coordinator = bearer(make_user(session, roles={"coordinator"}, email="coord@tests.coop"))
    member = make_member(session, email="nia@tests.coop")
    session.commit()
    answer = api.patch(f"/api/members/{member.id}", json={field: None}, headers=coordinator)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert api.get(f"/api/members/{member.id}", headers=coordinator).status_code == 200
