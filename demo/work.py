"""The demo co-op's daily work around today: six weeks of worked and approved shifts, the last few days'
timesheets (submitted, queried, not yet written), three weeks of open and booked cover (some urgent, some
no member can take), and a client's and a member's cancellation; and, lighter, the worked shifts before
those six weeks back to the start of the last complete financial year (load_past_work), for its books.

Every booking passes the one eligibility rule set (coop.eligibility.rules) against what its member already
holds; a request's status and a late cancellation's charge are the domain's own rules (coop.shifts.rules,
coop.bookings.rules), never copies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlmodel import col, select

from coop.auth.models import User
from coop.bookings import facts
from coop.bookings import rules as booking_rules
from coop.bookings.models import Booking, CancellationCharge, Timesheet
from coop.clients.models import Client
from coop.clients.service import profession_for
from coop.clock import at_local, elapsed_minutes
from coop.eligibility import rules as eligibility
from coop.eligibility.rules import HeldShift, MemberFacts, ShiftFacts
from coop.enums import ClientKind, MemberStatus, Profession
from coop.history import HistoryEvent
from coop.members.models import Credential, Member
from coop.policy import Policy, get_policy
from coop.shifts import rules as shift_rules
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.timing import DEFAULT_PATTERNS, local_span, working_days
from demo import books
from demo.clients import UHW, find_client
from demo.people import CARER_SKILLS, TEACHER_SUBJECTS
from demo.seed import insert_rows, next_monday, pick

if TYPE_CHECKING:
    from demo.load import Demo

# --- the co-op's daily work ----------------------------------------------------------------------
#
# Six weeks of worked shifts, the last few days' timesheets, and three weeks of cover still to come.
# Every booking is checked with the one rule set (coop.eligibility.rules) against what the member
# already holds, exactly as book_shift would, before it is written.

HISTORY_DAYS = 42  # worked and approved, from this many days ago up to RECENT_DAYS ago
RECENT_DAYS = 3  # the days still being settled: timesheets submitted, queried or not yet in
AHEAD_DAYS = 21  # open and booked cover from tomorrow
# Before those six weeks (load_past_work), a lighter day so the books' use-cases load in seconds: a school
# and a ward a day (a second on about a third of days) and a care visit or day every other day or so.
PAST_SECOND_SHARE = 0.3
PAST_CARE_SHARE = 0.5

# The skill a ward asks for when it asks for one (ICU wards always do, with a minimum band).
WARD_SKILL = {
    "Emergency Unit": "A&E",
    "Emergency Department": "A&E",
    "Ward A4 Cardiology": "medical",
    "Ward West 1 Medical": "medical",
    "Ward 4 Medical": "medical",
    "Critical Care Unit": "ICU",
    "Intensive Care Unit": "ICU",
    "Children's Ward": "paediatrics",
    "Theatres Recovery": "theatres",
    "Ward B7 Respiratory": "respiratory",
    "Ward 7 Elderly Care": "elderly-care",
    "Hafan y Coed Mental Health Unit": "mental-health",
    "Ward 6 Surgical": "surgical",
}
SECONDARY_WORDS = ("High", "Comprehensive", "Gyfun", "College", "Community School")
SCHOOL_PATTERNS = (("full_day", 14), ("am", 3), ("pm", 3))
WARD_PATTERNS = (("early", 3), ("late", 3), ("night", 2), ("long_day", 2))
CARE_PATTERNS = (
    ("morning_visit", 3), ("lunch_visit", 2), ("tea_visit", 2), ("bed_visit", 2), ("day", 4), ("sleep_in", 1),
)  # fmt: skip
# Patterns that end by 20:00 the same day: the recent shifts whose timesheets are already in.
DAYTIME = {"full_day", "am", "pm", "early", "long_day", "morning_visit", "lunch_visit", "tea_visit", "day"}
SCHOOL_NOTES = (
    "Year 4 class teacher off sick.", "Covering a PPA morning.", "Year 9 maths: cover work is set.",
    "Reception class; the TA knows the routines.", "Staff training day for the department.", None, None,
)  # fmt: skip
WARD_NOTES = ("Short-staffed after sickness.", "Extra bed open.", "Enhanced observation patient.", None, None)
CARE_NOTES = ("Double-handed visit with our own carer.", "Resident with dementia; keys in the key safe.", None)
QUERY_COMMENT = "Our rota shows the shift ended at 15:00, but the timesheet says 15:40. Please check with the nurse."


@dataclass
class _PlannedRequest:
    client: Client
    role: str
    pattern: str
    min_grade: str | None
    skills: tuple[str, ...]
    welsh_medium: bool
    preferred_member_ids: list[int]
    headcount: int
    repeat_days: int
    notes: str | None
    created_at: datetime
    created_by_user_id: int | None
    shifts: list[_PlannedShift] = field(default_factory=list)
    row: ShiftRequest | None = None


@dataclass
class _PlannedShift:
    """A shift before it is written; `key` stands in for its id in the eligibility bookkeeping."""

    key: int
    request: _PlannedRequest
    facts: ShiftFacts
    member_id: int | None = None
    # open | booked | worked (no timesheet) | submitted | queried | completed | client_cancelled | reopened
    fate: str = "open"
    keep_open: bool = False
    booked_at: datetime | None = None


@dataclass(frozen=True)
class _Credential:
    kind: str
    verified_on: date
    expires_on: date | None
    dbs_workforce: str | None


@dataclass
class _Work:
    demo: Demo
    policy: Policy
    member_facts: dict[int, MemberFacts]
    members: dict[int, Member]
    pools: dict[str, list[int]]
    blocked: dict[int, set[int]]
    preferred: dict[int, set[int]]
    user_of_member: dict[int, int]
    user_of_client: dict[int, int]
    worked_at: dict[int, set[int]] = field(default_factory=dict)
    requests: list[_PlannedRequest] = field(default_factory=list)
    keys: int = 0

    @property
    def rng(self) -> random.Random:
        return self.demo.rng


def load_work(demo: Demo) -> None:
    """Shift requests, bookings, timesheets and cancellations around today, all within the rules."""
    work = _new_work(demo, demo.today - timedelta(days=HISTORY_DAYS + 2), demo.today + timedelta(days=AHEAD_DAYS + 2))
    _plan_named_work(work)
    _plan_history(work)
    _plan_recent(work)
    _plan_ahead(work)
    _plan_cancellations(work)
    _write_work(work)


def _new_work(demo: Demo, first: date, last: date) -> _Work:
    """What planning needs: every active member's facts, with the shifts they already hold from first to last."""
    session = demo.session
    session.flush()
    policy = get_policy()
    active = list(session.exec(select(Member).where(Member.status == MemberStatus.active).order_by(Member.id)).all())
    window_from = at_local(first, time(0, 0))
    window_to = at_local(last, time(0, 0))
    client_ids = [c.id for c in demo.clients]
    users = session.exec(select(User.id, User.member_id, User.client_id)).all()
    work = _Work(
        demo=demo,
        policy=policy,
        member_facts=facts.member_facts(session, active, window_from=window_from, window_to=window_to, policy=policy),
        members={m.id: m for m in active},
        pools={p: [m.id for m in active if m.profession == p] for p in Profession},
        blocked=facts.blocked_by_client(session, client_ids),
        preferred=facts.preferred_by_client(session, client_ids),
        user_of_member={member_id: user_id for user_id, member_id, _ in users if member_id is not None},
        user_of_client={client_id: user_id for user_id, _, client_id in users if client_id is not None},
    )
    for member_facts in work.member_facts.values():
        # Plain values: the rules read them thousands of times, and ORM attributes are slow to read.
        member_facts.credentials = [
            _Credential(c.kind, c.verified_on, c.expires_on, c.dbs_workforce) for c in member_facts.credentials
        ]
    return work


