"""Regional week: roster a generated but realistic week for a regional co-op, and time each part.

    python -m bench.regional [--scale 1 [2 4 ...]] [--time-limit 60] [--database-url URL] [--seed 1]

For each scale it builds a fresh, migrated database (a SQLite file in a temporary directory, or the empty
PostgreSQL database given with --database-url, which you create and drop yourself; with several scales
it is wiped and migrated again for each) holding a seeded co-op of 600×scale members (a third each of
supply teachers, nurses and care workers) across South Wales, ~(40 schools, 25 wards, 30 care
providers)×scale, four weeks of worked history, a few bookings already held in the rostered week, and
about 3,000×scale open shifts over next week, Monday to Sunday: school full days and sessions on
weekdays, ward earlies, lates, nights and long days on every day, care visits and day shifts. Some
requests are long-term cover runs (one request over five days), some need a skill, a grade or Welsh;
a few need what no member has, so they are not fillable.

Then it measures, separately:

(a) the adapter, ``coop.rostering.adapter.build``: every (member, shift) pair of the same profession
    through the one eligibility rule set;
(b) the engine, ``scheduling.solve`` with 2 workers: status, objective, bound, gap, time to the first
    roster and to a roster within 1% of the final bound (from the progress callback), wall time;
(c) fill: shifts filled against fillable (a shift with at least one eligible member);
(d) an independent check, ``scheduling.validate_roster``, of every hard rule.

It prints one summary line per scale and a row for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import secrets
import tempfile
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session

import scheduling
from bench.candidates import SKILLS
from coop.bookings.models import Booking
from coop.clients.models import Client, ClientMemberList
from coop.clients.service import profession_for
from coop.clock import LONDON, local_date, today_local, utcnow
from coop.db import make_engine
from coop.enums import ClientKind, CredentialKind, Profession, Role
from coop.geo import DISTRICTS
from coop.members.grades import GRADES
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member
from coop.members.rules import REQUIRED_CREDENTIALS
from coop.migrate import upgrade
from coop.policy import Policy
from coop.rostering import adapter, greedy
from coop.rostering import service as roster_service
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.timing import DEFAULT_PATTERNS, is_night, local_span
from demo.seed import KIND_OF, PROFESSIONS, credential_row, insert_rows, near, next_monday, pick, seeded, staff_user
from scheduling.aggregate import merge_identical

# South Wales only: Cardiff, the Valleys, Newport, Bridgend, Swansea and Llanelli districts.
SOUTH_WALES = sorted(d for d in DISTRICTS if d.startswith(("CF", "NP", "SA")))
# Per 1× scale.
MEMBERS = 600
CLIENTS = {ClientKind.school: 40, ClientKind.ward: 25, ClientKind.care_provider: 30}
# Open places asked per client per working day, on average (≈ 700 + 650 + 1,650 ≈ 3,000 a week at 1×).
PER_CLIENT_DAY = {ClientKind.school: 3.5, ClientKind.ward: 3.7, ClientKind.care_provider: 7.9}
# Patterns asked for, with weights; wards always ask early, late and night first (around the clock).
ASKED = {
    ClientKind.school: (("full_day", 7), ("am", 2), ("pm", 1)),
    ClientKind.ward: (("early", 3), ("late", 3), ("night", 3), ("long_day", 1)),
    ClientKind.care_provider: (
        ("morning_visit", 4), ("lunch_visit", 2), ("tea_visit", 2), ("bed_visit", 3), ("day", 1),
    ),
}  # fmt: skip
# What members worked in the four weeks before, with weights.
WORKED = {
    Profession.supply_teacher: (("full_day", 8), ("am", 1), ("pm", 1)),
    Profession.nurse: (("early", 3), ("late", 3), ("night", 2), ("long_day", 2)),
    Profession.care_worker: (("day", 2), ("morning_visit", 3), ("lunch_visit", 1), ("tea_visit", 2)),
}
# A requirement no member meets: above every member's grade, or a package of skills nobody holds.
BEYOND = {
    Profession.supply_teacher: {"min_grade": "U2"},
    Profession.nurse: {"min_grade": "8a"},
    Profession.care_worker: {"skills": ["complex-needs", "end-of-life", "dementia", "medication"]},
}
UNREACHABLE_SHARE = 0.06  # of requests
RUN_SHARE = {ClientKind.school: 0.18, ClientKind.ward: 0.06, ClientKind.care_provider: 0.03}


@dataclass
class Generated:
    """What was written: counts, and the rostered week."""

    monday: date
    members: int = 0
    clients: int = 0
    open_shifts: int = 0
    requests: int = 0
    runs: int = 0
    history_bookings: int = 0
    held_in_week: int = 0
    unreachable_shifts: int = 0
    by_profession: dict[str, int] = field(default_factory=dict)


def _place(rng: random.Random) -> tuple[float, float]:
    return near(rng, rng.choice(SOUTH_WALES), spread=0.015)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def _count(rng: random.Random, mean: float) -> int:
    """A whole number of places with the given mean (floor plus a Bernoulli remainder)."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def _availability(rng: random.Random, profession: str) -> list[tuple[int, time, time]]:
    """Weekly windows (weekday, start, end); an empty list means any time."""
    if profession == Profession.supply_teacher:
        if rng.random() < 0.2:
            return []
        days = range(5) if rng.random() < 0.6 else sorted(rng.sample(range(5), rng.randint(3, 4)))
        return [(d, time(8), time(16)) for d in days]
    if profession == Profession.nurse:
        roll = rng.random()
        if roll < 0.2:  # nights only
            return [(d, time(19, 30), time(8, 30)) for d in sorted(rng.sample(range(7), rng.randint(3, 5)))]
        if roll < 0.7:
            return [(d, time(6, 30), time(22, 30)) for d in sorted(rng.sample(range(7), rng.randint(4, 6)))]
        return []
    if rng.random() < 0.3:
        return []
    return [(d, time(6, 30), time(22, 30)) for d in sorted(rng.sample(range(7), rng.randint(4, 7)))]


