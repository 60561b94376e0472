"""Roster runs end to end: queued on the real queue, solved, explained, applied, recovered after a crash."""

from __future__ import annotations

import importlib
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from coop.clock import LONDON, today_local, utcnow
from coop.policy import Policy
from coop.rostering.adapter import priority
from coop.rostering.models import RosterRun
from coop.rostering.service import next_week
from coop.shifts.models import Shift
from tests.conftest import bearer
from tests.factories import make_client, make_member, make_user, user_for


@pytest.fixture
def coop(session):
    monday, sunday = next_week(today_local())
    ward = make_client(session, kind="ward", name="Ward 7")
    icu = make_client(session, kind="ward", name="Critical Care")
    nurses = [
        make_member(session, with_user=True, name=f"Nurse {n}", skills=["ICU"] if n == 0 else []) for n in range(3)
    ]
    coordinator = make_user(session, roles={"coordinator"})
    contact = make_user(session, roles={"client"}, client_id=ward.id)
    session.commit()
    people = dict(
        monday=monday,
        sunday=sunday,
        ward_id=ward.id,
        icu_id=icu.id,
        nurse_ids=[n.id for n in nurses],
        nurses=[bearer(user_for(session, n)) for n in nurses],
        coordinator=bearer(coordinator),
        contact=bearer(contact),
    )
    session.commit()
    return people


def request(api, people, client_id, day, *, hours=(7, 15), skills=()):
    start = datetime.combine(day, time(hours[0]), tzinfo=LONDON)
    body = {
        "client_id": client_id,
        "role": "nurse",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=hours[1] - hours[0])).isoformat(),
        "requirements": {"skills": list(skills)},
    }
    response = api.post("/api/shift-requests", json=body, headers=people["coordinator"])
    assert response.status_code == 201, response.text
    return response.json()["shifts"][0]["id"]


def run_and_wait(api, app, people, **extra) -> dict:
    body = {"starts_on": str(people["monday"]), "ends_on": str(people["sunday"]), "time_limit_s": 5} | extra
    started = api.post("/api/roster-runs", json=body, headers=people["coordinator"])
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued"
    app.state.queue.drain()
    return api.get(f"/api/roster-runs/{started.json()['id']}", headers=people["coordinator"]).json()


def place_cost(session, shift_id: int) -> int:
    """What leaving the shift empty costs: more the sooner it starts (a Monday shift seen on a Friday is
    within three days)."""
    return priority(session.get(Shift, shift_id), utcnow(), Policy())


def three_ward_days_and_one_nobody_can_take(api, coop) -> tuple[list[int], int]:
    monday = coop["monday"]
    fillable = [request(api, coop, coop["ward_id"], monday + timedelta(days=d)) for d in range(3)]
    return fillable, request(api, coop, coop["icu_id"], monday, skills=["neonatal-ICU"])


def test_a_roster_fills_what_it_can_explains_the_rest_and_is_applied(api, app, coop, session):
    fillable, needs_neonatal = three_ward_days_and_one_nobody_can_take(api, coop)
    run = run_and_wait(api, app, coop)
    assert run["status"] == "done", run
    assert {a["shift_id"] for a in run["assignments"]} == set(fillable)
    assert all(a["reasons"] and a["member_name"] for a in run["assignments"])
    unfilled = {u["shift_id"]: u for u in run["unfilled"]}
    assert set(unfilled) == {needs_neonatal}
    assert {"code": "missing_skill", "count": 3} in [
        {k: r[k] for k in ("code", "count")} for r in unfilled[needs_neonatal]["reasons"]
    ]
    assert run["objective"] is not None and run["bound"] is not None and run["progress"]["elapsed_s"] >= 0
    # Filled first: one place (the neonatal shift) is proven to be the fewest any roster can leave.
    cost = place_cost(session, needs_neonatal)
    assert run["stages"]["fill"] == {"unfilled_cost": cost, "bound": cost, "proven": True}
    assert run["stages"]["quality"]["gap"] == 0.0

    applied = api.post(f"/api/roster-runs/{run['id']}/apply", headers=coop["coordinator"])
    assert applied.status_code == 200 and applied.json() == {"booked": 3, "skipped": []}
    mine = [s for headers in coop["nurses"] for s in api.get("/api/me/shifts", headers=headers).json()]
    assert {s["shift_id"] for s in mine} == set(fillable)
    again = api.post(f"/api/roster-runs/{run['id']}/apply", headers=coop["coordinator"])
    assert again.status_code == 409 and again.json()["code"] == "run_applied"


def test_applying_skips_what_was_booked_meanwhile_and_never_overwrites_it(api, app, coop):
    shift_id = request(api, coop, coop["ward_id"], coop["monday"])
    run = run_and_wait(api, app, coop)
    proposed = run["assignments"][0]["member_id"]
    someone_else = next(i for i, mid in enumerate(coop["nurse_ids"]) if mid != proposed)
    assert api.post(f"/api/shifts/{shift_id}/book", headers=coop["nurses"][someone_else]).status_code == 201
    applied = api.post(f"/api/roster-runs/{run['id']}/apply", headers=coop["coordinator"]).json()
    assert applied["booked"] == 0
    assert applied["skipped"] == [
        {
            "shift_id": shift_id,
            "member_id": proposed,
            "code": "shift_taken",
            "detail": "Someone else has just booked this shift.",
        }
    ]
    booked = api.get(f"/api/shifts/{shift_id}", headers=coop["coordinator"]).json()
    assert booked["member_id"] == coop["nurse_ids"][someone_else]