# Planning ----------------------------------------------------------------------------------------


def _plan(
    work: _Work,
    client: Client,
    pattern: str,
    first: date,
    *,
    repeat_days: int = 1,
    headcount: int = 1,
    min_grade: str | None = None,
    skills: tuple[str, ...] = (),
    welsh_medium: bool | None = None,
    preferred: tuple[int, ...] = (),
    notes: str | None = None,
    keep_open: bool = False,
) -> _PlannedRequest:
    """A cover request as create_request would make it: one shift per person per working day."""
    demo, rng = work.demo, work.rng
    role = profession_for(client.kind)
    _label, starts, ends = DEFAULT_PATTERNS[client.kind][pattern]
    days = working_days(first, repeat_days, client.kind)
    first_start = local_span(days[0], starts, ends)[0]
    # Asked for a few days ahead (a few hours for the urgent ones), never after now.
    created_at = min(first_start - timedelta(hours=rng.randint(3, 240)), demo.now - timedelta(hours=rng.randint(1, 72)))
    by_client = rng.random() < 0.7
    request = _PlannedRequest(
        client=client,
        role=role,
        pattern=pattern,
        min_grade=min_grade,
        skills=skills,
        welsh_medium=client.welsh_medium if welsh_medium is None else welsh_medium,
        preferred_member_ids=list(preferred),
        headcount=headcount,
        repeat_days=repeat_days,
        notes=notes,
        created_at=created_at,
        created_by_user_id=work.user_of_client.get(client.id) if by_client else demo.coordinator_id,
    )
    for day in days:
        start, end = local_span(day, starts, ends)
        for _ in range(headcount):
            work.keys += 1
            shift_facts = ShiftFacts(
                id=work.keys,
                client_id=client.id,
                role=role,
                starts_at=start,
                ends_at=end,
                local_date=day,
                min_grade=min_grade,
                skills=skills,
                welsh_medium=request.welsh_medium,
                client_location=(client.latitude, client.longitude),
                night=eligibility.night_flag(start, end, work.policy),
            )
            request.shifts.append(_PlannedShift(key=work.keys, request=request, facts=shift_facts, keep_open=keep_open))
    work.requests.append(request)
    return request