def _fits(windows: list[tuple[int, time, time]], day: date, starts: time, ends: time) -> bool:
    if not windows:
        return True
    for weekday, w_from, w_to in windows:
        if weekday != day.weekday():
            continue
        open_from, open_to = local_span(day, w_from, w_to)
        start, end = local_span(day, starts, ends)
        if open_from <= start and end <= open_to:
            return True
    return False


def _worked(
    rng: random.Random,
    profession: str,
    windows: list[tuple[int, time, time]],
    cap_minutes: int,
    monday: date,
    policy: Policy,
) -> list[tuple[str, datetime, datetime, int]]:
    """A member's shifts from four weeks before the rostered week to its end, within every hard rule:
    (pattern, start, end, day offset from Monday). Days in the rostered week are held only rarely."""
    kind = KIND_OF[profession]
    patterns = WORKED[profession]
    out: list[tuple[str, datetime, datetime, int]] = []
    last_end: datetime | None = None
    last_night = False
    run, nights_run, week_minutes, week = 0, 0, 0, None
    for offset in range(-28, 7):
        day = monday + timedelta(days=offset)
        if offset // 7 != week:
            week, week_minutes = offset // 7, 0
        share = 0.55 if offset < 0 else 0.05
        if rng.random() >= share or (kind == ClientKind.school and day.weekday() >= 5):
            run, nights_run = 0, 0
            continue
        pattern = pick(rng, patterns)
        _label, starts, ends = DEFAULT_PATTERNS[kind][pattern]
        if not _fits(windows, day, starts, ends):
            run, nights_run = 0, 0
            continue
        start, end = local_span(day, starts, ends)
        minutes = int((end - start).total_seconds() // 60)
        night = is_night(start, end, policy)
        gap_ok = last_end is None or start >= last_end + timedelta(hours=policy.min_rest_hours)
        recovery_ok = last_end is None or not last_night or night or (
            start >= last_end + timedelta(hours=policy.night_recovery_hours)
        )  # fmt: skip
        if (
            not gap_ok
            or not recovery_ok
            or run + 1 > policy.max_consecutive_days - 1
            or (night and nights_run + 1 > policy.max_consecutive_nights - 1)
            or week_minutes + minutes > cap_minutes
        ):
            run, nights_run = 0, 0
            continue
        out.append((pattern, start, end, offset))
        last_end, last_night = end, night
        run, week_minutes = run + 1, week_minutes + minutes
        nights_run = nights_run + 1 if night else 0
    return out


def generate(
    url: str, *, scale: float = 1.0, seed: int = 1, monday: date | None = None, demand: float = 1.0
) -> Generated:
    """Migrate the empty database at ``url`` and write a seeded regional co-op and its open week into it.

    ``demand`` scales the places asked per client and day (the tests use a light week that can be filled).
    """
    rng = seeded(seed)
    policy = Policy()
    now = utcnow()
    monday = monday or next_monday(today_local())
    made = Generated(monday=monday)
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        coordinator = staff_user(
            connection, email="coordinator@regional.coop", name="Regional Coordinator", role=Role.coordinator, now=now
        )

        # Clients: schools (a quarter Welsh-medium), wards (each with its specialty), care providers.
        clients: dict[str, list[dict]] = {}
        for kind, per_scale in CLIENTS.items():
            rows = []
            for n in range(max(1, round(per_scale * scale))):
                latitude, longitude = _place(rng)
                rows.append(
                    {"kind": kind, "name": f"{kind} {n}", "postcode": "CF10 1AA", "latitude": latitude,
                     "longitude": longitude, "welsh_medium": kind == ClientKind.school and n % 4 == 0,
                     "cancellation_notice_hours": None, "created_at": now}
                )  # fmt: skip
            for row, client_id in zip(rows, insert_rows(connection, Client.__table__, rows), strict=True):
                row["id"] = client_id
            clients[kind] = rows
        made.clients = sum(len(v) for v in clients.values())
        specialty = {c["id"]: rng.choice(SKILLS[Profession.nurse]) for c in clients[ClientKind.ward]}

        # Members.
        member_rows = []
        for n in range(max(3, round(MEMBERS * scale))):
            profession = PROFESSIONS[n % 3]
            latitude, longitude = _place(rng)
            member_rows.append(
                {
                    "name": f"Member {n:05d}", "email": f"member{n:05d}@regional.coop", "phone": None,
                    "profession": profession, "membership_class": "worker",
                    "status": "active" if rng.random() < 0.95 else rng.choice(("applicant", "suspended")),
                    "status_changed_at": now - timedelta(days=400), "joined_on": monday - timedelta(days=400),
                    "left_on": None, "share_capital_pence": 100, "postcode": "CF10 1AA",
                    "latitude": latitude, "longitude": longitude,
                    "welsh_level": rng.choices(("none", "learner", "fluent"),
                                               weights=(5, 2, 3 if profession == Profession.supply_teacher else 2))[0],
                    "grade": rng.choice(GRADES[profession][1:6]),
                    "skills": rng.sample(SKILLS[profession], rng.randint(1, 3)),
                    "max_hours_per_week": rng.randint(16, 48), "max_travel_km": rng.randint(15, 45),
                    "opted_out_48h": rng.random() < 0.1,
                    "care_started_on": monday - timedelta(days=900) if profession == Profession.care_worker else None,
                    "calendar_token": secrets.token_urlsafe(24), "created_at": now - timedelta(days=420),
                }
            )  # fmt: skip
        member_ids = insert_rows(connection, Member.__table__, member_rows)
        made.members = len(member_ids)

        credentials, windows, days_off, lists = [], [], [], []
        availability: dict[int, list[tuple[int, time, time]]] = {}
        for member_id, row in zip(member_ids, member_rows, strict=True):
            profession = row["profession"]
            for kind in REQUIRED_CREDENTIALS[profession]:
                roll = rng.random()
                if kind in (CredentialKind.dbs_enhanced, CredentialKind.right_to_work):
                    expires = None
                elif roll < 0.02:
                    expires = monday - timedelta(days=rng.randint(1, 60))  # lapsed
                elif roll < 0.03:
                    expires = monday + timedelta(days=rng.randint(0, 5))  # lapses during the week
                else:
                    expires = monday + timedelta(days=rng.randint(30, 700))
                credentials.append(
                    credential_row(
                        member_id=member_id, profession=profession, kind=kind,
                        verified_on=monday - timedelta(days=rng.randint(60, 400)), expires_on=expires,
                        verified_by_user_id=coordinator, now=now,
                    )
                )  # fmt: skip
            availability[member_id] = _availability(rng, profession)
            windows += [
                {"member_id": member_id, "weekday": d, "starts": s, "ends": e} for d, s, e in availability[member_id]
            ]
            if rng.random() < 0.08:
                first = monday + timedelta(days=rng.randint(-2, 6))
                days_off.append(
                    {"member_id": member_id, "starts_on": first, "ends_on": first + timedelta(days=rng.randint(0, 3)),
                     "kind": "leave"}
                )  # fmt: skip
        for kind, placed in clients.items():
            profession = profession_for(kind)
            pool = [m for m, r in zip(member_ids, member_rows, strict=True) if r["profession"] == profession]
            for client in placed:
                for n, member_id in enumerate(rng.sample(pool, min(len(pool), 4))):
                    lists.append({"client_id": client["id"], "member_id": member_id,
                                  "list": "do_not_send" if n == 3 else "preferred",
                                  "note": None, "added_at": now, "added_by_user_id": coordinator})  # fmt: skip
        connection.execute(insert(Credential.__table__), credentials)
        if windows:
            connection.execute(insert(AvailabilityWindow.__table__), windows)
        if days_off:
            connection.execute(insert(AvailabilityException.__table__), days_off)
        if lists:
            connection.execute(insert(ClientMemberList.__table__), lists)

        # History: four weeks worked at nearby clients (so continuity and worked-before matter), and a few
        # shifts already held in the rostered week (fixed for the engine).
        worked = []  # (member_id, client_id, profession, pattern, start, end, in_week)
        for member_id, row in zip(member_ids, member_rows, strict=True):
            if row["status"] != "active":
                continue
            profession = row["profession"]
            here = (row["latitude"], row["longitude"])
            near = sorted(clients[KIND_OF[profession]], key=lambda c: _km(here, (c["latitude"], c["longitude"])))[:3]
            cap = row["max_hours_per_week"] if row["opted_out_48h"] else min(48, row["max_hours_per_week"])
            for pattern, start, end, offset in _worked(
                rng, profession, availability[member_id], cap * 60, monday, policy
            ):
                client = near[0] if rng.random() < 0.6 else rng.choice(near)
                worked.append((member_id, client["id"], profession, pattern, start, end, offset >= 0))

        # The open week.
        opened = []  # (request row, [(start, end)])
        for kind, placed in clients.items():
            profession = profession_for(kind)
            asked = ASKED[kind]
            days = [monday + timedelta(days=d) for d in range(5 if kind == ClientKind.school else 7)]
            for client in placed:
                for day in days:
                    if kind == ClientKind.ward and demand >= 1:
                        wanted = ["early", "late", "night"]
                        wanted += rng.choices([p for p, _ in asked], weights=[w for _, w in asked],
                                              k=max(0, _count(rng, PER_CLIENT_DAY[kind] * demand - 3)))  # fmt: skip
                    else:
                        wanted = rng.choices([p for p, _ in asked], weights=[w for _, w in asked],
                                             k=_count(rng, PER_CLIENT_DAY[kind] * demand))  # fmt: skip
                    for pattern in wanted:
                        run = rng.random() < RUN_SHARE[kind] and day.weekday() == 0
                        repeat = 5 if run else 1
                        if run and kind == ClientKind.school:
                            pattern = "full_day"
                        request = {
                            "client_id": client["id"], "role": profession, "pattern": pattern, "min_grade": None,
                            "skills": [], "welsh_medium": bool(client["welsh_medium"]), "preferred_member_ids": [],
                            "headcount": 1, "repeat_days": repeat, "notes": None, "status": "open",
                            "created_by_user_id": coordinator, "created_at": now - timedelta(days=3),
                        }  # fmt: skip
                        roll = rng.random()
                        if roll < UNREACHABLE_SHARE:
                            request.update(BEYOND[profession])
                        elif kind == ClientKind.school:
                            if roll < 0.15:
                                request["skills"] = [rng.choice(("SEN", "early-years", "secondary-maths"))]
                            elif roll < 0.22:
                                request["min_grade"] = "M2"
                        elif kind == ClientKind.ward:
                            if roll < 0.3:
                                request["skills"] = [specialty[client["id"]]]
                            elif roll < 0.45:
                                request["min_grade"] = "5"
                        elif roll < 0.2:
                            request["skills"] = [rng.choice(("dementia", "medication", "personal-care"))]
                        elif roll < 0.28:
                            request["min_grade"] = "3"
                        _label, starts, ends = DEFAULT_PATTERNS[kind][pattern]
                        spans = [local_span(day + timedelta(days=d), starts, ends) for d in range(repeat)]
                        opened.append((request, spans))
                        made.runs += run
                        if roll < UNREACHABLE_SHARE:
                            made.unreachable_shifts += repeat

        rows = [(r, [(s, e)], "booked" if in_week or e > now else "completed", m)
                for m, c, p, pat, s, e, in_week in worked
                for r in [{"client_id": c, "role": p, "pattern": pat, "min_grade": None, "skills": [],
                           "welsh_medium": False, "preferred_member_ids": [], "headcount": 1, "repeat_days": 1,
                           "notes": None, "status": "booked", "created_by_user_id": coordinator,
                           "created_at": s - timedelta(days=7)}]]  # fmt: skip
        rows += [(r, spans, "open", None) for r, spans in opened]
        request_ids = insert_rows(connection, ShiftRequest.__table__, [r for r, _spans, _status, _m in rows])
        shift_rows, booking_members = [], []
        for request_id, (request, spans, status, member_id) in zip(request_ids, rows, strict=True):
            for start, end in spans:
                shift_rows.append(
                    {"request_id": request_id, "client_id": request["client_id"], "role": request["role"],
                     "kind": request["pattern"], "starts_at": start, "ends_at": end, "local_date": local_date(start),
                     "status": status, "version": 0, "created_at": request["created_at"]}
                )  # fmt: skip
                booking_members.append(member_id)
        shift_ids = insert_rows(connection, Shift.__table__, shift_rows)
        insert_rows(
            connection,
            Booking.__table__,
            [{"shift_id": sid, "member_id": m, "starts_at": row["starts_at"], "ends_at": row["ends_at"],
              "status": row["status"], "booked_at": row["created_at"], "booked_by_user_id": coordinator}
             for sid, row, m in zip(shift_ids, shift_rows, booking_members, strict=True) if m is not None],
        )  # fmt: skip
        made.history_bookings = sum(1 for *_rest, in_week in worked if not in_week)
        made.held_in_week = sum(1 for *_rest, in_week in worked if in_week)
        made.requests = len(opened)
        made.open_shifts = sum(len(spans) for _r, spans in opened)
        for request, spans in opened:
            made.by_profession[request["role"]] = made.by_profession.get(request["role"], 0) + len(spans)
    engine.dispose()
    return made


@dataclass
class Measured:
    """The figures of one run."""

    scale: float
    generated: Generated
    generate_s: float
    adapter_s: float
    pairs: int
    eligible_pairs: int
    status: str = ""
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    first_s: float | None = None
    solver_s: float = 0.0
    solve_total_s: float = 0.0
    fillable: int = 0
    filled: int = 0
    unfilled_fillable: int = 0
    violations: int = 0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    improvements: int = 0
    profession: str | None = None
    rostered_members: int = 0
    rostered_shifts: int = 0
    unfilled_cost: int | None = None
    unfilled_bound: int | None = None
    fill_proven: bool = False
    quality_gap: float | None = None


def measure(
    url: str,
    *,
    scale: float,
    seed: int,
    time_limit: float,
    workers: int = 2,
    explain: bool = True,
    demand: float = 1.0,
    profession: str | None = None,
    hint: bool = True,
    tuning: dict[str, float] | None = None,
    log=print,
) -> Measured:
    """Generate the co-op at ``url``, then time the adapter, the engine, the fill and the check."""
    started = clock.perf_counter()
    made = generate(url, scale=scale, seed=seed, demand=demand)
    generate_s = clock.perf_counter() - started
    log(
        f"  generated in {generate_s:.1f} s: {made.members} members, {made.clients} clients, "
        f"{made.open_shifts} open shifts ({made.requests} requests, {made.runs} five-day runs; "
        + ", ".join(f"{p} {n}" for p, n in sorted(made.by_profession.items()))
        + f"), {made.unreachable_shifts} beyond every member, {made.history_bookings} bookings in the 4 weeks "
        f"before, {made.held_in_week} held in the week; week of {made.monday.isoformat()}"
    )
    engine = make_engine(url)
    professions = [profession] if profession else sorted(made.by_profession)
    # Rostered as a coordinator would, on the Friday before at noon, whenever the benchmark runs: shift
    # priorities (within 72 hours costs two) depend on the time, and a run an hour later was another week.
    planned_at = datetime.combine(made.monday - timedelta(days=3), time(12, 0), tzinfo=LONDON)
    parts, roles, adapter_s, greedy_s = [], [], 0.0, 0.0
    with Session(engine) as session:
        for role in professions:
            t0 = clock.perf_counter()
            scope = adapter.Scope(made.monday, made.monday + timedelta(days=6), role)
            built = adapter.build(session, scope, Policy(), now=planned_at)
            adapter_s += clock.perf_counter() - t0
            t0 = clock.perf_counter()
            first = greedy.first_roster(built, Policy()) if hint else []
            greedy_s += clock.perf_counter() - t0
            if built.problem.shifts:
                parts.append((built, first))
                roles.append(role)
    engine.dispose()
    problems = [b.problem for b, _ in parts]
    eligible_ids = {s for p in problems for w in p.workers for s in w.eligible_shift_ids}
    eligible_pairs = sum(len(w.eligible_shift_ids) for p in problems for w in p.workers)
    pairs = eligible_pairs + sum(len(w.ineligible_reasons) for p in problems for w in p.workers)
    log(
        f"  adapter: {adapter_s:.1f} s for {len(professions)} professions, "
        f"{sum(len(p.shifts) for p in problems)} shifts: {pairs} pairs checked, {eligible_pairs} eligible; "
        f"greedy first rosters {sum(len(h) for _, h in parts)} places in {greedy_s:.1f} s"
    )
    log(
        "  shifts as the engine models them, identical ones merged (scheduling.aggregate): "
        + ", ".join(f"{len(p.shifts)} → {len(merge_identical(p).problem.shifts)}" for p in problems)
    )
    result = Measured(
        scale=scale, generated=made, generate_s=generate_s, adapter_s=adapter_s, pairs=pairs,
        eligible_pairs=eligible_pairs, profession=profession,
        rostered_members=sum(len(p.workers) for p in problems), rostered_shifts=sum(len(p.shifts) for p in problems),
    )  # fmt: skip
    result.fillable = sum(1 for p in problems for s in p.shifts if s.id in eligible_ids)

    progress: list[tuple[float, float, float]] = []
    t_solve = clock.perf_counter()

    def on_progress(objective: float, bound: float) -> None:
        progress.append((objective, bound, clock.perf_counter() - t_solve))
        if len(progress) == 1:
            log(f"  first roster at {progress[0][2]:.1f} s")

    # As a roster run does: one model per profession, each with its share of the time, "staged".
    solved = roster_service.solve_parts(
        parts, time_limit, on_progress=on_progress, num_workers=workers, explain=explain, tuning=tuning
    )
    result.solve_total_s = clock.perf_counter() - t_solve
    for role, (built, solution) in zip(roles, solved, strict=True):
        fill, quality = solution.stages.get("fill", {}), solution.stages.get("quality", {})
        log(
            f"  {role}: {len(built.problem.shifts)} shifts, "
            f"{len(built.problem.workers)} members: {solution.status} in {solution.wall_time_s:.1f} s; fill "
            f"{fill.get('unfilled_cost')} ≥ {fill.get('bound')} ({fill.get('seconds')} s, local search "
            f"{fill.get('refill_s')} s, MIP {fill.get('mip_s')} s); "
            f"quality {quality.get('status')} {quality.get('objective')} ≥ "
            f"{quality.get('bound')} ({quality.get('seconds')} s)"
        )
    result.load = os.getloadavg()
    solutions = [s for _, s in solved]
    result.status = ", ".join(s.status for s in solutions)
    complete = all(s.objective is not None for s in solutions)
    result.objective = sum(s.objective for s in solutions) if complete else None
    result.bound = sum(s.best_bound or 0.0 for s in solutions)
    result.gap = (result.objective - result.bound) / max(1.0, abs(result.objective)) if complete else None
    result.solver_s = sum(s.wall_time_s for s in solutions)
    result.improvements = len(progress)
    if progress:
        result.first_s = progress[0][2]
    fill = [s.stages.get("fill") for s in solutions]
    quality = [s.stages.get("quality") for s in solutions if "objective" in s.stages.get("quality", {})]
    if all(fill):
        # The fill stage minimises unfilled places (every shift counts priority times); its bound proves how
        # many places no roster can fill, so "fillable but unfilled" splits into provably and not yet.
        result.unfilled_cost = sum(f["unfilled_cost"] for f in fill)
        result.unfilled_bound = sum(math.ceil(f["bound"] - 1e-6) for f in fill)
        result.fill_proven = all(f["status"] == "OPTIMAL" for f in fill)
    if quality and len(quality) == len(solutions):
        q_obj, q_bound = sum(q["objective"] for q in quality), sum(q["bound"] for q in quality)
        result.quality_gap = (q_obj - q_bound) / max(1.0, abs(q_obj))
    filled_ids = {a.shift_id for s in solutions for a in s.assignments}
    result.filled = len(filled_ids)
    result.unfilled_fillable = len(eligible_ids - filled_ids)
    for problem, solution in zip(problems, solutions, strict=True):
        violations = scheduling.validate_roster(problem, [(a.shift_id, a.member_id) for a in solution.assignments])
        result.violations += len(violations)
        for v in violations[:5]:
            log(f"  VIOLATION {v}")
    return result


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def _unfilled(m: Measured) -> str:
    """Unfilled places (priority-weighted) against the fewest any roster can leave, as the fill bound proves."""
    if m.unfilled_cost is None:
        return "—"
    return f"{m.unfilled_cost} ≥ {m.unfilled_bound}{' (proven)' if m.fill_proven else ''}"


def summary(m: Measured) -> str:
    return (
        f"scale {m.scale:g}{' ' + m.profession if m.profession else ''}: {m.generated.members} members "
        f"({m.rostered_members} rostered), {m.rostered_shifts} open shifts, "
        f"{m.fillable} fillable, {m.filled} filled ({m.unfilled_fillable} fillable left unfilled); "
        f"unfilled places {_unfilled(m)}; {m.status}; objective {m.objective}, "
        f"bound {m.bound if m.bound is None else round(m.bound)}, gap {_pct(m.gap)}, "
        f"quality gap (fill kept) {_pct(m.quality_gap)}; first roster {_s(m.first_s)}; "
        f"adapter {m.adapter_s:.1f} s, solve {m.solve_total_s:.1f} s; "
        f"{m.violations} hard-rule violations; load {m.load[0]:.1f}"
    )


def table_row(m: Measured) -> str:
    return (
        f"| ×{m.scale:g}{' ' + m.profession if m.profession else ''} | {m.generated.members} | {m.rostered_shifts} | "
        f"{m.fillable} | {m.filled} | {_unfilled(m)} | {_pct(m.quality_gap)} | {_pct(m.gap)} | "
        f"{_s(m.first_s)} | {m.adapter_s:.1f} s | {m.solve_total_s:.1f} s | {m.violations} | {m.load[0]:.1f} |"
    )


TABLE_HEAD = (
    "| scale | members | open shifts | fillable | filled | unfilled places ≥ fewest possible | quality gap | "
    "gap | first roster | adapter | solve | violations | load |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def _wipe(url: str) -> None:
    """Empty a PostgreSQL database given with --database-url before the next scale."""
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _tuning(args: argparse.Namespace) -> dict[str, float]:
    """The engine's parameters the command line sets, by their ``SolveParameters`` names."""
    given = {
        "fill_fraction": args.fill_fraction,
        "refill_fraction": args.refill_fraction,
        "mip_fraction": args.mip_fraction,
    }
    return {name: value for name, value in given.items() if value is not None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0], help="1 is 600 members, ~3,000 shifts")
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver wall-clock limit, seconds")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT search workers")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite in a temp dir)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-explain", action="store_true", help="skip the reasons for each assignment")
    parser.add_argument("--profession", help="roster one profession only (as a run scoped to it does)")
    parser.add_argument("--no-hint", action="store_true", help="start the engine without the greedy first roster")
    parser.add_argument("--fill-fraction", type=float, help="the share of each profession's time for the fill stage")
    parser.add_argument("--refill-fraction", type=float, help="the share of the fill stage for the local search")
    parser.add_argument("--mip-fraction", type=float, help="the share for the fill as a MIP after the local search")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f}"
    )
    results = []
    for n, scale in enumerate(args.scale):
        with tempfile.TemporaryDirectory() as directory:
            url = args.database_url or f"sqlite:///{Path(directory) / 'regional.db'}"
            if args.database_url and n > 0:
                _wipe(url)
            print(f"scale {scale:g} ({make_engine(url).dialect.name}), time limit {args.time_limit:g} s, "
                  f"{args.workers} workers, seed {args.seed}, {args.profession or 'every profession'}")  # fmt: skip
            m = measure(url, scale=scale, seed=args.seed, time_limit=args.time_limit, workers=args.workers,
                        explain=not args.no_explain, profession=args.profession,
                        hint=not args.no_hint, tuning=_tuning(args))  # fmt: skip
            print(summary(m), flush=True)
            results.append(m)
    print()
    print(TABLE_HEAD)
    for m in results:
        print(table_row(m))


if __name__ == "__main__":
    main()
