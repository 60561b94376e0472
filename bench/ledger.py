"""How fast the books read at a real co-op's size: a year of a 1,000-member co-op's postings, then the trial
balance as at the year end.

The year is about 250,000 timesheets (``--timesheets``). Each is invoiced to its client and paid to its member
the way the invoice and pay-run areas post them, through `coop.ledger.service.post_entry` (the same code, the
same checks and the same database triggers as a live co-op):

- an invoice per client per week: one income line per timesheet (client, member, profession: the margins'
  dimensions) and the client's debtor line;
- a pay run per profession per week: per timesheet gross pay, holiday pay, employer's NI and employer's
  pension (each with the timesheet's dimensions) and the member's net pay; the run's PAYE/NI and pension owed;
- the week's net pay paid from the bank, and each client's receipts at the end of each month.

That is six postings a timesheet, about 1.5 million for the year. The first run builds the books into a
PostgreSQL database (``coop_bench_ledger``, created if absent: a few minutes); later runs reuse it unless
``--rebuild``. ``--sqlite PATH`` builds (or reuses) the same year in a SQLite file too. Then
`coop.ledger.service.trial_balance` is timed (the median of ``--repeat`` runs), and checked: the debits equal
the credits to the penny.

    python -m bench.ledger                       # PostgreSQL, 250,000 timesheets
    python -m bench.ledger --timesheets 5000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import statistics
import time as clock
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from coop.access import Actor
from coop.clients.models import Client
from coop.clock import utcnow
from coop.db import make_engine
from coop.enums import Role
from coop.ledger import accounts
from coop.ledger import service as ledger_service
from coop.ledger.models import JournalEntry, Posting, SourceKind
from coop.ledger.rules import Line
from coop.members.models import Member
from coop.migrate import upgrade
from demo.seed import KIND_OF, PROFESSIONS, insert_rows

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coop_bench_ledger"
YEAR_STARTS = date(2026, 4, 6)  # a Monday: the UK tax year's first week
WEEKS = 52
ACTOR = Actor(user_id=None, roles=frozenset({Role.coordinator}), name="bench")
# Members by profession (of 1,000) and clients by kind, roughly a Welsh regional co-op's mix.
MIX = {"supply_teacher": 0.40, "nurse": 0.35, "care_worker": 0.25}
# A timesheet's gross pay in pence, by profession (a teacher's day, a nurse's long day, a care visit run).
GROSS = {"supply_teacher": (17_000, 21_000), "nurse": (12_000, 24_000), "care_worker": (4_000, 9_000)}
CHARGE_BP = 13_500  # the client pays gross pay plus on-costs and margin: about 135% (RULES §0.19)


@dataclass(frozen=True)
class Timesheet:
    member_id: int
    client_id: int
    profession: str
    gross_pence: int


def _ensure_postgres_database(url: str, *, rebuild: bool) -> None:
    """Create the benchmark's own database if it is missing; drop it first with --rebuild (only this one)."""
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if exists and rebuild:
            connection.execute(sa.text(f'DROP DATABASE "{target.database}" WITH (FORCE)'))
            exists = None
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _prepare(url: str, *, rebuild: bool) -> None:
    if url.startswith("postgresql"):
        _ensure_postgres_database(url, rebuild=rebuild)
    else:
        path = Path(make_url(url).database or "")
        if rebuild and path.exists():
            path.unlink()
    upgrade(url)


