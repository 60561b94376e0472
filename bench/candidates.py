"""How fast a coordinator sees the ranked candidates for an urgent shift, for a co-op of 1,000 members.

    python -m bench.candidates [--members 1000] [--database-url URL] [--repeat 20] [--profile]

Builds a fresh database (a SQLite file in a temporary directory, or the empty PostgreSQL database
given with --database-url, which you create and drop yourself), migrates it, and fills it with a
seeded co-op: members of the three professions with their credentials (a few expired), weekly
availability, days off, client lists, and bookings in the weeks around today so the rest, night,
weekly-hour and run-of-days rules have real work to do. Then it times the real endpoint,
GET /api/shifts/{id}/candidates, through the app signed in as a coordinator, for urgent shifts
(starting within 24 h) of each profession, and prints median, p95 and max in ms. With --profile
it also prints where the time goes (cProfile, by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import secrets
import statistics
import tempfile
import time as clock
from datetime import time, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert

from coop.auth.models import User
from coop.auth.security import issue_token
from coop.bookings.models import Booking
from coop.clients.models import Client, ClientMemberList
from coop.clients.service import profession_for
from coop.clock import local_date, today_local, utcnow
from coop.config import Settings
from coop.cover import service as cover_service
from coop.db import make_engine
from coop.enums import ClientKind, CredentialKind, Profession, Role
from coop.geo import DISTRICTS
from coop.members.grades import GRADES
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member
from coop.members.rules import REQUIRED_CREDENTIALS
from coop.migrate import upgrade
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.timing import DEFAULT_PATTERNS, local_span
from demo.seed import KIND_OF, PROFESSIONS, credential_row, insert_rows, near, pick, seeded, staff_user
from server.app import create_app

SEED = 1000
SECRET = "bench-secret-that-is-long-enough-for-hs256-0123456789"
SKILLS = {
    Profession.supply_teacher: ("primary", "early-years", "SEN", "welsh-medium", "secondary-maths", "PE"),
    Profession.nurse: ("ICU", "A&E", "paediatrics", "theatres", "medical", "surgical", "elderly-care"),
    Profession.care_worker: ("personal-care", "dementia", "medication", "complex-needs", "end-of-life"),
}
# The shifts each profession's members already hold around today: (pattern, weight).
HELD_PATTERNS = {
    Profession.supply_teacher: (("full_day", 8), ("am", 1), ("pm", 1)),
    Profession.nurse: (("early", 3), ("late", 3), ("night", 2), ("long_day", 2)),
    Profession.care_worker: (("day", 4), ("morning_visit", 2), ("tea_visit", 2), ("sleep_in", 1)),
}
CLIENTS_PER_KIND = 20
URGENT_PER_PROFESSION = 2


def _place(rng: random.Random) -> tuple[float, float]:
    return near(rng, rng.choice(sorted(DISTRICTS)), spread=0.01)


def build(url: str, members: int) -> dict:
    """Migrate and fill the database; return the coordinator's user id and the urgent shifts to time."""
    rng = seeded(SEED)
    now, today = utcnow(), today_local()
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        coordinator = staff_user(
            connection, email="coordinator@bench.coop", name="Bench Coordinator", role=Role.coordinator, now=now
        )

        clients: dict[str, list[tuple[int, tuple[float, float]]]] = {}
        for kind in (ClientKind.school, ClientKind.ward, ClientKind.care_provider):
            rows = []
            for n in range(CLIENTS_PER_KIND):
                latitude, longitude = _place(rng)
                rows.append(
                    {"kind": kind, "name": f"{kind} {n}", "postcode": "CF10 1AA", "latitude": latitude,
                     "longitude": longitude, "welsh_medium": kind == ClientKind.school and n % 4 == 0,
                     "cancellation_notice_hours": None, "created_at": now}
                )  # fmt: skip
            ids = insert_rows(connection, Client.__table__, rows)
            clients[kind] = [(i, (r["latitude"], r["longitude"])) for i, r in zip(ids, rows, strict=True)]

        member_rows = []
        for n in range(members):
            profession = PROFESSIONS[n % 3]
            latitude, longitude = _place(rng)
            member_rows.append(
                {
                    "name": f"Member {n:04d}", "email": f"member{n:04d}@bench.coop", "phone": None,
                    "profession": profession, "membership_class": "worker",
                    "status": "active" if rng.random() < 0.93 else rng.choice(("applicant", "suspended")),
                    "status_changed_at": now - timedelta(days=400), "joined_on": today - timedelta(days=400),
                    "left_on": None, "share_capital_pence": 100, "postcode": "CF10 1AA",
                    "latitude": latitude, "longitude": longitude,
                    "welsh_level": rng.choice(("none", "none", "learner", "fluent")),
                    "grade": rng.choice(GRADES[profession][1:6]),
                    "skills": rng.sample(SKILLS[profession], rng.randint(1, 3)),
                    "max_hours_per_week": rng.randint(16, 48), "max_travel_km": rng.randint(10, 45),
                    "opted_out_48h": rng.random() < 0.1,
                    "care_started_on": today - timedelta(days=900) if profession == Profession.care_worker else None,
                    "calendar_token": secrets.token_urlsafe(24), "created_at": now - timedelta(days=420),
                }
            )  # fmt: skip
        member_ids = insert_rows(connection, Member.__table__, member_rows)

        credentials, windows, days_off, lists = [], [], [], []
        for member_id, row in zip(member_ids, member_rows, strict=True):
            profession = row["profession"]
            for kind in REQUIRED_CREDENTIALS[profession]:
                expires = None if kind in (CredentialKind.dbs_enhanced, CredentialKind.right_to_work) else (
                    today + timedelta(days=rng.randint(-30, 700))  # about 4% already lapsed
                )  # fmt: skip
                credentials.append(
                    credential_row(
                        member_id=member_id, profession=profession, kind=kind,
                        verified_on=today - timedelta(days=rng.randint(30, 300)), expires_on=expires,
                        verified_by_user_id=coordinator, now=now,
                    )
                )  # fmt: skip
            if rng.random() < 0.8:
                days = rng.sample(range(7), rng.randint(3, 6))
                starts, ends = rng.choice(((time(7), time(20)), (time(7, 30), time(17)), (time(19), time(8))))
                windows += [{"member_id": member_id, "weekday": d, "starts": starts, "ends": ends} for d in days]
            if rng.random() < 0.15:
                first = today + timedelta(days=rng.randint(-3, 20))
                last = first + timedelta(days=rng.randint(0, 7))
                days_off.append({"member_id": member_id, "starts_on": first, "ends_on": last, "kind": "leave"})
        for kind, placed in clients.items():
            profession = profession_for(kind)
            pool = [m for m, r in zip(member_ids, member_rows, strict=True) if r["profession"] == profession]
            for client_id, _ in placed:
                for member_id in rng.sample(pool, 4):
                    lists.append({"client_id": client_id, "member_id": member_id,
                                  "list": rng.choice(("preferred", "preferred", "preferred", "do_not_send")),
                                  "note": None, "added_at": now, "added_by_user_id": coordinator})  # fmt: skip
        connection.execute(insert(Credential.__table__), credentials)
        connection.execute(insert(AvailabilityWindow.__table__), windows)
        if days_off:
            connection.execute(insert(AvailabilityException.__table__), days_off)
        connection.execute(insert(ClientMemberList.__table__), lists)

        # Bookings around today: each member holds a few shifts in the two weeks either side.
        held = []  # (member_id, client_id, profession, pattern, day)
        for member_id, row in zip(member_ids, member_rows, strict=True):
            if row["status"] != "active":
                continue
            profession = row["profession"]
            patterns = HELD_PATTERNS[profession]
            days = sorted(rng.sample(range(-14, 15), rng.randint(3, 8)))
            last_end = None
            for offset in days:
                day = today + timedelta(days=offset)
                kind = KIND_OF[profession]
                if kind == ClientKind.school and day.weekday() >= 5:
                    continue
                pattern = pick(rng, patterns)
                _label, starts, ends = DEFAULT_PATTERNS[kind][pattern]
                start, end = local_span(day, starts, ends)
                if last_end is not None and start < last_end + timedelta(hours=11):
                    continue
                last_end = end
                held.append((member_id, rng.choice(clients[kind])[0], profession, pattern, start, end))
        urgent = []
        for profession in PROFESSIONS:
            kind = KIND_OF[profession]
            for n in range(URGENT_PER_PROFESSION):
                # Starting within 24 h: tomorrow morning, or this evening.
                day = today + timedelta(days=1) if n == 0 else today
                pattern = {"school": ("full_day", "pm"), "ward": ("early", "night"),
                           "care_provider": ("morning_visit", "bed_visit")}[kind][n]  # fmt: skip
                _label, starts, ends = DEFAULT_PATTERNS[kind][pattern]
                start, end = local_span(day, starts, ends)
                if start <= now:
                    start, end = local_span(day + timedelta(days=1), starts, ends)
                urgent.append((clients[kind][n][0], profession, pattern, start, end))
        shift_rows = [(c, p, pat, s, e, "booked") for _, c, p, pat, s, e in held]
        shift_rows += [(c, p, pat, s, e, "open") for c, p, pat, s, e in urgent]
        request_ids = insert_rows(
            connection,
            ShiftRequest.__table__,
            [{"client_id": c, "role": p, "pattern": pat, "min_grade": None, "skills": [], "welsh_medium": False,
              "preferred_member_ids": [], "headcount": 1, "repeat_days": 1, "notes": None, "status": status,
              "created_by_user_id": coordinator, "created_at": now - timedelta(days=20)}
             for c, p, pat, s, e, status in shift_rows],
        )  # fmt: skip
        shift_ids = insert_rows(
            connection,
            Shift.__table__,
            [{"request_id": r, "client_id": c, "role": p, "kind": pat, "starts_at": s, "ends_at": e,
              "local_date": local_date(s),
              "status": status, "version": 0, "created_at": now - timedelta(days=20)}
             for r, (c, p, pat, s, e, status) in zip(request_ids, shift_rows, strict=True)],
        )  # fmt: skip
        insert_rows(
            connection,
            Booking.__table__,
            [{"shift_id": sid, "member_id": m, "starts_at": s, "ends_at": e, "status": "booked",
              "booked_at": now - timedelta(days=15), "booked_by_user_id": coordinator}
             for sid, (m, _c, _p, _pat, s, e) in zip(shift_ids, held, strict=False)],
        )  # fmt: skip
    engine.dispose()
    urgent_ids = shift_ids[len(held) :]
    return {"coordinator": coordinator, "urgent": list(zip(urgent_ids, [u[1] for u in urgent], strict=True)),
            "held": len(held), "clients": sum(len(v) for v in clients.values())}  # fmt: skip


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _profile(app, built: dict) -> None:
    """Where the time goes: the use-case and the response's serialisation, in this thread.

    (Through TestClient the handler runs in a worker thread, which cProfile here would not see.)
    """
    from sqlmodel import Session

    from coop.auth import service as auth_service
    from coop.shifts.schemas import Candidates

    shift_id = built["urgent"][2][0]  # a nurse's urgent shift
    profiler = cProfile.Profile()
    with Session(app.state.engine) as session:
        actor = auth_service.actor_for(session, session.get(User, built["coordinator"]))
        profiler.enable()
        for _ in range(5):
            found = cover_service.candidates(session, actor, shift_id)
            Candidates.model_validate(found).model_dump_json()
        profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(25)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a temp dir)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per urgent shift")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of a few calls")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'candidates.db'}"
        started = clock.perf_counter()
        built = build(url, args.members)
        print(f"database: {url.split('@')[-1]}  ({make_engine(url).dialect.name})")
        print(
            f"built in {clock.perf_counter() - started:.1f} s: {args.members} members, {built['clients']} clients, "
            f"{built['held']} bookings around today, {len(built['urgent'])} urgent open shifts"
        )
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}")  # fmt: skip
        settings = Settings(database_url=url, secret_key=SECRET, embedded_worker=False, mail_sender="log")
        app = create_app(settings)
        headers = {"Authorization": f"Bearer {issue_token(built['coordinator'], secret=SECRET, minutes=60)}"}
        timings: list[float] = []
        with TestClient(app) as client:
            print(f"{'shift':>6} {'profession':<15} {'eligible':>8} {'ineligible':>10} {'median':>8} "
                  f"{'p95':>8} {'max':>8}  (ms)")  # fmt: skip
            for shift_id, profession in built["urgent"]:
                warm = client.get(f"/api/shifts/{shift_id}/candidates", headers=headers)
                assert warm.status_code == 200, warm.text
                body = warm.json()
                mine = []
                for _ in range(args.repeat):
                    t0 = clock.perf_counter()
                    response = client.get(f"/api/shifts/{shift_id}/candidates", headers=headers)
                    mine.append((clock.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
                timings += mine
                print(
                    f"{shift_id:>6} {profession:<15} {len(body['eligible']):>8} {len(body['ineligible']):>10} "
                    f"{statistics.median(mine):>8.1f} {_percentile(mine, 0.95):>8.1f} {max(mine):>8.1f}"
                )
            print(
                f"all {len(timings)} calls: median {statistics.median(timings):.1f} ms, "
                f"p95 {_percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms"
            )
            if args.profile:
                _profile(app, built)
        app.state.engine.dispose()


if __name__ == "__main__":
    main()
