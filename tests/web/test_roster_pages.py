"""Roster runs through the coordinator's pages on the demo co-op: start, watch, review, apply."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coop.auth import service as auth_service
from coop.auth.models import User
from coop.bookings import service as booking_service
from coop.clock import today_local
from coop.rostering import service as roster_service
from coop.rostering.service import next_week
from demo import DEMO_PASSWORD
from tests.web.conftest import post_form, sign_in


@pytest.fixture
def coordinator(demo_app):
    with TestClient(demo_app) as client:
        sign_in(client, "coordinator@demo.coop", DEMO_PASSWORD)
        yield client


def _start(client, **fields):
    first, last = next_week(today_local())
    data = {"starts_on": first.isoformat(), "ends_on": last.isoformat(), "time_limit_s": "5"} | fields
    return post_form(client, "/coordinator/rosters", data)


def test_the_form_defaults_to_next_week(coordinator):
    html = coordinator.get("/coordinator/rosters").text
    first, last = next_week(today_local())
    assert f'id="starts_on" name="starts_on" type="date" value="{first.isoformat()}"' in html
    assert f'id="ends_on" name="ends_on" type="date" value="{last.isoformat()}"' in html
    assert 'value="20"' in html and 'name="client_ids"' in html


def test_a_bad_horizon_is_shown_beside_its_field(coordinator):
    first, last = next_week(today_local())
    response = _start(coordinator, starts_on=last.isoformat(), ends_on=first.isoformat())
    assert response.status_code == 422
    assert 'id="ends_on-error"' in response.text and "The last day is before the first day." in response.text
    response = _start(coordinator, time_limit_s="0")
    assert response.status_code == 422 and 'id="time_limit_s-error"' in response.text


def test_a_run_is_watched_reviewed_and_applied(coordinator, demo_app):
    response = _start(coordinator)
    assert response.status_code == 200
    path = response.url.path
    assert re.fullmatch(r"/coordinator/rosters/\d+", path)
    assert "<progress" in response.text and "Waiting to start" in response.text
    assert '<meta http-equiv="refresh"' in response.text  # inside <noscript>
    progress = coordinator.get(f"{path}/progress.json")
    assert progress.status_code == 200
    assert progress.json()["status"] == "queued" and progress.json()["finished"] is False

    demo_app.state.queue.drain()

    progress = coordinator.get(f"{path}/progress.json").json()
    assert progress["status"] == "done" and progress["finished"] is True
    assert 0 < progress["value"] <= progress["max"]  # a finished run's bar shows the time it took
    html = coordinator.get(path).text
    assert "Finished" in html and "<progress" not in html
    assert "Proposed bookings, day by day" in html and "Why: Fills the shift" in html
    assert "Unfilled shifts, and why" in html and "(members: " in html
    assert "Members given work" in html and "Continuity" in html
    # Whether another roster could fill more: proven or not, in words.
    assert "Could another roster fill more?" in html
    assert ("No: the engine proved" in html) != ("Perhaps: the engine could not prove it" in html)
    proposed = int(re.search(r"Apply the roster: book (\d+) shifts", html).group(1))
    assert proposed > 0

    applied = post_form(coordinator, f"{path}/apply", {}, page=path)
    assert applied.status_code == 200 and applied.url.path == path
    booked = int(re.search(r"Shifts booked: (\d+)", applied.text).group(1))
    skipped = int(re.search(r"Skipped: (\d+)", applied.text).group(1))
    assert booked + skipped == proposed and booked > 0
    assert "Apply the roster" not in applied.text

    again = post_form(coordinator, f"{path}/apply", {}, page=path)
    assert again.status_code == 409 and "This roster has already been applied." in again.text


def test_the_progress_json_is_for_coordinators_only(coordinator, demo_app):
    path = _start(coordinator).url.path
    with TestClient(demo_app) as member:
        assert member.get(f"{path}/progress.json", follow_redirects=False).status_code == 303  # sign in first
        sign_in(member, "nurse@demo.coop", DEMO_PASSWORD)
        assert member.get(f"{path}/progress.json").status_code == 403
        assert member.get(path).status_code == 403
    assert coordinator.get("/coordinator/rosters/99999/progress.json").status_code == 404


def test_a_proposal_booked_meanwhile_is_skipped_and_says_why(coordinator, demo_app):
    path = _start(coordinator).url.path
    run_id = int(path.rsplit("/", 1)[1])
    demo_app.state.queue.drain()
    with Session(demo_app.state.engine) as session:
        user = session.exec(select(User).where(User.email == "coordinator@demo.coop")).one()
        actor = auth_service.actor_for(session, user)
        first = roster_service.get_run(session, actor, run_id).assignments[0]
        booking_service.book_shift(session, actor, first["shift_id"], member_id=first["member_id"])

    applied = post_form(coordinator, f"{path}/apply", {}, page=path)
    assert "Skipped: 1" in applied.text
    skipped = applied.text.split('class="skipped"', 1)[1].split("</ul>", 1)[0]
    assert first["member_name"] in skipped and "Someone else has just booked this shift." in skipped
