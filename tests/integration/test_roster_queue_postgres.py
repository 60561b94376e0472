"""Roster runs on PostgreSQL's job queue, as `make run` and `coop worker` run them: through the app's own
worker, through a separate worker process, and after a worker is killed mid-solve (issue 29)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from bench import regional
from coop.auth.models import User
from coop.clock import LONDON, today_local
from coop.config import Settings
from coop.rostering.models import RosterRun
from coop.rostering.service import next_week
from server.app import create_app
from tests.conftest import POSTGRES_URL, SECRET, bearer
from tests.factories import make_client, make_member, make_user

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL (COOP_TEST_POSTGRES_URL)")
on_postgres = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
on_postgres_demo = pytest.mark.parametrize("demo_db_url", ["postgresql"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
STALLED_AFTER_S = 4  # a worker silent this long is dead: short, so that the crash test takes seconds
FAST_SWEEPS = {"COOP_ROSTER_STALLED_AFTER_S": str(STALLED_AFTER_S), "COOP_ROSTER_SWEEP_EVERY_S": "1"}


def settings_for(url: str, *, embedded_worker: bool) -> Settings:
    return Settings(
        database_url=url,
        secret_key=SECRET,
        embedded_worker=embedded_worker,
        mail_sender="log",
        roster_stalled_after_s=STALLED_AFTER_S,
        roster_sweep_every_s=1,
    )


@pytest.fixture
def ward_week(session) -> dict:
    """A ward with three nurses and a coordinator; three day shifts next week, one each."""
    monday, sunday = next_week(today_local())
    ward = make_client(session, kind="ward", name="Ward 7")
    for n in range(3):
        make_member(session, with_user=True, name=f"Nurse {n}")
    coordinator = make_user(session, roles={"coordinator"})
    session.commit()
    return {"monday": monday, "sunday": sunday, "ward_id": ward.id, "coordinator": bearer(coordinator)}


def ask_for_nurses(api: TestClient, week: dict, days: int = 3) -> list[int]:
    shift_ids = []
    for day in range(days):
        start = datetime.combine(week["monday"] + timedelta(days=day), clock_time(7), tzinfo=LONDON)
        body = {
            "client_id": week["ward_id"],
            "role": "nurse",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=8)).isoformat(),
        }
        response = api.post("/api/shift-requests", json=body, headers=week["coordinator"])
        assert response.status_code == 201, response.text
        shift_ids.append(response.json()["shifts"][0]["id"])
    return shift_ids


def start_run(api: TestClient, week: dict, headers: dict, *, time_limit_s: int = 5) -> int:
    body = {"starts_on": str(week["monday"]), "ends_on": str(week["sunday"]), "time_limit_s": time_limit_s}
    response = api.post("/api/roster-runs", json=body, headers=headers)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    return response.json()["id"]


def wait_for(what: str, check: Callable[[], object], *, within_s: float, every_s: float = 0.2):
    """The first truthy answer of `check`, polled every `every_s`, or a failure after `within_s`."""
    deadline = time.monotonic() + within_s
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {within_s} s waiting for {what} (last: {answer!r})")
        time.sleep(every_s)


def run_status(api: TestClient, run_id: int, headers: dict) -> dict:
    response = api.get(f"/api/roster-runs/{run_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def finished(api: TestClient, run_id: int, headers: dict, *, within_s: float) -> dict:
    return wait_for(
        f"roster run {run_id} to finish",
        lambda: (run := run_status(api, run_id, headers))["status"] in ("done", "failed") and run,
        within_s=within_s,
    )


@contextmanager
def worker_process(url: str, log: Path) -> Iterator[subprocess.Popen]:
    """`coop worker` in a process of its own, on this worktree's code, with the short stall times."""
    env = os.environ | {"COOP_DATABASE_URL": url, "COOP_SECRET_KEY": SECRET, "COOP_MAIL_SENDER": "log"} | FAST_SWEEPS
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def jobs_by_status(engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, count(*) FROM procrastinate_jobs WHERE task_name = 'solve_roster_run' GROUP BY 1")
        ).all()
    return {str(status): count for status, count in rows}


