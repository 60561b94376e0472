"""With the demo co-op: a coordinator runs a roster for next week, reads why the unfilled shifts are
unfilled, applies it, and the members see their new shifts."""

from __future__ import annotations

from sqlmodel import select

from coop.auth.models import User
from coop.clock import today_local
from coop.rostering.service import next_week
from tests.conftest import sign_in

PASSWORD = "cymru-demo"


def test_a_coordinator_rosters_next_week_on_the_demo_and_members_see_their_shifts(demo_api, demo_app, demo_session):
    coordinator = sign_in(demo_api, "coordinator@demo.coop", PASSWORD)
    monday, sunday = next_week(today_local())
    started = demo_api.post(
        "/api/roster-runs",
        headers=coordinator,
        json={"starts_on": str(monday), "ends_on": str(sunday), "time_limit_s": 10},
    )
    assert started.status_code == 202 and started.json()["status"] == "queued"
    demo_app.state.queue.drain()
    run = demo_api.get(f"/api/roster-runs/{started.json()['id']}", headers=coordinator).json()

    assert run["status"] == "done", run.get("error")
    assert set(run["progress"]) >= {"objective", "bound", "elapsed_s"}
    assert run["objective"] is not None and run["bound"] is not None
    assert run["assignments"] and all(a["reasons"] for a in run["assignments"])
    assert run["unfilled"], "the demo has shifts no member can take"
    for unfilled in run["unfilled"]:
        assert unfilled["reasons"] and all({"code", "count", "detail"} <= set(r) for r in unfilled["reasons"])
    codes = {r["code"] for u in run["unfilled"] for r in u["reasons"]}
    assert "missing_skill" in codes

    applied = demo_api.post(f"/api/roster-runs/{run['id']}/apply", headers=coordinator).json()
    assert applied["booked"] == len(run["assignments"]) - len(applied["skipped"]) > 0

    first = run["assignments"][0]
    email = demo_session.exec(select(User.email).where(User.member_id == first["member_id"])).one()
    member = sign_in(demo_api, email, PASSWORD)
    assert first["shift_id"] in [b["shift_id"] for b in demo_api.get("/api/me/shifts", headers=member).json()]