def _book(work: _Work, shift: _PlannedShift, member_id: int, fate: str) -> bool:
    """Book the member if the rules allow it given everything they already hold; say whether it did."""
    member_facts = work.member_facts.get(member_id)
    if member_facts is None or shift.member_id is not None:
        return False
    joined = work.members[member_id].joined_on
    if joined is None or joined > shift.facts.local_date:
        return False
    blocked = work.blocked.get(shift.facts.client_id, set())
    if eligibility.check(member_facts, shift.facts, policy=work.policy, blocked=blocked):
        return False
    member_facts.held.append(HeldShift(shift.key, shift.facts.starts_at, shift.facts.ends_at, shift.facts.night))
    shift.member_id, shift.fate = member_id, fate
    work.worked_at.setdefault(shift.facts.client_id, set()).add(member_id)
    return True


def _release(work: _Work, shift: _PlannedShift) -> None:
    """The booking is cancelled: the member no longer holds the shift."""
    held = work.member_facts[shift.member_id].held
    held[:] = [h for h in held if h.shift_id != shift.key]


def _fill(work: _Work, shift: _PlannedShift, fate: str, *, avoid: set[int] = frozenset()) -> bool:
    """Book someone eligible: the client's own choices first, then faces it knows, then anyone near enough."""
    rng = work.rng
    client_id = shift.facts.client_id
    pool = [m for m in work.pools[shift.request.role] if m not in avoid]
    chosen = [m for m in shift.request.preferred_member_ids if m in pool]
    liked = sorted(work.preferred.get(client_id, set()) & set(pool))
    known = sorted(work.worked_at.get(client_id, set()) & set(pool))
    rng.shuffle(liked)
    rng.shuffle(known)
    rest = list(pool)
    rng.shuffle(rest)
    order = chosen + liked + known[:4] + rest
    seen: set[int] = set()
    for member_id in order:
        if member_id in seen:
            continue
        seen.add(member_id)
        if _book(work, shift, member_id, fate):
            return True
    return False


def _school_skills(rng: random.Random, school: Client) -> tuple[str, ...]:
    if any(word in school.name for word in SECONDARY_WORDS):
        return (rng.choice(TEACHER_SUBJECTS),) if rng.random() < 0.4 else ()
    return ("primary",) if rng.random() < 0.4 else ()


def _ward_request_terms(rng: random.Random, ward: Client) -> dict:
    skill = WARD_SKILL[ward.name]
    if skill == "ICU":
        return {"skills": ("ICU",), "min_grade": rng.choice(("5", "6"))}
    terms: dict = {"skills": (skill,) if rng.random() < 0.3 else ()}
    if rng.random() < 0.15:
        terms["min_grade"] = "6"
    return terms


def _weekdays_before(today: date, count: int) -> list[date]:
    days, day = [], today - timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days


def _weekdays_after(today: date, count: int) -> list[date]:
    days, day = [], today + timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _plan_named_work(work: _Work) -> None:
    """The named sign-ins' own shifts first, so nothing random crowds them out.

    Each named member has worked for their named client, has a shift just worked (its timesheet
    waiting, or for the teacher not yet written) and at least one booked shift to come. The teacher's
    first weekday after today is left free: it is the day the booking walk-through asks her to cover.
    """
    demo, rng = work.demo, work.rng
    today = demo.today
    named = {
        email: demo.named_members[email].id for email in ("nurse@demo.coop", "teacher@demo.coop", "carer@demo.coop")
    }
    ward, school, care = (demo.named_clients[e] for e in ("ward@demo.coop", "school@demo.coop", "care@demo.coop"))
    nurse, teacher, carer = named["nurse@demo.coop"], named["teacher@demo.coop"], named["carer@demo.coop"]

    # Continuity: shifts worked for their own client over the last six weeks.
    for days_ago in (38, 31, 24, 17, 10, 6):
        _book_one(work, _plan(work, ward, rng.choice(("early", "long_day")), today - timedelta(days=days_ago)), nurse)
        _book_one(work, _plan(work, care, "day", today - timedelta(days=days_ago + 1)), carer)
    for day in _weekdays_before(today, 30)[4::5]:
        _book_one(work, _plan(work, school, "full_day", day, notes=rng.choice(SCHOOL_NOTES)), teacher)

    # Just worked: the ward and the school have timesheets to approve; the teacher owes one.
    yesterday = today - timedelta(days=1)
    _book_one(work, _plan(work, ward, "early", yesterday, notes="Short-staffed after sickness."), nurse, "submitted")
    _book_one(work, _plan(work, care, "morning_visit", yesterday), carer, "submitted")
    last, before = _weekdays_before(today, 2)
    _book_one(work, _plan(work, school, "full_day", last, notes="Year 2 class teacher off sick."), teacher, "submitted")
    treganna = find_client(demo.clients, "Ysgol Gymraeg Treganna")
    _book_one(work, _plan(work, treganna, "full_day", before, notes="Covering a PPA day."), teacher, "worked")

    # Booked to come.
    ahead = _weekdays_after(today, 8)
    _book_one(work, _plan(work, ward, "early", today + timedelta(days=4)), nurse, "booked")
    west1 = find_client(demo.clients, "Ward West 1 Medical")
    _book_one(work, _plan(work, west1, "late", today + timedelta(days=9)), nurse, "booked")
    _book_one(work, _plan(work, school, "full_day", ahead[2], preferred=(teacher,)), teacher, "booked")
    _book_one(work, _plan(work, treganna, "am", ahead[6]), teacher, "booked")
    _book_one(work, _plan(work, care, "day", today + timedelta(days=5), preferred=(carer,)), carer, "booked")
    cathays = find_client(demo.clients, "Cathays Community Homecare")
    _book_one(work, _plan(work, cathays, "morning_visit", today + timedelta(days=3)), carer, "booked")

    # Open and asking for them by name: something to book from their own home page.
    for offset in (2, 6, 11):
        _plan(work, ward, "late", today + timedelta(days=offset), preferred=(nurse,), keep_open=True)
        _plan(work, care, "tea_visit", today + timedelta(days=offset + 2), preferred=(carer,), keep_open=True)
    for day in (ahead[4], ahead[7]):
        _plan(work, school, "full_day", day, preferred=(teacher,), notes="Reception class.", keep_open=True)


