"""Load the demo co-op: a realistic, deterministic South Wales co-operative to try the platform with.

`load_if_empty` fills a freshly migrated database in one transaction: about 160 worker members
(supply teachers, nurses, care workers) with their credentials and availability, the schools, wards
and care providers they work for, the clients' preferred and do-not-send lists, and a sign-in for
everyone (demo.people, demo.clients). Every demo sign-in uses the password `DEMO_PASSWORD`.

The content comes from generators seeded with `SEED` (demo.seed), so two loads give the same people and
places; dates are relative to today, so some credentials are always about to expire whenever the demo is
loaded. People, places and shifts are written straight through the ORM or in bulk (not the use-cases): they
are data, not a workflow, and load in a few seconds. Money is never written that way (see below).

`load` is a list of small steps sharing one `Demo`; later areas add their own step at the end of `_steps`.
Then come the co-op's daily work around today and its worked history back to the start of its last complete
financial year (demo.work), all in that one transaction. Last, its books (demo.books): pay runs, invoices,
payments and journals made by the money use-cases themselves, each committing as in a live co-op, so the
demo's ledger reconciles exactly like a real one. On SQLite the whole load takes about 35 s on two cores.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from coop.auth.models import User
from coop.clients.models import Client
from coop.clock import at_local, today_local, utcnow
from coop.members.models import Member
from demo import books, clients, people, seed, work
from demo.people import CLIENT_DOMAIN, DEMO_PASSWORD, EXAMPLE_MEMBER_EMAIL, SIGN_INS

SEED = 2026


@dataclass
class Demo:
    """What the load steps share: the session, the seeded generator, today, and what is written so far."""

    session: Session
    rng: random.Random
    today: date
    now: datetime
    password_hash: str
    coordinator_id: int | None = None
    clients: list[Client] = field(default_factory=list)
    named_clients: dict[str, Client] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    named_members: dict[str, Member] = field(default_factory=dict)
    emails_taken: set[str] = field(default_factory=set)

    def at(self, day: date, clock_time: time = time(10, 0)) -> datetime:
        return at_local(day, clock_time)

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def days_ahead(self, low: int, high: int) -> date:
        return self.today + timedelta(days=self.rng.randint(low, high))


def load_if_empty(engine: Engine, *, force: bool = False) -> bool:
    """Load the demo co-op in one transaction if the database has no members (or if forced).

    Forcing adds the demo next to existing members, but never twice: if the demo's coordinator
    sign-in already exists nothing is loaded. Returns whether the demo was loaded.
    """
    with Session(engine, expire_on_commit=False) as session:
        has_members = session.exec(select(func.count()).select_from(Member)).one() > 0
        coordinator = session.exec(select(User.id).where(User.email == SIGN_INS[0].email)).first()
        already_loaded = coordinator is not None
        if (has_members and not force) or already_loaded:
            return False
        load(session)
    return True


def load(session: Session) -> None:
    """Write the demo co-op's people, places and work and commit once; then make its books (demo.books)."""
    demo = Demo(
        session=session,
        rng=seed.seeded(SEED),
        today=today_local(),
        now=utcnow(),
        password_hash=seed.password_hash(DEMO_PASSWORD),
    )
    for area, step in _steps():
        # Each area draws from its own seeded generator, so changing one area leaves the others as they were.
        demo.rng = seed.seeded(SEED, area)
        step(demo)
    session.commit()
    # The books go through the money use-cases, each committing as it would in a live co-op (demo.books).
    demo.rng = seed.seeded(SEED, "books")
    books.load_books(demo)


def _steps() -> tuple[tuple[str, Callable[[Demo], None]], ...]:
    # Later areas add their step at the end, with their own seed, so earlier areas stay as they were.
    return (
        ("staff", people.load_staff),
        ("clients", clients.load_clients),
        ("named members", people.load_named_members),
        ("members", people.load_members),
        ("availability", people.load_availability),
        ("client lists", clients.load_client_lists),
        ("sign-ins", people.load_sign_ins),
        ("history", people.load_history),
        ("work", work.load_work),
        ("past work", work.load_past_work),
    )


def sign_in_help(base_url: str) -> str:
    """The demo sign-ins, what each can try, and the password: printed by `make run` and `coop demo`."""
    base = base_url.rstrip("/")
    width = max(len(s.email) for s in SIGN_INS)
    lines = [
        f"Demo co-op: open {base}/ (API docs at {base}/docs) and sign in with the password: {DEMO_PASSWORD}",
        "",
    ]
    for sign_in in SIGN_INS:
        roles = " + ".join(str(role) for role in sign_in.roles)
        lines.append(f"  {sign_in.email:<{width}}  {roles:<14}  {sign_in.who}")
        lines.append(f"  {'':<{width}}  {'':<14}  try: {sign_in.try_this}")
    lines += [
        "",
        "There is work to do: open shifts to book over the next three weeks (a few urgent) for the nurse,",
        "teacher and carer; timesheets waiting for ward@ and school@ to approve; a queried timesheet for the",
        "coordinator to resolve; a shift teacher@ worked with no timesheet yet; and next week's open shifts",
        "for a roster run to fill (some no member can take, so the roster explains why).",
        "",
        f"Every other demo member signs in with their own e-mail (e.g. {EXAMPLE_MEMBER_EMAIL}),",
        f"and every other client contact as contact.<client>@{CLIENT_DOMAIN}; the password is the same.",
    ]
    return "\n".join(lines)