def test_a_run_whose_worker_died_is_picked_up_again(api, app, coop, engine):
    request(api, coop, coop["ward_id"], coop["monday"])
    body = {"starts_on": str(coop["monday"]), "ends_on": str(coop["sunday"]), "time_limit_s": 3}
    run_id = api.post("/api/roster-runs", json=body, headers=coop["coordinator"]).json()["id"]
    with Session(engine) as session:  # a worker claimed it, then the machine went down
        session.exec(
            update(RosterRun)
            .where(RosterRun.id == run_id)
            .values(
                status="running",
                attempts=1,
                started_at=utcnow() - timedelta(minutes=5),
                heartbeat_at=utcnow() - timedelta(minutes=5),
            )
        )
        session.commit()
    app.state.queue.drain()
    run = api.get(f"/api/roster-runs/{run_id}", headers=coop["coordinator"]).json()
    assert run["status"] == "done" and len(run["assignments"]) == 1


def test_only_coordinators_run_and_apply_rosters(api, coop):
    body = {"starts_on": str(coop["monday"]), "ends_on": str(coop["sunday"])}
    assert api.post("/api/roster-runs", json=body, headers=coop["nurses"][0]).status_code == 403
    assert api.post("/api/roster-runs", json=body, headers=coop["contact"]).status_code == 403
    long = body | {"ends_on": str(coop["monday"] + timedelta(days=40))}
    assert api.post("/api/roster-runs", json=long, headers=coop["coordinator"]).status_code == 422
    assert api.get("/api/roster-runs/999", headers=coop["coordinator"]).status_code == 404


def test_a_member_who_prefers_a_client_gets_its_shift_when_all_else_is_equal(api, app, coop):
    shift_id = request(api, coop, coop["ward_id"], coop["monday"] + timedelta(days=1))
    keen = coop["nurse_ids"][2]
    updated = api.patch(
        f"/api/members/{keen}",
        headers=coop["nurses"][2],
        json={"preferences": {"clients": [coop["ward_id"]], "kinds": ["early"], "weekdays": [1]}},
    )
    assert updated.status_code == 200 and updated.json()["preferences"]["clients"] == [coop["ward_id"]]
    run = run_and_wait(api, app, coop)
    (assignment,) = [a for a in run["assignments"] if a["shift_id"] == shift_id]
    assert assignment["member_id"] == keen
    assert "member_prefers_client" in assignment["reasons"]


def test_a_week_too_large_to_model_still_gets_its_roster_and_reasons(api, app, coop, session, monkeypatch):
    solve_module = importlib.import_module("scheduling.parameters")
    monkeypatch.setattr(solve_module, "REFILL_ABOVE_PAIRS", 0)
    monkeypatch.setattr(solve_module, "MODEL_PAIRS_PER_SECOND", 1)  # as if no model could be built in time
    fillable, needs_neonatal = three_ward_days_and_one_nobody_can_take(api, coop)

    run = run_and_wait(api, app, coop)

    assert run["status"] == "done", run
    assert {a["shift_id"] for a in run["assignments"]} == set(fillable)
    assert [u["shift_id"] for u in run["unfilled"]] == [needs_neonatal]
    assert "missing_skill" in {r["code"] for r in run["unfilled"][0]["reasons"]}
    cost = place_cost(session, needs_neonatal)
    assert run["stages"]["fill"] == {"unfilled_cost": cost, "bound": cost, "proven": True}
    assert "quality" not in run["stages"]


def test_a_roster_runs_walk_touches_only_the_coops_strategy_and_the_shared_model(api, app, coop):
    """From POST /api/roster-runs to the CP-SAT call, no function of the published benchmark's path runs."""
    import sys
    import threading
    from pathlib import Path

    import scheduling

    engine_dir = Path(scheduling.__file__).parent
    visited: set[str] = set()

    def record(frame, event, _arg):
        if event == "call":
            path = Path(frame.f_code.co_filename)
            if path.is_relative_to(engine_dir):
                visited.add(path.relative_to(engine_dir).as_posix())

    request(api, coop, coop["ward_id"], coop["monday"])
    sys.setprofile(record)
    threading.setprofile(record)  # the staged strategy takes its bounds on a thread beside the search
    try:
        run = run_and_wait(api, app, coop)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    assert run["status"] == "done", run
    assert {"solve.py", "strategies/staged.py", "cpsat.py", "constraints.py", "objective.py", "explain.py"} <= visited
    benchmark_path = {"strategies/phased.py", "columns.py", "construct.py", "search.py"}
    assert not visited & benchmark_path, sorted(visited & benchmark_path)