def _book_one(work: _Work, request: _PlannedRequest, member_id: int, fate: str | None = None) -> None:
    """Book a named member on a one-shift request; a past request nobody could work is dropped."""
    shift = request.shifts[0]
    past = shift.facts.local_date < work.demo.today
    if not _book(work, shift, member_id, fate or ("completed" if past else "booked")) and past:
        work.requests.remove(request)


def _plan_history(work: _Work) -> None:
    """Six weeks of worked shifts at many clients: school days, ward shifts, care visits and days."""
    demo, rng = work.demo, work.rng
    schools = [c for c in demo.clients if c.kind == ClientKind.school]
    wards = [c for c in demo.clients if c.kind == ClientKind.ward]
    care = [c for c in demo.clients if c.kind == ClientKind.care_provider]
    for days_ago in range(HISTORY_DAYS, RECENT_DAYS - 1, -1):
        day = demo.today - timedelta(days=days_ago)
        planned: list[_PlannedRequest] = []
        if day.weekday() < 5:
            for school in rng.sample(schools, 3):
                pattern = pick(rng, SCHOOL_PATTERNS)
                planned.append(
                    _plan(
                        work, school, pattern, day, skills=_school_skills(rng, school), notes=rng.choice(SCHOOL_NOTES)
                    )
                )
        for ward in rng.sample(wards, 3):
            planned.append(_plan(work, ward, pick(rng, WARD_PATTERNS), day, **_ward_request_terms(rng, ward)))
        for provider in rng.sample(care, 2):
            planned.append(_plan(work, provider, pick(rng, CARE_PATTERNS), day, notes=rng.choice(CARE_NOTES)))
        for request in planned:
            if not _fill(work, request.shifts[0], "completed"):
                work.requests.remove(request)  # nobody worked it: it is not part of the history


def load_past_work(demo: Demo) -> None:
    """The co-op's worked and approved shifts from the start of its last complete financial year up to the six
    weeks load_work writes: the history its books are made from (demo.books).

    A profession's work starts on the first day its pay can be priced (the rate cards in force, demo.books):
    pricing refuses work no card covers. Every booking passes the one rule set against the register as it
    stood on the day, so the register gets each member's earlier checks (_earlier_checks); the named sign-ins'
    own history stays the six weeks of load_work.
    """
    first = books.books_start(demo.today)
    last = demo.today - timedelta(days=HISTORY_DAYS + 1)
    named_ids = {m.id for m in demo.named_members.values()}
    _earlier_checks(demo, before=last, skip=named_ids)
    work = _new_work(demo, first - timedelta(days=2), last + timedelta(days=3))
    priced_from = books.priced_from()
    rng = work.rng
    schools = [c for c in demo.clients if c.kind == ClientKind.school]
    wards = [c for c in demo.clients if c.kind == ClientKind.ward]
    care = [c for c in demo.clients if c.kind == ClientKind.care_provider]
    day = first
    while day <= last:
        planned: list[_PlannedRequest] = []
        if day.weekday() < 5 and day >= priced_from[Profession.supply_teacher]:
            for school in rng.sample(schools, 2 if rng.random() < PAST_SECOND_SHARE else 1):
                planned.append(
                    _plan(work, school, pick(rng, SCHOOL_PATTERNS), day, skills=_school_skills(rng, school),
                          notes=rng.choice(SCHOOL_NOTES))
                )  # fmt: skip
        if day >= priced_from[Profession.nurse]:
            for ward in rng.sample(wards, 2 if rng.random() < PAST_SECOND_SHARE else 1):
                planned.append(_plan(work, ward, pick(rng, WARD_PATTERNS), day, **_ward_request_terms(rng, ward)))
        if day >= priced_from[Profession.care_worker] and rng.random() < PAST_CARE_SHARE:
            provider = rng.choice(care)
            planned.append(_plan(work, provider, pick(rng, CARE_PATTERNS), day, notes=rng.choice(CARE_NOTES)))
        for request in planned:
            if not _fill(work, request.shifts[0], "completed", avoid=named_ids):
                work.requests.remove(request)  # nobody worked it: it is not part of the history
        day += timedelta(days=1)
    _write_work(work)


