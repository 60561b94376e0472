"""The coordinator's unfilled shifts mark as urgent what the policy's urgent_within_hours says, not a fixed day."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from coop.policy import get_policy
from demo import DEMO_PASSWORD
from tests.web.conftest import sign_in

ITEM = re.compile(r'<li class="shift-item( [a-z]+)?">')


@pytest.fixture
def urgent_within(monkeypatch):
    """Set the policy's urgent_within_hours as a co-op would (COOP_POLICY_URGENT_WITHIN_HOURS)."""

    def setting(hours: int) -> None:
        monkeypatch.setenv("COOP_POLICY_URGENT_WITHIN_HOURS", str(hours))
        get_policy.cache_clear()

    yield setting
    get_policy.cache_clear()


def _marks(client: TestClient) -> list[str]:
    html = client.get("/coordinator/shifts", params={"when": "week"}).text
    return [(mark or "").strip() for mark in ITEM.findall(html)]


def test_the_unfilled_shifts_urgency_follows_the_policy_setting(demo_app, urgent_within):
    with TestClient(demo_app) as client:
        sign_in(client, "coordinator@demo.coop", DEMO_PASSWORD)
        default = _marks(client)
        assert "urgent" in default  # the demo has open shifts starting within a day
        assert "" in default, "and shifts further off, not urgent under the default 24 hours"

        urgent_within(0)
        assert "urgent" not in _marks(client)

        urgent_within(24 * 8)  # the whole week ahead
        marks = _marks(client)
        assert marks and set(marks) <= {"urgent", "started"}
