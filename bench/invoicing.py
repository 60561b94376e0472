"""How fast a month is invoiced: the invoicing run over a month of 5,000 approved timesheets (issue 31, "Money":
under 10 s on 2 cores, on PostgreSQL).

The month is May 2026 (two Welsh bank holidays, five weekends). The co-op (``--members``, 500 by default: 40%
supply teachers, 35% nurses, 25% care workers; a client for about every five members: schools, wards and care
providers, some invoiced weekly and some monthly, a quarter of the schools in Welsh) worked ``--timesheets``
shifts in it, each approved: school days and sessions on school weekdays; ward earlies, lates, long days and
nights on every day, bank holidays included; care visits, day shifts and sleep-ins. Each member keeps to
their usual two or three clients and rests 11 hours between shifts, so no booking overlaps another. The rows
(members with their grades, clients, requests, shifts, bookings, timesheets) go straight in with the shared
seeding helpers (`demo.seed`); no money is written: the run prices every timesheet itself.

The first run builds the month into a PostgreSQL database (``coop_bench_invoicing``, created if absent, then
analysed); later runs reuse it unless ``--rebuild``. Each timed run works on a fresh copy of it
(``CREATE DATABASE coop_bench_invoicing_run TEMPLATE coop_bench_invoicing``, dropped afterwards) and calls
`coop.billing.service.run_invoicing` for the month, the use-case ``POST /api/invoicing-runs`` calls, in a fresh
session. Each run is checked: every timesheet billed once, and the invoices' totals equal the receivables
(trade debtors, 1100) posted in their ledger entries, invoice by invoice. ``--sqlite PATH`` builds (or reuses)
the same month in a SQLite file and times one run on a copy of it too. ``--profile`` prints where one run's
time goes (cProfile, by cumulative time).

    python -m bench.invoicing                          # PostgreSQL, 5,000 timesheets, 5 runs
    python -m bench.invoicing --sqlite /tmp/invoicing.db
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import secrets
import sqlite3
import statistics
import time as clock
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, func, select

from coop.access import Actor
from coop.billing import service as billing
from coop.billing.models import Invoice, InvoiceLine
from coop.bookings.models import Booking, Timesheet
from coop.clients.models import Client
from coop.clock import local_date, utcnow
from coop.db import make_engine
from coop.enums import ClientKind, Profession, Role
from coop.ledger import accounts
from coop.ledger.models import Posting
from coop.members.models import Member
from coop.migrate import upgrade
from coop.pay import service as pay_service
from coop.pay.rules import welsh_bank_holidays
from coop.policy import Policy
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.timing import DEFAULT_PATTERNS, is_night, local_span
from demo.seed import KIND_OF, PROFESSIONS, insert_rows, pick, seeded, staff_user

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench_invoicing"
MONTH_START, MONTH_END = date(2026, 5, 1), date(2026, 5, 31)
ACTOR = Actor(user_id=None, roles=frozenset({Role.coordinator}), name="bench")
MIX = {Profession.supply_teacher: 0.40, Profession.nurse: 0.35, Profession.care_worker: 0.25}
MEMBERS_PER_CLIENT = 5
# The grades the shipped rate cards price (care workers' cards stop at level 3), weighted as a co-op's are.
GRADES = {
    Profession.supply_teacher: (("M2", 3), ("M3", 3), ("M4", 2), ("M6", 2), ("U1", 1), ("UQ", 1)),
    Profession.nurse: (("3", 2), ("4", 2), ("5", 4), ("6", 3), ("7", 1)),
    Profession.care_worker: (("1", 2), ("2", 4), ("3", 3)),
}
# What each profession works, with weights (nights and weekends give the nurses' unsocial-hours bands).
WORKED = {
    Profession.supply_teacher: (("full_day", 8), ("am", 1), ("pm", 1)),
    Profession.nurse: (("early", 3), ("late", 3), ("night", 3), ("long_day", 2)),
    Profession.care_worker: (
        ("day", 3), ("morning_visit", 3), ("lunch_visit", 1), ("tea_visit", 2), ("bed_visit", 1), ("sleep_in", 1),
    ),
}  # fmt: skip
BREAK_MINUTES = {"full_day": 40, "early": 30, "late": 30, "night": 60, "long_day": 60, "day": 60, "sleep_in": 0}
WEEKLY_SHARE = {ClientKind.school: 0.2, ClientKind.ward: 0.6, ClientKind.care_provider: 0.5}
WORK_SHARE = 0.6  # of a member's possible days; the month is then trimmed to the timesheets asked for


@dataclass
class Built:
    members: int
    clients: int
    weekly_clients: int
    timesheets: int
    nights: int
    weekend_or_bank_holiday: int
    seconds: float


@dataclass
class Run:
    seconds: float
    invoices: int
    lines: int
    billed_timesheets: int
    total_pence: int
    receivable_pence: int
    profile: str = ""


# ------------------------------------------------------------------------------------------------------ building


def _member_rows(rng: random.Random, members: int, now: datetime) -> list[dict]:
    rows = []
    for profession, share in MIX.items():
        for n in range(max(1, round(members * share))):
            rows.append(
                {
                    "name": f"Bench {profession} {n:04d}", "email": f"bench-{profession}-{n}@invoicing.coop",
                    "profession": str(profession), "membership_class": "worker", "status": "active",
                    "status_changed_at": now - timedelta(days=400), "joined_on": MONTH_START - timedelta(days=400),
                    "share_capital_pence": 100, "grade": pick(rng, GRADES[profession]), "skills": [],
                    "preferences": {}, "max_hours_per_week": 48, "opted_out_48h": False,
                    "care_started_on": MONTH_START - timedelta(days=900)
                    if profession == Profession.care_worker else None,
                    "calendar_token": secrets.token_urlsafe(24), "created_at": now - timedelta(days=420),
                }
            )  # fmt: skip
    return rows


def _client_rows(rng: random.Random, members: int, now: datetime) -> list[dict]:
    rows = []
    for profession, share in MIX.items():
        kind = KIND_OF[profession]
        for n in range(max(1, round(members * share / MEMBERS_PER_CLIENT))):
            weekly = rng.random() < WEEKLY_SHARE[kind]
            rows.append(
                {"kind": str(kind), "name": f"Bench {kind} {n:03d}", "postcode": "CF10 1AA",
                 "welsh_medium": kind == ClientKind.school and n % 4 == 0,
                 "language": "cy" if kind == ClientKind.school and n % 4 == 0 else "en",
                 "invoice_frequency": "weekly" if weekly else "monthly", "created_at": now}
            )  # fmt: skip
    return rows


def _month_of(
    rng: random.Random, profession: str, usual: list[int], policy: Policy, bank_holidays
) -> list[tuple[int, str, datetime, datetime]]:
    """A member's month: (client, pattern, start, end), never two shifts within the minimum rest of each other."""
    kind = KIND_OF[profession]
    out = []
    last_end: datetime | None = None
    day = MONTH_START
    while day <= MONTH_END:
        closed = kind == ClientKind.school and (day.weekday() >= 5 or day in bank_holidays)
        if not closed and rng.random() < WORK_SHARE:
            pattern = pick(rng, WORKED[profession])
            _label, starts, ends = DEFAULT_PATTERNS[kind][pattern]
            start, end = local_span(day, starts, ends)
            if last_end is None or start >= last_end + timedelta(hours=policy.min_rest_hours):
                client = usual[0] if rng.random() < 0.6 else rng.choice(usual)
                out.append((client, pattern, start, end))
                last_end = end
        day += timedelta(days=1)
    return out