def _people(session: Session, members: int) -> dict[str, tuple[list[int], list[int]]]:
    """Members and clients, as bare rows: the postings' dimensions point at them."""
    now = utcnow()
    people: dict[str, tuple[list[int], list[int]]] = {}
    connection = session.connection()
    for profession in PROFESSIONS:
        count = round(members * MIX[str(profession)])
        member_rows = [
            {
                "name": f"Bench {profession} {n}",
                "email": f"bench-{profession}-{n}@bench.coop",
                "profession": str(profession),
                "status": "active",
                "status_changed_at": now,
                "skills": [],
                "preferences": {},
                "calendar_token": secrets.token_urlsafe(24),
                "created_at": now,
            }
            for n in range(count)
        ]
        client_rows = [
            {"kind": str(KIND_OF[profession]), "name": f"Bench {KIND_OF[profession]} {n}", "created_at": now}
            for n in range(max(count // 7, 1))
        ]
        people[str(profession)] = (
            insert_rows(connection, Member.__table__, member_rows),
            insert_rows(connection, Client.__table__, client_rows),
        )
    session.commit()
    return people


def _week_of_timesheets(rng: random.Random, people, count: int) -> list[Timesheet]:
    sheets = []
    for _ in range(count):
        profession = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        member_ids, client_ids = people[profession]
        low, high = GROSS[profession]
        sheets.append(Timesheet(rng.choice(member_ids), rng.choice(client_ids), profession, rng.randint(low, high)))
    return sheets


def _post(session: Session, on: date, description: str, kind: SourceKind, lines: list[Line]) -> None:
    ledger_service.post_entry(session, entry_date=on, description=description, source_kind=kind, lines=lines)


def _post_week(session: Session, week_starts: date, sheets: list[Timesheet], owed: dict[int, int]) -> int:
    """The week's invoices (Friday), pay runs (Friday) and net pay out of the bank; returns the postings written."""
    friday = week_starts + timedelta(days=4)
    written = 0
    by_client: dict[int, list[Timesheet]] = {}
    for sheet in sheets:
        by_client.setdefault(sheet.client_id, []).append(sheet)
    for client_id, client_sheets in sorted(by_client.items()):
        lines = [
            Line(
                accounts.INCOME_BY_PROFESSION[s.profession],
                -(s.gross_pence * CHARGE_BP // 10_000),
                s.client_id,
                s.member_id,
                s.profession,
            )
            for s in client_sheets
        ]
        total = -sum(line.amount_pence for line in lines)
        lines.append(Line(accounts.TRADE_DEBTORS, total, client_id))
        owed[client_id] = owed.get(client_id, 0) + total
        _post(session, friday, f"Invoice to client {client_id}, week of {week_starts}", SourceKind.invoice, lines)
        written += len(lines)
    net_paid = 0
    for profession in MIX:
        lines, paye_ni, pension = [], 0, 0
        for s in (s for s in sheets if s.profession == profession):
            gross = s.gross_pence
            holiday, employer_ni, employer_pension = gross * 1207 // 10_000, gross * 1380 // 10_000, gross * 3 // 100
            tax_and_ni, employee_pension = (gross + holiday) * 2 // 10, (gross + holiday) * 5 // 100
            net = gross + holiday - tax_and_ni - employee_pension
            dims = (s.client_id, s.member_id, s.profession)
            lines += [
                Line(accounts.WAGES, gross, *dims),
                Line(accounts.HOLIDAY_PAY, holiday, *dims),
                Line(accounts.EMPLOYER_NI, employer_ni, *dims),
                Line(accounts.EMPLOYER_PENSION, employer_pension, *dims),
                Line(accounts.NET_WAGES_PAYABLE, -net, None, s.member_id),
            ]
            paye_ni += tax_and_ni + employer_ni
            pension += employee_pension + employer_pension
            net_paid += net
        if lines:
            lines += [Line(accounts.PAYE_NI_PAYABLE, -paye_ni), Line(accounts.PENSION_PAYABLE, -pension)]
            _post(session, friday, f"Pay run: {profession}, week of {week_starts}", SourceKind.pay_run, lines)
            written += len(lines)
    if net_paid:
        lines = [Line(accounts.NET_WAGES_PAYABLE, net_paid), Line(accounts.BANK, -net_paid)]
        _post(session, friday, f"Net pay paid, week of {week_starts}", SourceKind.payment, lines)
        written += 2
    return written


def _receipts(session: Session, on: date, owed: dict[int, int]) -> int:
    """Clients pay what they owe at the month's end."""
    written = 0
    for client_id, amount in sorted(owed.items()):
        if amount:
            lines = [Line(accounts.BANK, amount, client_id), Line(accounts.TRADE_DEBTORS, -amount, client_id)]
            _post(session, on, f"Receipt from client {client_id}", SourceKind.payment, lines)
            written += 2
    owed.clear()
    return written


def build(url: str, *, timesheets: int, members: int, seed: int) -> tuple[int, float]:
    """Write the year, committing a week at a time; returns (postings written, seconds)."""
    engine = make_engine(url)
    rng = random.Random(seed)
    started = clock.perf_counter()
    written = 0
    with Session(engine) as session:
        people = _people(session, members)
        owed: dict[int, int] = {}
        per_week, extra = divmod(timesheets, WEEKS)
        for week in range(WEEKS):
            week_starts = YEAR_STARTS + timedelta(weeks=week)
            sheets = _week_of_timesheets(rng, people, per_week + (1 if week < extra else 0))
            written += _post_week(session, week_starts, sheets, owed)
            next_week = week_starts + timedelta(weeks=1)
            if next_week.month != week_starts.month or week == WEEKS - 1:
                written += _receipts(session, next_week - timedelta(days=next_week.day), owed)
            session.commit()
            if week % 4 == 3:
                rate = written / (clock.perf_counter() - started)
                print(f"  week {week + 1}/{WEEKS}: {written:,} postings ({rate:,.0f} a second)", flush=True)
    engine.dispose()
    return written, clock.perf_counter() - started


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        postings = session.exec(select(func.count()).select_from(Posting)).one()
        entries = session.exec(select(func.count()).select_from(JournalEntry)).one()
    engine.dispose()
    return postings, entries


def time_trial_balance(url: str, *, as_of: date, repeat: int) -> dict:
    """The trial balance as at `as_of`, `repeat` times, each in a fresh session; checked to net to zero."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE posting"))
            connection.execute(sa.text("ANALYZE journal_entry"))
    times = []
    trial = None
    for _ in range(repeat):
        with Session(engine) as session:
            started = clock.perf_counter()
            trial = ledger_service.trial_balance(session, actor=ACTOR, as_of=as_of)
            times.append(clock.perf_counter() - started)
    engine.dispose()
    assert trial is not None
    if trial.total_debit_pence != trial.total_credit_pence:
        raise SystemExit(f"the trial balance does not net: {trial.total_debit_pence} != {trial.total_credit_pence}")
    return {
        "first_s": times[0],
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "accounts": len(trial.accounts),
        "total_pence": trial.total_debit_pence,
    }


def run(url: str, args: argparse.Namespace) -> dict:
    backend = make_engine(url).dialect.name
    _prepare(url, rebuild=args.rebuild)
    postings, entries = _counts(url)
    built_s = None
    if postings == 0:
        print(f"{backend}: building a year of {args.timesheets:,} timesheets into {make_url(url).database}", flush=True)
        _, built_s = build(url, timesheets=args.timesheets, members=args.members, seed=args.seed)
        postings, entries = _counts(url)
    else:
        print(f"{backend}: reusing {postings:,} postings in {make_url(url).database} (--rebuild to build afresh)")
    as_of = YEAR_STARTS + timedelta(weeks=WEEKS) - timedelta(days=1)
    figures = time_trial_balance(url, as_of=as_of, repeat=args.repeat)
    return {"backend": backend, "postings": postings, "entries": entries, "built_s": built_s, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL: created if absent, reused if built")
    parser.add_argument("--sqlite", help="also build (or reuse) the year in this SQLite file and time it there")
    parser.add_argument("--no-postgres", action="store_true", help="time SQLite only (with --sqlite)")
    parser.add_argument("--timesheets", type=int, default=250_000, help="timesheets in the year (6 postings each)")
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5, help="trial balances timed; the median is reported")
    parser.add_argument("--rebuild", action="store_true", help="drop the benchmark's database or file and build again")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    urls = [] if args.no_postgres else [args.database_url]
    if args.sqlite:
        urls.append(f"sqlite:///{Path(args.sqlite).resolve()}")
    results = [run(url, args) for url in urls]
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| backend | postings | entries | build s | trial balance median s (first, min, max) | accounts |")
    print("|---|---:|---:|---:|---|---:|")
    for r in results:
        built = f"{r['built_s']:.0f}" if r["built_s"] is not None else "reused"
        print(
            f"| {r['backend']} | {r['postings']:,} | {r['entries']:,} | {built} | "
            f"{r['median_s']:.3f} ({r['first_s']:.3f}, {r['min_s']:.3f}, {r['max_s']:.3f}) | {r['accounts']} |"
        )


if __name__ == "__main__":
    main()