def _earlier_checks(demo: Demo, *, before: date, skip: set[int]) -> None:
    """The check each credential had when its member joined, superseded on the day it was last rechecked.

    The people step writes each member's latest check only (demo.people); a member who has worked since
    joining was checked then too. The earlier row lapses the day the latest was made, so it never counts
    as expiring (reminders take the latest per kind, coop.notify.reminders) and leaves no gap.
    """
    session = demo.session
    session.flush()
    members = session.exec(
        select(Member).where(Member.status == MemberStatus.active, col(Member.joined_on) < before)
    ).all()
    joined = {m.id: m.joined_on for m in members if m.id not in skip}
    earlier = []
    for credential in session.exec(select(Credential).where(col(Credential.member_id).in_(list(joined)))).all():
        on = joined[credential.member_id]
        if credential.verified_on <= on:
            continue
        earlier.append(
            Credential(
                member_id=credential.member_id,
                kind=credential.kind,
                reference=credential.reference,
                verified_on=on,
                verified_by_user_id=demo.coordinator_id,
                expires_on=credential.verified_on,
                dbs_workforce=credential.dbs_workforce,
                dbs_update_service=credential.dbs_update_service,
                created_at=demo.at(on),
            )
        )
    session.add_all(earlier)
    session.flush()


def _plan_recent(work: _Work) -> None:
    """The last two days: timesheets waiting for approval, one queried, one not yet written."""
    demo, rng = work.demo, work.rng
    named_ids = {m.id for m in demo.named_members.values()}
    named_clients = {c.id for c in demo.named_clients.values()}
    others = [c for c in demo.clients if c.id not in named_clients]
    for days_ago, fates in ((2, ("queried", "submitted", "completed")), (1, ("submitted", "submitted", "worked"))):
        day = demo.today - timedelta(days=days_ago)
        clients = [c for c in others if day.weekday() < 5 or c.kind != ClientKind.school]
        for fate in fates:
            # The query is a ward's, about a nurse's finishing time (QUERY_COMMENT).
            choices = [c for c in clients if c.kind == ClientKind.ward] if fate == "queried" else clients
            for _attempt in range(10):
                client = rng.choice(choices)
                pattern = rng.choice([p for p in DEFAULT_PATTERNS[client.kind] if p in DAYTIME])
                request = _plan(work, client, pattern, day)
                if _fill(work, request.shifts[0], fate, avoid=named_ids):
                    break
                work.requests.remove(request)


def _urgent_day(demo, starts: time) -> date:
    """The local date of the next shift starting at ``starts`` that is more than an hour away: today's or
    tomorrow's, so it always starts within a day."""
    return (
        demo.today if at_local(demo.today, starts) - demo.now > timedelta(hours=1) else demo.today + timedelta(days=1)
    )