def build(url: str, *, timesheets: int, members: int, seed: int) -> Built:
    """Write the co-op and its month of approved timesheets into the migrated, empty database at `url`."""
    rng = seeded(seed, "invoicing")
    policy = Policy()
    bank_holidays = welsh_bank_holidays([MONTH_START.year])
    now = utcnow()
    started = clock.perf_counter()
    engine = make_engine(url)
    with Session(engine) as session:
        pay_service.load_rate_cards(session=session)
    with engine.begin() as connection:
        coordinator = staff_user(
            connection, email="coordinator@invoicing.coop", name="Bench Coordinator", role=Role.coordinator, now=now
        )
        member_rows = _member_rows(rng, members, now)
        member_ids = insert_rows(connection, Member.__table__, member_rows)
        client_rows = _client_rows(rng, members, now)
        client_ids = insert_rows(connection, Client.__table__, client_rows)
        clients_of = {
            str(p): [i for i, r in zip(client_ids, client_rows, strict=True) if r["kind"] == KIND_OF[p]]
            for p in PROFESSIONS
        }
        worked = []  # (member_id, profession, client_id, pattern, start, end)
        for member_id, row in zip(member_ids, member_rows, strict=True):
            profession = row["profession"]
            usual = rng.sample(clients_of[profession], min(3, len(clients_of[profession])))
            month = _month_of(rng, profession, usual, policy, bank_holidays)
            worked += [(member_id, profession, *shift) for shift in month]
        if len(worked) < timesheets:
            raise SystemExit(f"{members} members work only {len(worked)} shifts in the month: raise --members")
        worked = sorted(rng.sample(worked, timesheets), key=lambda w: (w[4], w[0]))

        request_ids = insert_rows(
            connection,
            ShiftRequest.__table__,
            [{"client_id": c, "role": p, "pattern": pat, "min_grade": None, "skills": [], "welsh_medium": False,
              "preferred_member_ids": [], "headcount": 1, "repeat_days": 1, "notes": None, "status": "booked",
              "created_by_user_id": coordinator, "created_at": s - timedelta(days=7)}
             for _m, p, c, pat, s, _e in worked],
        )  # fmt: skip
        shift_ids = insert_rows(
            connection,
            Shift.__table__,
            [{"request_id": r, "client_id": c, "role": p, "kind": pat, "starts_at": s, "ends_at": e,
              "local_date": local_date(s), "status": "completed", "version": 0, "created_at": s - timedelta(days=7)}
             for r, (_m, p, c, pat, s, e) in zip(request_ids, worked, strict=True)],
        )  # fmt: skip
        booking_ids = insert_rows(
            connection,
            Booking.__table__,
            [{"shift_id": sid, "member_id": m, "starts_at": s, "ends_at": e, "status": "completed",
              "booked_at": s - timedelta(days=5), "booked_by_user_id": coordinator}
             for sid, (m, _p, _c, _pat, s, e) in zip(shift_ids, worked, strict=True)],
        )  # fmt: skip
        sheets = []
        for booking_id, (member_id, _p, client_id, pattern, start, end) in zip(booking_ids, worked, strict=True):
            if rng.random() < 0.1:
                end += timedelta(minutes=rng.choice((15, 30)))  # stayed on: the timesheet says what was worked
            pause = BREAK_MINUTES.get(pattern, 0)
            sheets.append(
                {"booking_id": booking_id, "member_id": member_id, "client_id": client_id, "started_at": start,
                 "ended_at": end, "break_minutes": pause,
                 "worked_minutes": int((end - start).total_seconds() // 60) - pause, "status": "approved",
                 "submitted_at": end + timedelta(hours=2), "decided_at": end + timedelta(days=1),
                 "decided_by_user_id": coordinator}
            )  # fmt: skip
        insert_rows(connection, Timesheet.__table__, sheets)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
    engine.dispose()
    local_days = [local_date(start) for *_r, start, _end in worked]
    return Built(
        members=len(member_ids),
        clients=len(client_ids),
        weekly_clients=sum(1 for r in client_rows if r["invoice_frequency"] == "weekly"),
        timesheets=len(worked),
        nights=sum(1 for *_r, s, e in worked if is_night(s, e, policy)),
        weekend_or_bank_holiday=sum(1 for day in local_days if day.weekday() >= 5 or day in bank_holidays),
        seconds=clock.perf_counter() - started,
    )


# ----------------------------------------------------------------------------------------------------- measuring


def _receivables(session: Session, invoices: list[Invoice]) -> dict[int, int]:
    """Trade debtors posted by each invoice's ledger entry, by invoice id."""
    entry_of = {invoice.journal_entry_id: invoice.id for invoice in invoices}
    rows = session.exec(
        select(Posting.entry_id, func.sum(Posting.amount_pence))
        .where(col(Posting.entry_id).in_(list(entry_of)), Posting.account_code == accounts.TRADE_DEBTORS)
        .group_by(Posting.entry_id)
    ).all()
    return {entry_of[entry_id]: int(amount) for entry_id, amount in rows}


def time_run(url: str, *, profile: bool = False) -> Run:
    """One invoicing run over the month in a fresh session, timed; then checked against the ledger."""
    engine = make_engine(url)
    profiler = cProfile.Profile() if profile else None
    with Session(engine) as session:
        session.exec(select(func.count()).select_from(Client)).one()  # connect before the clock starts
        started = clock.perf_counter()
        if profiler:
            profiler.enable()
        issued = billing.run_invoicing(session=session, actor=ACTOR, period_start=MONTH_START, period_end=MONTH_END)
        if profiler:
            profiler.disable()
        seconds = clock.perf_counter() - started
        invoices = list(issued)
        lines = session.exec(
            select(func.count())
            .select_from(InvoiceLine)
            .where(col(InvoiceLine.invoice_id).in_([i.id for i in invoices]))
        ).one()
        billed = session.exec(
            select(func.count(func.distinct(InvoiceLine.timesheet_id))).where(col(InvoiceLine.timesheet_id).isnot(None))
        ).one()
        receivable = _receivables(session, invoices)
        for invoice in invoices:
            if receivable.get(invoice.id) != invoice.total_pence:
                raise SystemExit(
                    f"invoice {invoice.number}: total {invoice.total_pence} but {receivable.get(invoice.id)} "
                    "posted to trade debtors"
                )
    engine.dispose()
    text = ""
    if profiler:
        out = _Capture()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        text = out.text
    return Run(
        seconds=seconds,
        invoices=len(invoices),
        lines=lines,
        billed_timesheets=billed,
        total_pence=sum(i.total_pence for i in invoices),
        receivable_pence=sum(receivable.values()),
        profile=text,
    )


class _Capture:
    def __init__(self) -> None:
        self.text = ""

    def write(self, chunk: str) -> None:
        self.text += chunk


# ------------------------------------------------------------------------------------------- databases and copies


def _admin(url: str) -> sa.Engine:
    return sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _exists(admin: sa.Engine, name: str) -> bool:
    with admin.connect() as connection:
        found = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
    return found is not None


def _drop(admin: sa.Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _timesheets_in(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Timesheet)).one()
    engine.dispose()
    return count


def _prepare_postgres(url: str, *, rebuild: bool) -> None:
    name = make_url(url).database
    admin = _admin(url)
    if rebuild:
        _drop(admin, name)
    if not _exists(admin, name):
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    upgrade(url)


def _postgres_copy(url: str) -> str:
    """A fresh copy of the built database (the template must have no other connection open)."""
    template = make_url(url).database
    name = f"{template}_run"
    admin = _admin(url)
    _drop(admin, name)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop_copy(url: str) -> None:
    admin = _admin(url)
    _drop(admin, make_url(url).database)
    admin.dispose()


def _sqlite_copy(url: str) -> str:
    source = Path(make_url(url).database)
    target = source.with_name(source.stem + "-run" + source.suffix)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as built, closing(sqlite3.connect(target)) as copy:
        built.backup(copy)  # the WAL's pages included
    return f"sqlite:///{target}"


def _ensure_built(url: str, args: argparse.Namespace, backend: str) -> Built | None:
    if backend == "postgresql":
        _prepare_postgres(url, rebuild=args.rebuild)
    else:
        path = Path(make_url(url).database)
        if args.rebuild:
            path.unlink(missing_ok=True)
        upgrade(url)
    found = _timesheets_in(url)
    if found == args.timesheets:
        print(f"{backend}: reusing {found:,} timesheets in {make_url(url).database} (--rebuild to build afresh)")
        return None
    if found:
        raise SystemExit(f"{make_url(url).database} holds {found:,} timesheets, not {args.timesheets:,}: --rebuild")
    print(f"{backend}: building {args.timesheets:,} timesheets into {make_url(url).database}", flush=True)
    built = build(url, timesheets=args.timesheets, members=args.members, seed=args.seed)
    print(
        f"  {built.members} members, {built.clients} clients ({built.weekly_clients} weekly), "
        f"{built.timesheets:,} timesheets ({built.nights:,} nights, {built.weekend_or_bank_holiday:,} at weekends "
        f"or on bank holidays) in {built.seconds:.1f} s",
        flush=True,
    )
    return built


def measure(url: str, args: argparse.Namespace, *, repeat: int) -> dict:
    """Build (or reuse) the month at `url`, then time `repeat` runs, each on a fresh copy of it."""
    backend = make_engine(url).dialect.name
    built = _ensure_built(url, args, backend)
    runs = []
    for n in range(repeat):
        copy = _postgres_copy(url) if backend == "postgresql" else _sqlite_copy(url)
        try:
            run = time_run(copy, profile=args.profile and n == 0)
        finally:
            if backend == "postgresql":
                _drop_copy(copy)
        if run.billed_timesheets != args.timesheets:
            raise SystemExit(f"{run.billed_timesheets} timesheets billed of {args.timesheets}")
        if run.total_pence != run.receivable_pence:
            raise SystemExit(f"invoices total {run.total_pence} but {run.receivable_pence} posted to trade debtors")
        print(f"  run {n + 1}: {run.seconds:.2f} s, {run.invoices} invoices, {run.lines:,} lines", flush=True)
        if run.profile:
            print(run.profile)
        runs.append(run)
    times = [r.seconds for r in runs]
    return {
        "backend": backend,
        "built": built,
        "runs": len(runs),
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "invoices": runs[-1].invoices,
        "lines": runs[-1].lines,
        "total_pence": runs[-1].total_pence,
        "receivable_pence": runs[-1].receivable_pence,
    }


def table_row(r: dict) -> str:
    return (
        f"| {r['backend']} | {r['runs']} | {r['median_s']:.2f} | {r['min_s']:.2f} | {r['max_s']:.2f} | "
        f"{r['invoices']} | {r['lines']:,} | £{r['total_pence'] / 100:,.2f} | £{r['receivable_pence'] / 100:,.2f} |"
    )


TABLE_HEAD = (
    "| backend | runs | median s | min s | max s | invoices | lines | invoiced | receivables posted |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL: created if absent, reused if built")
    parser.add_argument("--sqlite", help="also build (or reuse) the month in this SQLite file and time one run")
    parser.add_argument("--no-postgres", action="store_true", help="time SQLite only (with --sqlite)")
    parser.add_argument("--timesheets", type=int, default=5_000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="PostgreSQL runs, each on a fresh copy")
    parser.add_argument("--rebuild", action="store_true", help="drop the benchmark's database or file and build again")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 30 for the first run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results = [] if args.no_postgres else [measure(args.database_url, args, repeat=args.repeat)]
    if args.sqlite:
        results.append(measure(f"sqlite:///{Path(args.sqlite).resolve()}", args, repeat=1))
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"invoicing run over {MONTH_START} to {MONTH_END}, {args.timesheets:,} approved timesheets")
    print(TABLE_HEAD)
    for r in results:
        print(table_row(r))


if __name__ == "__main__":
    main()