@on_postgres
def test_a_roster_run_finishes_through_the_apps_own_worker_on_postgres(db_url, ward_week):
    app = create_app(settings_for(db_url, embedded_worker=True))
    try:
        with TestClient(app) as api:
            shift_ids = ask_for_nurses(api, ward_week)
            run_id = start_run(api, ward_week, ward_week["coordinator"])
            run = finished(api, run_id, ward_week["coordinator"], within_s=60)
            assert run["status"] == "done", run["error"]
            assert {a["shift_id"] for a in run["assignments"]} == set(shift_ids)
            # A second run goes through too: the worker's open App does not stop requests deferring.
            again = finished(
                api, start_run(api, ward_week, ward_week["coordinator"]), ward_week["coordinator"], within_s=60
            )
            assert again["status"] == "done", again["error"]
    finally:
        app.state.engine.dispose()


@on_postgres
def test_a_roster_run_finishes_through_a_separate_worker_process(db_url, ward_week, engine, tmp_path):
    app = create_app(settings_for(db_url, embedded_worker=False))
    try:
        with TestClient(app) as api, worker_process(db_url, tmp_path / "worker.log"):
            shift_ids = ask_for_nurses(api, ward_week)
            run_id = start_run(api, ward_week, ward_week["coordinator"])
            run = finished(api, run_id, ward_week["coordinator"], within_s=60)
            assert run["status"] == "done", (run["error"], (tmp_path / "worker.log").read_text())
            assert {a["shift_id"] for a in run["assignments"]} == set(shift_ids)
        assert jobs_by_status(engine) == {"succeeded": 1}
    finally:
        app.state.engine.dispose()


@on_postgres
def test_a_run_whose_worker_is_killed_mid_solve_is_finished_by_the_next_worker(db_url, tmp_path):
    # A regional co-op's week: a solve that uses its whole time (the demo's weeks are proven in under a second).
    week = regional.generate(db_url, scale=0.5, seed=1)
    app = create_app(settings_for(db_url, embedded_worker=False))
    log = tmp_path / "workers.log"
    try:
        with TestClient(app) as api:
            with Session(app.state.engine) as session:
                coordinator = bearer(session.exec(select(User).where(User.email == "coordinator@regional.coop")).one())
            monday = week.monday
            run_id = start_run(
                api, {"monday": monday, "sunday": monday + timedelta(days=6)}, coordinator, time_limit_s=20
            )

            with worker_process(db_url, log) as first:
                wait_for(
                    "the first worker to be solving",
                    lambda: run_status(api, run_id, coordinator)["progress"].get("elapsed_s", 0) >= 1,
                    within_s=90,
                )
                first.send_signal(signal.SIGKILL)
                first.wait(timeout=10)
            killed = run_status(api, run_id, coordinator)
            assert killed["status"] == "running", "the run must still be mid-solve when its worker dies"
            assert jobs_by_status(app.state.engine) == {"doing": 1}

            with worker_process(db_url, log):
                run = finished(api, run_id, coordinator, within_s=150)
            assert run["status"] == "done", (run["error"], log.read_text())
            assert run["assignments"]
            with Session(app.state.engine) as session:
                assert session.get(RosterRun, run_id).attempts == 2
            # Nothing left hanging: the dead worker's job was retried (or closed), none waits or runs.
            jobs = jobs_by_status(app.state.engine)
            assert jobs.get("succeeded") and not {"todo", "doing"} & set(jobs), jobs
    finally:
        app.state.engine.dispose()


@on_postgres
def test_a_failed_run_says_what_went_wrong_in_words_never_in_sql(db_url, ward_week, caplog):
    app = create_app(settings_for(db_url, embedded_worker=False))
    try:
        with TestClient(app) as api:
            ask_for_nurses(api, ward_week, days=1)
            body = {"starts_on": str(ward_week["monday"]), "ends_on": str(ward_week["sunday"])}
            response = api.post("/api/roster-runs", json=body, headers=ward_week["coordinator"])
            run_id = response.json()["id"]
            # The API refuses such an id (422); written around it, the database refuses the run's query.
            with app.state.engine.begin() as connection:
                connection.execute(
                    text("UPDATE roster_run SET client_ids = :ids WHERE id = :id"), {"ids": f"[{2**40}]", "id": run_id}
                )
            app.state.queue.drain()
            run = run_status(api, run_id, ward_week["coordinator"])
    finally:
        app.state.engine.dispose()
    assert run["status"] == "failed"
    assert run["error"].startswith("The roster could not be worked out: the database refused")
    assert f"roster run {run_id}" in run["error"]
    for leak in ("SELECT", "select", "psycopg", "Traceback", "[SQL", "Error:"):
        assert leak not in run["error"]
    assert any("SELECT" in (record.exc_text or "") for record in caplog.records), "the details go to the log"