def _plan_ahead(work: _Work) -> None:
    """Three weeks of cover: about a third booked; next week mostly open, for a roster run to fill."""
    demo, rng = work.demo, work.rng
    today = demo.today
    monday = next_monday(today)
    next_week = (monday, monday + timedelta(days=6))
    schools = [c for c in demo.clients if c.kind == ClientKind.school]
    wards = [c for c in demo.clients if c.kind == ClientKind.ward]
    care = [c for c in demo.clients if c.kind == ClientKind.care_provider]
    find = partial(find_client, demo.clients)
    # The named sign-ins' coming weeks are set by _plan_named_work, and the walk-throughs book them.
    named_ids = {m.id for m in demo.named_members.values()}

    # Urgent: still open and starting within a day of whenever the demo is loaded (the next night, the next
    # earlies and lates), so a coordinator has urgent cover to book at any hour, after midnight too.
    ward_times, care_times, school_times = (
        DEFAULT_PATTERNS[k] for k in (ClientKind.ward, ClientKind.care_provider, ClientKind.school)
    )
    next_night, next_early = _urgent_day(demo, ward_times["night"][1]), _urgent_day(demo, ward_times["early"][1])
    _plan(work, find("Emergency Department"), "night", next_night, notes="Two nurses off sick.", keep_open=True)
    _plan(work, find("Emergency Department"), "early", next_early, notes="Sickness cover.", keep_open=True)
    _plan(work, find("Ward 7 Elderly Care"), "early", next_early, keep_open=True)
    _plan(work, find("Ward 7 Elderly Care"), "late", _urgent_day(demo, ward_times["late"][1]), keep_open=True)
    visit_day = _urgent_day(demo, care_times["morning_visit"][1])
    _plan(work, find("Gofal Cymunedol Taf Homecare"), "morning_visit", visit_day, keep_open=True)
    school_day = _urgent_day(demo, school_times["full_day"][1])
    if school_day.weekday() < 5:
        _plan(
            work, find("Ninian Park Primary School"), "full_day", school_day, notes="Teacher off sick.", keep_open=True
        )

    # A long-term cover run: ten school days as one request, from next Monday.
    _plan(
        work,
        find("Ysgol Glan Morfa"),
        "full_day",
        monday,
        repeat_days=10,
        skills=("primary",),
        notes="Year 3 class teacher on long-term sick leave: one teacher for the whole run, please.",
        keep_open=True,
    )
    # Cover no member can give, so a roster run has something to explain.
    _plan(
        work,
        find("Children's Ward", site=UHW),
        "night",
        monday + timedelta(days=2),
        min_grade="6",
        skills=("neonatal-ICU",),
        notes="Neonatal transfer: needs a neonatal intensive care nurse.",
    )
    _plan(
        work,
        find("Critical Care Unit"),
        "long_day",
        monday + timedelta(days=4),
        skills=("ICU", "neonatal-ICU"),
        min_grade="6",
    )
    # And cover it can fill, whatever the random requests bring: a coordinator rostering next week for the
    # Critical Care Unit alone always has a proposal to read and apply.
    _plan(work, find("Critical Care Unit"), "early", monday + timedelta(days=1), skills=("ICU",), keep_open=True)
    _plan(work, find("Critical Care Unit"), "late", monday + timedelta(days=2), skills=("ICU",), keep_open=True)
    _plan(
        work,
        find("Ysgol Gyfun Gymraeg Glantaf"),
        "full_day",
        monday + timedelta(days=1),
        skills=("secondary-science", "BSL"),
        notes="Physics through Welsh, with BSL for a deaf pupil.",
    )

    for offset in range(1, AHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        in_next_week = next_week[0] <= day <= next_week[1]
        booked_share = 0.15 if in_next_week else 0.45
        planned: list[_PlannedRequest] = []
        if day.weekday() < 5:
            for school in rng.sample(schools, 4):
                pattern = pick(rng, SCHOOL_PATTERNS)
                planned.append(
                    _plan(
                        work, school, pattern, day, skills=_school_skills(rng, school), notes=rng.choice(SCHOOL_NOTES)
                    )
                )
        for ward in rng.sample(wards, 4):
            headcount = 2 if rng.random() < 0.15 else 1
            terms = _ward_request_terms(rng, ward)
            planned.append(
                _plan(
                    work,
                    ward,
                    pick(rng, WARD_PATTERNS),
                    day,
                    headcount=headcount,
                    notes=rng.choice(WARD_NOTES),
                    **terms,
                )
            )
        for provider in rng.sample(care, 2 if offset % 2 else 3):
            pattern = pick(rng, CARE_PATTERNS)
            skills = (rng.choice(CARER_SKILLS),) if rng.random() < 0.3 else ()
            preferred = ()
            liked = sorted(work.preferred.get(provider.id, set()))
            if liked and rng.random() < 0.5:
                preferred = (rng.choice(liked),)
            planned.append(
                _plan(
                    work,
                    provider,
                    pattern,
                    day,
                    skills=skills,
                    welsh_medium=rng.random() < 0.1,
                    preferred=preferred,
                    notes=rng.choice(CARE_NOTES),
                )
            )
        for request in planned:
            for shift in request.shifts:
                if rng.random() < booked_share:
                    _fill(work, shift, "booked", avoid=named_ids)


def _plan_cancellations(work: _Work) -> None:
    """A client's late cancellation (charged, RULES §0.7) and a member's own cancellation (the shift reopens)."""
    demo = work.demo
    named_ids = {m.id for m in demo.named_members.values()}
    care = demo.named_clients["care@demo.coop"]  # 72 hours' notice: two days ahead is late
    request = _plan(work, care, "day", demo.today + timedelta(days=2), notes="Resident's family visiting all day.")
    if _fill(work, request.shifts[0], "client_cancelled", avoid=named_ids):
        _release(work, request.shifts[0])
    for offset in (6, 7, 8):
        ward = find_client(demo.clients, "Ward B7 Respiratory")
        request = _plan(work, ward, "long_day", demo.today + timedelta(days=offset))
        if _fill(work, request.shifts[0], "reopened", avoid=named_ids):
            _release(work, request.shifts[0])
            break


# Writing -----------------------------------------------------------------------------------------
#
# Hundreds of rows go in with plain multi-row INSERTs returning their ids, in the load's one
# transaction: building them as ORM objects would take most of the demo's load time.

SHIFT_STATUS = {
    "open": "open", "reopened": "open", "booked": "booked", "worked": "booked", "submitted": "booked",
    "queried": "booked", "completed": "completed", "client_cancelled": "cancelled",
}  # fmt: skip
BOOKING_STATUS = {"completed": "completed", "client_cancelled": "cancelled", "reopened": "cancelled"}
TIMESHEET_STATUS = {"completed": "approved", "submitted": "submitted", "queried": "queried"}
CLIENT_CANCEL_REASON = "The resident has gone into hospital."
MEMBER_CANCEL_REASON = "Family emergency: I can no longer work that day."


class _Events:
    """HistoryEvent rows for the state changes the demo writes, as the use-cases would record them."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, at: datetime, actor: int | None, entity: str, entity_id: int, action: str, **more) -> None:
        self.rows.append(
            {"at": at, "actor_user_id": actor, "entity": entity, "entity_id": entity_id, "action": action,
             "from_state": more.get("from_state"), "to_state": more.get("to_state"), "data": more.get("data", {})}
        )  # fmt: skip


def _write_work(work: _Work) -> None:
    session = work.demo.session
    events = _Events()
    request_ids = insert_rows(
        session.connection(),
        ShiftRequest.__table__,
        [
            {
                "client_id": r.client.id, "role": r.role, "pattern": r.pattern, "min_grade": r.min_grade,
                "skills": list(r.skills), "welsh_medium": r.welsh_medium,
                "preferred_member_ids": r.preferred_member_ids, "headcount": r.headcount,
                "repeat_days": r.repeat_days, "notes": r.notes,
                "status": shift_rules.request_status({SHIFT_STATUS[s.fate] for s in r.shifts}),
                "created_by_user_id": r.created_by_user_id, "created_at": r.created_at,
            }
            for r in work.requests
        ],
    )  # fmt: skip
    for request, request_id in zip(work.requests, request_ids, strict=True):
        events.add(request.created_at, request.created_by_user_id, "shift_request", request_id, "requested",
                   to_state="open", data={"shifts": len(request.shifts)})  # fmt: skip
    planned = [
        (shift, request_id) for r, request_id in zip(work.requests, request_ids, strict=True) for shift in r.shifts
    ]
    shift_ids = insert_rows(
        session.connection(),
        Shift.__table__,
        [
            {
                "request_id": request_id, "client_id": p.facts.client_id, "role": p.facts.role,
                "kind": p.request.pattern, "starts_at": p.facts.starts_at, "ends_at": p.facts.ends_at,
                "local_date": p.facts.local_date, "status": SHIFT_STATUS[p.fate], "version": 0,
                "created_at": p.request.created_at,
            }
            for p, request_id in planned
        ],
    )  # fmt: skip

    booked = [(p, shift_id) for (p, _), shift_id in zip(planned, shift_ids, strict=True) if p.member_id is not None]
    bookings = [_booking(work, p, shift_id) for p, shift_id in booked]
    booking_ids = insert_rows(session.connection(), Booking.__table__, bookings)
    sheets, charges = [], []
    for (p, shift_id), booking, booking_id in zip(booked, bookings, booking_ids, strict=True):
        member_user = work.user_of_member[p.member_id]
        by = booking["booked_by_user_id"]
        events.add(booking["booked_at"], by, "booking", booking_id, "booked", to_state="booked",
                   data={"shift_id": shift_id, "member_id": p.member_id, "on_behalf": by != member_user})  # fmt: skip
        events.add(booking["booked_at"], by, "shift", shift_id, "booked", from_state="open", to_state="booked")
        at, who = booking["cancelled_at"], booking["cancelled_by_user_id"]
        if p.fate == "client_cancelled":
            charge = late_charge_row(
                client=p.request.client,
                facts=p.facts,
                shift_id=shift_id,
                booking_id=booking_id,
                at=at,
                policy=work.policy,
            )
            charges += [charge] if charge else []
            minutes = charge["charge_minutes"] if charge else 0
            events.add(at, who, "booking", booking_id, "cancelled_by_client", from_state="booked", to_state="cancelled")
            events.add(at, who, "shift", shift_id, "cancelled", from_state="booked", to_state="cancelled",
                       data={"reason": CLIENT_CANCEL_REASON, "charge_minutes": minutes})  # fmt: skip
        elif p.fate == "reopened":
            events.add(at, who, "booking", booking_id, "cancelled_by_member", from_state="booked",
                       to_state="cancelled", data={"reason": MEMBER_CANCEL_REASON})  # fmt: skip
            events.add(at, who, "shift", shift_id, "reopened", from_state="booked", to_state="open")
        elif p.fate in TIMESHEET_STATUS:
            sheets.append(_timesheet(work, p, booking_id, member_user))
    insert_rows(session.connection(), CancellationCharge.__table__, charges)
    sheet_ids = insert_rows(session.connection(), Timesheet.__table__, sheets)
    for sheet, sheet_id in zip(sheets, sheet_ids, strict=True):
        events.add(sheet["submitted_at"], work.user_of_member[sheet["member_id"]], "timesheet", sheet_id,
                   "submitted", to_state="submitted", data={"worked_minutes": sheet["worked_minutes"]})  # fmt: skip
        if sheet["status"] == "approved":
            events.add(sheet["decided_at"], sheet["decided_by_user_id"], "timesheet", sheet_id, "approved",
                       from_state="submitted", to_state="approved",
                       data={"worked_minutes": sheet["worked_minutes"]})  # fmt: skip
        elif sheet["status"] == "queried":
            events.add(sheet["decided_at"], sheet["decided_by_user_id"], "timesheet", sheet_id, "queried",
                       from_state="submitted", to_state="queried",
                       data={"comment": sheet["query_comment"]})  # fmt: skip
    # No ids needed back: one executemany.
    session.connection().execute(insert(HistoryEvent.__table__), events.rows)


def _booking(work: _Work, planned: _PlannedShift, shift_id: int) -> dict:
    """The booking row: made after the request, before the shift (and before now), by the member or for them."""
    rng, now = work.rng, work.demo.now
    request, f = planned.request, planned.facts
    cancelled_at, cancelled_by, reason = None, None, None
    if planned.fate in ("client_cancelled", "reopened"):
        booked_at = request.created_at + timedelta(minutes=rng.randint(5, 25))
        back = timedelta(hours=rng.randint(1, 5) if planned.fate == "client_cancelled" else rng.randint(12, 20))
        cancelled_at = max(booked_at + timedelta(minutes=30), now - back)
        if planned.fate == "client_cancelled":
            cancelled_by, reason = work.user_of_client[f.client_id], CLIENT_CANCEL_REASON
        else:
            cancelled_by, reason = work.user_of_member[planned.member_id], MEMBER_CANCEL_REASON
    else:
        latest = min(f.starts_at - timedelta(minutes=30), now - timedelta(minutes=5))
        booked_at = request.created_at + (latest - request.created_at) * rng.uniform(0.05, 0.8)
    self_booked = rng.random() < 0.7
    return {
        "shift_id": shift_id,
        "member_id": planned.member_id,
        "starts_at": f.starts_at,
        "ends_at": f.ends_at,
        "status": BOOKING_STATUS.get(planned.fate, "booked"),
        "booked_at": booked_at,
        "booked_by_user_id": work.user_of_member[planned.member_id] if self_booked else work.demo.coordinator_id,
        "cancelled_at": cancelled_at,
        "cancelled_by_user_id": cancelled_by,
        "cancel_reason": reason,
        "roster_run_id": None,
    }


def _timesheet(work: _Work, planned: _PlannedShift, booking_id: int, member_user: int) -> dict:
    """What was worked, less the unpaid break of RULES §0.6; approved, waiting, or queried by the client."""
    rng, now, policy, f = work.rng, work.demo.now, work.policy, planned.facts
    started = f.starts_at + timedelta(minutes=rng.choice((-10, -5, 0, 0, 0, 5)))
    ended = f.ends_at + timedelta(minutes=rng.choice((-5, 0, 0, 5, 10, 15)))
    if planned.fate == "queried":
        ended = f.ends_at + timedelta(minutes=40)  # what the client's query is about
    elapsed = elapsed_minutes(started, ended)
    break_minutes = policy.break_minutes if elapsed > policy.break_after_hours * 60 else 0
    recent = planned.fate != "completed" or f.local_date >= work.demo.today - timedelta(days=RECENT_DAYS)
    delay = timedelta(minutes=rng.randint(30, 90)) if recent else timedelta(hours=rng.randint(1, 12))
    submitted_at = min(ended + delay, now - timedelta(minutes=10))
    status = TIMESHEET_STATUS[planned.fate]
    decided_at, decided_by = None, None
    if status != "submitted":
        decided_at = min(submitted_at + timedelta(hours=rng.randint(2, 24)), now - timedelta(minutes=5))
        decided_by = work.user_of_client[f.client_id]
    return {
        "booking_id": booking_id,
        "member_id": planned.member_id,
        "client_id": f.client_id,
        "started_at": started,
        "ended_at": ended,
        "break_minutes": break_minutes,
        "worked_minutes": elapsed - break_minutes,
        "status": status,
        "submitted_at": submitted_at,
        "decided_at": decided_at,
        "decided_by_user_id": decided_by,
        "query_comment": QUERY_COMMENT if status == "queried" else None,
        "resolution_comment": None,
    }


def late_charge_row(
    *, client: Client, facts: ShiftFacts, shift_id: int, booking_id: int, at: datetime, policy: Policy
) -> dict | None:
    """The CancellationCharge row of a client's cancellation at ``at``, or None when it gave enough notice:
    charged as the cancellation use-case charges it (coop.bookings.rules, RULES §0.7), a school a half day.

    The demo writes no client shift patterns, so a school's full day is the default one."""
    notice = booking_rules.notice_hours(client.cancellation_notice_hours, policy)
    if not booking_rules.cancelled_late(starts_at=facts.starts_at, cancelled_at=at, notice_hours=notice):
        return None
    school_day = None
    if client.kind == ClientKind.school:
        _label, starts, ends = DEFAULT_PATTERNS[ClientKind.school]["full_day"]
        school_day = elapsed_minutes(*local_span(facts.local_date, starts, ends))
    charge = booking_rules.late_cancellation_charge(
        client_kind=client.kind,
        booked_minutes=elapsed_minutes(facts.starts_at, facts.ends_at),
        school_day_minutes=school_day,
        policy=policy,
    )
    return {
        "shift_id": shift_id,
        "client_id": facts.client_id,
        "booking_id": booking_id,
        "charge_minutes": charge.charge_minutes,
        "basis": charge.basis,
        "notice_hours_given": booking_rules.notice_hours_given(starts_at=facts.starts_at, cancelled_at=at),
        "created_at": at,
    }
