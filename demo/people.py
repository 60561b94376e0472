"""The demo co-op's people: its staff, about 160 worker members (supply teachers, nurses and care workers)
with their credentials and availability, a sign-in for every member and client, and each member's
registration and status changes as the use-cases would have recorded them.

The named sign-ins (`SIGN_INS`) are the ones the README and `coop demo` list; every demo sign-in uses the
password `DEMO_PASSWORD`.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from coop.auth.models import User, UserRole
from coop.enums import CredentialKind, MembershipClass, MemberStatus, Profession, Role, WelshLevel
from coop.history import HistoryEvent
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member
from coop.members.rules import DBS_WORKFORCE, REQUIRED_CREDENTIALS
from demo.clients import client_slug, plain_ascii
from demo.seed import near

if TYPE_CHECKING:
    from demo.load import Demo

DEMO_PASSWORD = "cymru-demo"
SEED = 2026
MEMBER_DOMAIN = "members.demo.coop"
CLIENT_DOMAIN = "clients.demo.coop"

# How many generic members of each profession, and how many of them are not (or no longer) active.
HEADCOUNT = {Profession.supply_teacher: 60, Profession.nurse: 50, Profession.care_worker: 50}
APPLICANTS, SUSPENDED, WITHDRAWN = 5, 3, 2
EXPIRING_SOON, ALREADY_EXPIRED, IN_SCW_WINDOW = 10, 5, 2


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    roles: tuple[str, ...]
    who: str
    try_this: str


SIGN_INS: tuple[DemoSignIn, ...] = (
    DemoSignIn("coordinator@demo.coop", (Role.coordinator,), "Gwenllian Hughes, the co-op's coordinator",
               "register members, verify credentials, manage clients and their lists"),
    DemoSignIn("admin@demo.coop", (Role.admin,), "Tom Bevan, administrator",
               "everything a coordinator can, plus sign-ins and settings"),
    DemoSignIn("board@demo.coop", (Role.board, Role.member), "Eleri Morgan, board member and band 6 nurse",
               "oversee the registry read-only, and keep her own nurse's record"),
    DemoSignIn("nurse@demo.coop", (Role.member,), "Siân Pritchard, band 5 nurse (Cardiff)",
               "own profile, credentials and availability (available any time)"),
    DemoSignIn("teacher@demo.coop", (Role.member,), "Catrin Llewellyn, supply teacher M3, fluent in Welsh",
               "own profile, credentials and a Mon-Fri 07:30-17:00 pattern"),
    DemoSignIn("carer@demo.coop", (Role.member,), "Dafydd Rees, care worker level 3 (Cardiff)",
               "own profile, credentials and a 07:00-22:00 daily pattern"),
    DemoSignIn("school@demo.coop", (Role.client,), "Ysgol Gymraeg Pwll Coch, Cardiff (Welsh-medium school)",
               "the school's details and its preferred / do-not-send lists"),
    DemoSignIn("ward@demo.coop", (Role.client,), "Emergency Unit, University Hospital of Wales",
               "the ward's details and its preferred / do-not-send lists"),
    DemoSignIn("care@demo.coop", (Role.client,), "Cartref Bryn Haul Care Home, Cardiff",
               "the care home's details and its preferred / do-not-send lists"),
)  # fmt: skip

# A generic member's sign-in shown in the help text (a supply teacher the seed generates).
EXAMPLE_MEMBER_EMAIL = "rhian.davies@members.demo.coop"

FIRST_NAMES = (
    "Rhys", "Siân", "Gareth", "Ffion", "Dafydd", "Carys", "Owain", "Nia", "Huw", "Catrin", "Aled", "Megan",
    "Gwen", "Iwan", "Eleri", "Llinos", "Geraint", "Bethan", "Rhian", "Cerys", "Emyr", "Gethin", "Lowri",
    "Elin", "Tomos", "Osian", "Seren", "Manon", "Hywel", "Angharad", "Ioan", "Mared", "Sioned", "Dylan",
    "James", "Sarah", "Emma", "David", "Claire", "Michael", "Rebecca", "Daniel", "Hannah", "Chloe", "Mark",
    "Lisa", "Paul", "Karen", "Amy", "Ben", "Sophie", "Jack", "Laura", "Matthew", "Priya", "Amir", "Grace",
    "Oliver", "Zara", "Joanne",
)  # fmt: skip
SURNAMES = (
    "Jones", "Davies", "Williams", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan", "Griffiths",
    "Price", "Jenkins", "Rees", "Edwards", "Owen", "Powell", "Phillips", "James", "Parry", "Lloyd",
    "Pritchard", "Howells", "Bowen", "Vaughan", "Llewellyn", "Watkins", "Harris", "Richards", "Walters",
    "Bevan", "Prosser", "Protheroe", "Hopkins", "Mathias", "Khan", "Ahmed", "O'Brien", "Smith", "Taylor",
    "Clarke",
)  # fmt: skip

# Postcode districts where members live, weighted towards Cardiff and the valleys.
HOME_DISTRICTS: tuple[tuple[str, int], ...] = (
    ("CF3", 4), ("CF5", 5), ("CF10", 2), ("CF11", 5), ("CF14", 6), ("CF15", 2), ("CF23", 4), ("CF24", 5),
    ("CF61", 1), ("CF62", 3), ("CF63", 2), ("CF64", 3), ("CF71", 2),
    ("CF37", 4), ("CF38", 2), ("CF39", 3), ("CF40", 3), ("CF41", 2), ("CF42", 2), ("CF43", 1), ("CF44", 3),
    ("CF45", 2), ("CF72", 3),
)  # fmt: skip
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code

GRADE_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    # Supply teachers must hold QTS (EWC school teacher, RULES §3.1): no UQ.
    Profession.supply_teacher: (
        ("M1", 8), ("M2", 10), ("M3", 12), ("M4", 12), ("M5", 10), ("M6", 12),
        ("U1", 10), ("U2", 8), ("U3", 6),
    ),
    Profession.nurse: (("5", 50), ("6", 35), ("7", 12), ("8a", 3)),
    # Care workers at the levels the care rate cards price (coop/pay/data/rate_cards.toml): pricing refuses
    # a member whose grade has no card (coop/pay/service.py), so a level 4 or 5 carer's work could never be paid.
    Profession.care_worker: (("1", 10), ("2", 40), ("3", 50)),
}  # fmt: skip

TEACHER_SUBJECTS = ("secondary-maths", "secondary-science", "secondary-english", "PE", "music")
NURSE_SKILLS = (
    "ICU", "A&E", "paediatrics", "theatres", "mental-health", "respiratory", "elderly-care", "medical",
    "surgical",
)  # fmt: skip
CARER_SKILLS = (
    "dementia", "medication", "complex-needs", "learning-disability", "end-of-life", "moving-and-handling",
)  # fmt: skip


DAYS_OFF = (
    ("leave", "Annual leave"), ("leave", "Annual leave"), ("leave", "Family wedding"),
    ("unavailable", "Hospital appointment"), ("unavailable", "Training course"), ("unavailable", "Childcare"),
)  # fmt: skip


# --- staff -------------------------------------------------------------------------------------


def load_staff(demo: Demo) -> None:
    coordinator = _add_user(demo, SIGN_INS[0].email, "Gwenllian Hughes", (Role.coordinator,))
    _add_user(demo, SIGN_INS[1].email, "Tom Bevan", (Role.admin,))
    demo.session.flush()
    demo.coordinator_id = coordinator.id


def _add_user(
    demo: Demo,
    email: str,
    name: str,
    roles: tuple[str, ...],
    *,
    member_id: int | None = None,
    client_id: int | None = None,
    language: str = "en",
) -> User:
    user = User(
        email=email,
        name=name,
        password_hash=demo.password_hash,
        member_id=member_id,
        client_id=client_id,
        language=language,
        created_at=demo.now,
    )
    demo.session.add(user)
    demo.session.flush()
    demo.session.add_all([UserRole(user_id=user.id, role=role) for role in roles])
    return user


# --- members -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Named:
    email: str
    name: str
    profession: str
    grade: str
    postcode: str
    welsh_level: str
    skills: tuple[str, ...]
    years_in: int


NAMED_MEMBERS = (
    _Named("board@demo.coop", "Eleri Morgan", Profession.nurse, "6", "CF14 6NB", WelshLevel.learner,
           ("medical", "respiratory", "elderly-care"), 4),
    _Named("nurse@demo.coop", "Siân Pritchard", Profession.nurse, "5", "CF14 3LZ", WelshLevel.none,
           ("A&E", "medical", "respiratory"), 3),
    _Named("teacher@demo.coop", "Catrin Llewellyn", Profession.supply_teacher, "M3", "CF11 9DX",
           WelshLevel.fluent, ("primary", "welsh-medium", "SEN", "early-years"), 2),
    _Named("carer@demo.coop", "Dafydd Rees", Profession.care_worker, "3", "CF24 3HP", WelshLevel.learner,
           ("dementia", "personal-care", "medication", "moving-and-handling"), 3),
)  # fmt: skip


def load_named_members(demo: Demo) -> None:
    """The demo sign-ins who are members: active, every credential valid well beyond the next weeks."""
    for named in NAMED_MEMBERS:
        joined = demo.today - timedelta(days=365 * named.years_in + 40)
        care_started = joined - timedelta(days=900) if named.profession == Profession.care_worker else None
        latitude, longitude = near(demo.rng, named.postcode, spread=0.003)
        member = Member(
            name=named.name,
            email=named.email,
            phone=f"07700 900{len(demo.members):03d}",
            profession=named.profession,
            membership_class=MembershipClass.worker,
            status=MemberStatus.active,
            status_changed_at=demo.at(joined),
            joined_on=joined,
            postcode=named.postcode,
            latitude=latitude,
            longitude=longitude,
            welsh_level=named.welsh_level,
            grade=named.grade,
            skills=list(named.skills),
            max_hours_per_week=40,
            max_travel_km=35,
            care_started_on=care_started,
            calendar_token=secrets.token_urlsafe(32),
            created_at=demo.at(joined - timedelta(days=21)),
        )
        demo.members.append(member)
        demo.named_members[named.email] = member
        demo.emails_taken.add(named.email)
    demo.session.add_all(demo.named_members.values())
    demo.session.flush()
    for member in demo.named_members.values():
        demo.session.add_all(_credentials(demo, member, long_lived=True))


def load_members(demo: Demo) -> None:
    """The generic members: mostly active, some applicants, suspended or withdrawn; some credentials lapse."""
    rng = demo.rng
    generic: list[Member] = []
    phones = rng.sample(range(len(demo.members), 1000), sum(HEADCOUNT.values()))
    for profession, count in HEADCOUNT.items():
        for _ in range(count):
            generic.append(_member(demo, profession, phone=f"07700 900{phones[len(generic)]:03d}"))

    order = list(range(len(generic)))
    rng.shuffle(order)
    applicants = order[:APPLICANTS]
    suspended = order[APPLICANTS : APPLICANTS + SUSPENDED]
    withdrawn = order[APPLICANTS + SUSPENDED : APPLICANTS + SUSPENDED + WITHDRAWN]
    for i in applicants:
        _make_applicant(demo, generic[i])
    for i in suspended:
        since = max(generic[i].joined_on + timedelta(days=14), demo.days_ago(5, 60))
        generic[i].status, generic[i].status_changed_at = MemberStatus.suspended, demo.at(since)
    for i in withdrawn:
        left = max(generic[i].joined_on + timedelta(days=14), demo.days_ago(20, 200))
        generic[i].status, generic[i].left_on = MemberStatus.withdrawn, left
        generic[i].status_changed_at = demo.at(left)

    # Care workers who started recently and are inside the Social Care Wales registration window.
    active = order[APPLICANTS + SUSPENDED + WITHDRAWN :]
    new_carers = [i for i in active if generic[i].profession == Profession.care_worker][:IN_SCW_WINDOW]
    for i in new_carers:
        started = demo.days_ago(45, 120)
        generic[i].care_started_on = started
        generic[i].joined_on = started
        generic[i].created_at = demo.at(started - timedelta(days=10))
        generic[i].status_changed_at = demo.at(started)
    settled = [i for i in active if i not in new_carers]
    expiring = settled[:EXPIRING_SOON]
    expired = settled[EXPIRING_SOON : EXPIRING_SOON + ALREADY_EXPIRED]

    demo.session.add_all(generic)
    demo.session.flush()
    demo.members.extend(generic)

    credentials: list[Credential] = []
    for i, member in enumerate(generic):
        held = _credentials(demo, member, applicant=i in applicants, in_scw_window=i in new_carers)
        if i in expiring:
            _expire(demo, held, member.profession, soon=True)
        elif i in expired:
            _expire(demo, held, member.profession, soon=False)
        credentials.extend(held)
    demo.session.add_all(credentials)


def _member(demo: Demo, profession: str, *, phone: str) -> Member:
    rng = demo.rng
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    district = rng.choices([d for d, _ in HOME_DISTRICTS], weights=[w for _, w in HOME_DISTRICTS])[0]
    postcode = f"{district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    latitude, longitude = near(rng, postcode, spread=0.01)
    welsh = rng.choices([WelshLevel.fluent, WelshLevel.learner, WelshLevel.none], weights=[25, 20, 55])[0]
    ladder = GRADE_WEIGHTS[profession]
    grade = rng.choices([g for g, _ in ladder], weights=[w for _, w in ladder])[0]
    joined = demo.days_ago(30, 4 * 365)
    care_started = None
    if profession == Profession.care_worker:
        care_started = joined - timedelta(days=rng.randint(0, 10 * 365))
    return Member(
        name=name,
        email=_member_email(demo, name),
        phone=phone,
        profession=profession,
        membership_class=MembershipClass.worker,
        status=MemberStatus.active,
        status_changed_at=demo.at(joined),
        joined_on=joined,
        share_capital_pence=500 if rng.random() < 0.05 else 100,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        welsh_level=welsh,
        grade=grade,
        skills=_skills(rng, profession, welsh),
        max_hours_per_week=rng.randint(16, 45),
        max_travel_km=rng.randint(10, 40),
        opted_out_48h=rng.random() < 0.10,
        care_started_on=care_started,
        # The calendar feed's token is a secret, so it is the one field not drawn from the seed.
        calendar_token=secrets.token_urlsafe(32),
        created_at=demo.at(joined - timedelta(days=rng.randint(7, 40))),
    )


def _member_email(demo: Demo, name: str) -> str:
    local = ".".join("".join(ch for ch in part if ch.isalnum()) for part in plain_ascii(name).lower().split())
    email, n = f"{local}@{MEMBER_DOMAIN}", 1
    while email in demo.emails_taken:
        n += 1
        email = f"{local}{n}@{MEMBER_DOMAIN}"
    demo.emails_taken.add(email)
    return email


def _skills(rng: random.Random, profession: str, welsh: str) -> list[str]:
    if profession == Profession.supply_teacher:
        if rng.random() < 0.5:
            skills = ["primary"] + rng.sample(["early-years", "SEN", "music", "PE"], rng.randint(0, 2))
        else:
            skills = rng.sample(TEACHER_SUBJECTS, rng.randint(1, 2)) + (["SEN"] if rng.random() < 0.2 else [])
        if welsh == WelshLevel.fluent and rng.random() < 0.8:
            skills.append("welsh-medium")
        return skills
    if profession == Profession.nurse:
        return rng.sample(NURSE_SKILLS, rng.randint(1, 3))
    return ["personal-care"] + rng.sample(CARER_SKILLS, rng.randint(1, 3))


def _make_applicant(demo: Demo, member: Member) -> None:
    applied = demo.days_ago(1, 30)
    member.status = MemberStatus.applicant
    member.joined_on = None
    member.created_at = demo.at(applied)
    member.status_changed_at = demo.at(applied)


# --- credentials -------------------------------------------------------------------------------


def _credentials(
    demo: Demo,
    member: Member,
    *,
    long_lived: bool = False,
    applicant: bool = False,
    in_scw_window: bool = False,
) -> list[Credential]:
    """The credentials the member's profession needs (RULES §0.10), each verified in the past.

    `long_lived` (the named sign-ins) keeps every expiry at least 180 days away; an applicant has
    only their right to work checked so far; a new care worker inside the SCW window has no SCW yet.
    """
    rng = demo.rng
    kinds = REQUIRED_CREDENTIALS[member.profession]
    if applicant:
        kinds = (CredentialKind.right_to_work,)
    held = []
    for kind in kinds:
        if kind == CredentialKind.scw and in_scw_window:
            continue
        reference, verified_on, expires_on = _credential_dates(demo, kind)
        while long_lived and expires_on is not None and expires_on < demo.today + timedelta(days=180):
            reference, verified_on, expires_on = _credential_dates(demo, kind)
        workforce, update_service = None, False
        if kind == CredentialKind.dbs_enhanced:
            workforce = "both" if rng.random() < 0.1 else DBS_WORKFORCE[member.profession]
            update_service = rng.random() < 0.8
        if applicant:
            verified_on = member.created_at.date()
        held.append(
            Credential(
                member_id=member.id,
                kind=kind,
                reference=reference,
                verified_on=verified_on,
                verified_by_user_id=demo.coordinator_id,
                expires_on=expires_on,
                dbs_workforce=workforce,
                dbs_update_service=update_service,
                created_at=demo.now,
            )
        )
    return held


def _credential_dates(demo: Demo, kind: str) -> tuple[str, date, date | None]:
    """A realistic reference, the date it was checked and when it lapses (None: it does not)."""
    rng = demo.rng
    if kind == CredentialKind.ewc:
        # EWC registration is renewed with the annual fee and checked every year (RULES §3.1).
        return f"EWC{rng.randint(0, 999999):06d}", demo.days_ago(10, 330), demo.days_ahead(31, 365)
    if kind == CredentialKind.nmc:
        # PIN: two digits, a month letter, four digits, a country letter (W for Wales).
        year, month = rng.randint(0, 99), rng.choice("ABCDEFGHIJKL")
        serial, country = rng.randint(0, 9999), rng.choice("WWWEEO")
        pin = f"{year:02d}{month}{serial:04d}{country}"
        return pin, demo.days_ago(10, 330), demo.days_ahead(31, 365)
    if kind == CredentialKind.scw:
        # Registration lasts up to three years (RULES §3.3).
        registered = demo.days_ago(30, 1035)
        return f"SCW{rng.randint(0, 9999999):07d}", registered, registered + timedelta(days=3 * 365)
    if kind == CredentialKind.dbs_enhanced:
        # A DBS certificate has no expiry; the co-op rechecks it (RULES §3.4).
        return f"{rng.randint(0, 10**12 - 1):012d}", demo.days_ago(30, 3 * 365 + 120), None
    if kind == CredentialKind.right_to_work:
        roll = rng.random()
        if roll < 0.85:
            return "UK passport", demo.days_ago(60, 4 * 365), None
        if roll < 0.9:
            return "Irish passport", demo.days_ago(60, 4 * 365), None
        # Time-limited permission: an online check with a 9-character share code starting with W (RULES §3.5).
        code = "W" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
        return f"share code {code}", demo.days_ago(30, 400), demo.days_ahead(120, 900)
    # Mandatory training: refreshed every one to three years (RULES §3.7).
    years = rng.choice((1, 2, 3))
    expires_on = demo.days_ahead(31, years * 365 - 30)
    reference = f"CSTF core skills {rng.randint(10000, 99999)}"
    return reference, expires_on - timedelta(days=365 * years), expires_on


# Which credential lapses for the members whose credentials are about to expire or have expired.
SOON_TO_EXPIRE = {
    Profession.supply_teacher: CredentialKind.ewc,
    Profession.nurse: CredentialKind.nmc,
    Profession.care_worker: CredentialKind.mandatory_training,
}
EXPIRED = {
    Profession.supply_teacher: CredentialKind.ewc,
    Profession.nurse: CredentialKind.mandatory_training,
    Profession.care_worker: CredentialKind.scw,
}


def _expire(demo: Demo, held: list[Credential], profession: str, *, soon: bool) -> None:
    kind = (SOON_TO_EXPIRE if soon else EXPIRED)[profession]
    credential = next(c for c in held if c.kind == kind)
    credential.expires_on = demo.days_ahead(2, 28) if soon else demo.days_ago(3, 40)
    credential.verified_on = min(credential.verified_on, credential.expires_on - timedelta(days=300))


# --- availability ------------------------------------------------------------------------------

WEEKDAYS, EVERY_DAY = range(5), range(7)


def load_availability(demo: Demo) -> None:
    rng = demo.rng
    windows: list[AvailabilityWindow] = []
    exceptions: list[AvailabilityException] = []
    named = demo.named_members
    windows += _pattern(named["teacher@demo.coop"].id, WEEKDAYS, time(7, 30), time(17, 0))
    windows += _pattern(named["carer@demo.coop"].id, EVERY_DAY, time(7, 0), time(22, 0))
    # The nurse and the board member have no weekly pattern: available any time.
    for member in demo.members:
        if member.email in named or member.status == MemberStatus.withdrawn:
            continue
        if rng.random() < 0.2:
            continue  # no weekly pattern: available any time
        windows += _weekly_pattern(rng, member)
        if member.status == MemberStatus.active and rng.random() < 0.15:
            starts = demo.days_ahead(3, 45)
            kind, note = rng.choice(DAYS_OFF)
            exceptions.append(
                AvailabilityException(
                    member_id=member.id,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=rng.randint(0, 9)),
                    kind=kind,
                    note=note,
                )
            )
    demo.session.add_all(windows)
    demo.session.add_all(exceptions)


def _pattern(member_id: int, days, starts: time, ends: time) -> list[AvailabilityWindow]:
    return [AvailabilityWindow(member_id=member_id, weekday=day, starts=starts, ends=ends) for day in days]


def _weekly_pattern(rng: random.Random, member: Member) -> list[AvailabilityWindow]:
    if member.profession == Profession.supply_teacher:
        days = WEEKDAYS if rng.random() < 0.7 else sorted(rng.sample(WEEKDAYS, rng.randint(2, 4)))
        return _pattern(member.id, days, time(8, 0), time(16, 0))
    if member.profession == Profession.nurse:
        style = rng.choice(("days", "nights", "mixed"))
        days = sorted(rng.sample(EVERY_DAY, rng.randint(3, 5)))
        if style == "days":
            return _pattern(member.id, days, time(7, 0), time(20, 0))
        if style == "nights":
            return _pattern(member.id, days, time(19, 0), time(8, 0))  # runs past midnight
        split = len(days) // 2
        return _pattern(member.id, days[:split], time(7, 0), time(20, 0)) + _pattern(
            member.id, days[split:], time(19, 0), time(8, 0)
        )
    shift = rng.choice(((time(7, 0), time(14, 0)), (time(14, 0), time(22, 0)), (time(7, 0), time(22, 0))))
    days = sorted(rng.sample(EVERY_DAY, rng.randint(3, 6)))
    return _pattern(member.id, days, *shift)


# --- sign-ins ----------------------------------------------------------------------------------


def load_sign_ins(demo: Demo) -> None:
    """A sign-in for every member (their own e-mail) and one contact for every client."""
    rng = demo.rng
    for sign_in in SIGN_INS:
        member = demo.named_members.get(sign_in.email)
        client = demo.named_clients.get(sign_in.email)
        if member is not None:
            # The fluent Welsh-speaking teacher sees the platform in Welsh.
            language = "cy" if member.welsh_level == WelshLevel.fluent else "en"
            _add_user(demo, sign_in.email, member.name, sign_in.roles, member_id=member.id, language=language)
        elif client is not None:
            _add_user(demo, sign_in.email, _contact_name(rng), sign_in.roles, client_id=client.id)
    for member in demo.members:
        if member.email not in demo.named_members:
            _add_user(demo, member.email, member.name, (Role.member,), member_id=member.id)
    named_client_ids = {c.id: email for email, c in demo.named_clients.items()}
    for client in demo.clients:
        email = named_client_ids.get(client.id) or f"contact.{client_slug(client)}@{CLIENT_DOMAIN}"
        client.email = email
        if client.id not in named_client_ids:
            _add_user(demo, email, _contact_name(rng), (Role.client,), client_id=client.id)
    demo.session.flush()


def _contact_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


# --- history -----------------------------------------------------------------------------------


def load_history(demo: Demo) -> None:
    """Each member's registration and status changes, as the use-cases would have recorded them."""
    events: list[HistoryEvent] = []

    def event(member: Member, at: datetime, action: str, from_state: str | None, to_state: str) -> None:
        events.append(
            HistoryEvent(
                at=at,
                actor_user_id=demo.coordinator_id,
                entity="member",
                entity_id=member.id,
                action=action,
                from_state=from_state,
                to_state=to_state,
                data={},
            )
        )

    for member in demo.members:
        event(member, member.created_at, "registered", None, MemberStatus.applicant)
        if member.joined_on is None:
            continue
        joined = demo.at(member.joined_on)
        event(member, joined, "status_changed", MemberStatus.applicant, MemberStatus.active)
        if member.status in (MemberStatus.suspended, MemberStatus.withdrawn):
            event(member, member.status_changed_at, "status_changed", MemberStatus.active, member.status)
    demo.session.add_all(events)
