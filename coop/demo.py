"""The demo co-op: a realistic, deterministic South Wales co-operative to try the platform with.

`load_if_empty` fills a freshly migrated database in one transaction: about 160 worker members
(supply teachers, nurses, care workers) with their credentials and availability, the schools, wards
and care providers they work for, the clients' preferred and do-not-send lists, and a sign-in for
everyone. Every demo sign-in uses the password `DEMO_PASSWORD`.

The content comes from `random.Random(SEED)`, so two loads give the same people and places; dates
are relative to today, so some credentials are always about to expire whenever the demo is loaded.
Rows are written straight through the ORM (not the use-cases): the demo is data, not a workflow,
and must load in a couple of seconds.

`load` is a list of small `_load_<area>` steps sharing one `_Demo`; later areas add their own step at
the end of `_steps`. The last, `_load_work`, is the co-op's daily work around today: six weeks of worked
and approved shifts, the last few days' timesheets (submitted, queried, not yet written), three weeks of
open and booked cover (some urgent, some no member can take), and a client's and a member's cancellation.
Every booking passes the one eligibility rule set against what its member already holds.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from coop.auth.models import User, UserRole
from coop.auth.security import hash_password
from coop.bookings.models import Booking, CancellationCharge, Timesheet
from coop.clients.models import Client, ClientMemberList
from coop.clock import at_local, elapsed_minutes, today_local, utcnow
from coop.enums import (
    ClientKind,
    CredentialKind,
    ListKind,
    MembershipClass,
    MemberStatus,
    Profession,
    Role,
    WelshLevel,
)
from coop.geo import DISTRICTS
from coop.history import HistoryEvent
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member
from coop.members.rules import DBS_WORKFORCE, REQUIRED_CREDENTIALS
from coop.policy import Policy, get_policy
from coop.shifts import eligibility, facts
from coop.shifts.eligibility import HeldShift, MemberFacts, ShiftFacts
from coop.shifts.models import Shift, ShiftRequest
from coop.shifts.timing import DEFAULT_PATTERNS, local_span, working_days

DEMO_PASSWORD = "cymru-demo"
SEED = 2026
MEMBER_DOMAIN = "members.demo.coop"
CLIENT_DOMAIN = "clients.demo.coop"

CARDIFF = "Cardiff"
RCT = "Rhondda Cynon Taf"
CARDIFF_AND_VALE = "Cardiff and Vale University Health Board"
CWM_TAF = "Cwm Taf Morgannwg University Health Board"
UHW = "University Hospital of Wales"
LLANDOUGH = "University Hospital Llandough"
ROYAL_GLAMORGAN = "Royal Glamorgan Hospital"
PRINCE_CHARLES = "Prince Charles Hospital"

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
CARDIFF_DISTRICTS = ("CF3", "CF5", "CF10", "CF11", "CF14", "CF15", "CF23", "CF24")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code

GRADE_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    # Supply teachers must hold QTS (EWC school teacher, RULES §3.1): no UQ.
    Profession.supply_teacher: (
        ("M1", 8), ("M2", 10), ("M3", 12), ("M4", 12), ("M5", 10), ("M6", 12),
        ("U1", 10), ("U2", 8), ("U3", 6),
    ),
    Profession.nurse: (("5", 50), ("6", 35), ("7", 12), ("8a", 3)),
    Profession.care_worker: (("2", 35), ("3", 45), ("4", 15), ("5", 5)),
}  # fmt: skip

TEACHER_SUBJECTS = ("secondary-maths", "secondary-science", "secondary-english", "PE", "music")
NURSE_SKILLS = (
    "ICU", "A&E", "paediatrics", "theatres", "mental-health", "respiratory", "elderly-care", "medical",
    "surgical",
)  # fmt: skip
CARER_SKILLS = (
    "dementia", "medication", "complex-needs", "learning-disability", "end-of-life", "moving-and-handling",
)  # fmt: skip

# Schools: (name, address, postcode, Welsh-medium), by local authority.
SCHOOLS: dict[str, tuple[tuple[str, str, str, bool], ...]] = {
    CARDIFF: (
        ("Ysgol Gymraeg Pwll Coch", "Lawrenny Avenue, Leckwith, Cardiff", "CF11 8BR", True),
        ("Ysgol Glan Morfa", "Lewis Road, Splott, Cardiff", "CF24 5EB", True),
        ("Ninian Park Primary School", "Virgil Street, Grangetown, Cardiff", "CF11 8TF", False),
        ("Whitchurch High School", "Penlline Road, Whitchurch, Cardiff", "CF14 2XJ", False),
        ("Ysgol Gyfun Gymraeg Glantaf", "Bridge Road, Llandaf North, Cardiff", "CF14 2JL", True),
        ("Ysgol Gyfun Gymraeg Plasmawr", "Pentrebane Road, Fairwater, Cardiff", "CF5 3PZ", True),
        ("Ysgol Gyfun Gymraeg Bro Edern", "Llanedeyrn Road, Penylan, Cardiff", "CF23 9DT", True),
        ("Cathays High School", "Crwys Road, Cathays, Cardiff", "CF24 4XG", False),
        ("Cardiff High School", "Llandennis Road, Cyncoed, Cardiff", "CF23 6WG", False),
        ("Fitzalan High School", "Lawrenny Avenue, Leckwith, Cardiff", "CF11 8XB", False),
        ("Llanishen High School", "Heol Hir, Llanishen, Cardiff", "CF14 5YL", False),
        ("Radyr Comprehensive School", "Heol Isaf, Radyr, Cardiff", "CF15 8XG", False),
        ("Cantonian High School", "Fairwater Road, Fairwater, Cardiff", "CF5 3JR", False),
        ("Eastern High", "Trowbridge Road, Rumney, Cardiff", "CF3 1XZ", False),
        ("Willows High School", "Willows Avenue, Tremorfa, Cardiff", "CF24 2YE", False),
        ("Lansdowne Primary School", "Norfolk Street, Canton, Cardiff", "CF5 1JY", False),
        ("Albany Primary School", "Albany Road, Roath, Cardiff", "CF24 3RR", False),
        ("Roath Park Primary School", "Pen-y-Wain Road, Roath, Cardiff", "CF24 4DS", False),
        ("Grangetown Primary School", "Bromsgrove Street, Grangetown, Cardiff", "CF11 7EZ", False),
        ("Ysgol Gymraeg Treganna", "Lansdowne Road, Canton, Cardiff", "CF5 1PQ", True),
        ("Ysgol y Wern", "Llangranog Road, Llanishen, Cardiff", "CF14 5BL", True),
        ("Ysgol Mynydd Bychan", "Maes-y-Coed Road, Heath, Cardiff", "CF14 4HH", True),
        ("Rhiwbeina Primary School", "Pen-y-Dre, Rhiwbina, Cardiff", "CF14 6EJ", False),
        ("Greenway Primary School", "Llanstephan Road, Rumney, Cardiff", "CF3 3JG", False),
    ),
    RCT: (
        ("Ysgol Gyfun Cwm Rhondda", "Heol Graigwen, Cymmer, Porth", "CF39 9HA", True),
        ("Porth County Community School", "Cemetery Road, Porth", "CF39 0BS", False),
        ("Tonyrefail Community School", "Gilfach Road, Tonyrefail", "CF39 8HG", False),
        ("Treorchy Comprehensive School", "Pengelli, Treorchy", "CF42 6UL", False),
        ("Y Pant Comprehensive School", "Cowbridge Road, Talbot Green, Pontyclun", "CF72 8YQ", False),
        ("Bryncelynnog Comprehensive School", "Penycoedcae Road, Beddau, Pontypridd", "CF38 2AE", False),
        ("Aberdare Community School", "Cwmdare Road, Trecynon, Aberdare", "CF44 8ST", False),
        ("Mountain Ash Comprehensive School", "Cefnpennar Road, Mountain Ash", "CF45 4DG", False),
        ("Ysgol Gyfun Rhydywaun", "Lower Road, Penywaun, Aberdare", "CF44 9ES", True),
        ("Ysgol Gyfun Garth Olwg", "Main Road, Church Village, Pontypridd", "CF38 1DX", True),
        ("Hawthorn High School", "School Lane, Rhydyfelin, Pontypridd", "CF37 5AL", False),
        ("Pontypridd High School", "Cilfynydd Road, Cilfynydd, Pontypridd", "CF37 4SF", False),
        ("Ferndale Community School", "North Road, Ferndale", "CF43 4AR", False),
        ("Tonypandy Community College", "Llewellyn Street, Penygraig, Tonypandy", "CF40 1HQ", False),
        ("Ysgol Gymraeg Llwyncelyn", "Heol Llwyncelyn, Porth", "CF39 9TL", True),
        ("Ysgol Gymraeg Bodringallt", "Ystrad Road, Ystrad, Pentre", "CF41 7QZ", True),
        ("Ysgol Gymraeg Ynyswen", "Ynyswen Road, Treorchy", "CF42 6EF", True),
        ("Ysgol Gymraeg Evan James", "Tyfica Road, Pontypridd", "CF37 2DB", True),
        ("Maerdy Community Primary School", "Ceridwen Street, Maerdy, Ferndale", "CF43 4DD", False),
        ("Trealaw Primary School", "Brithweunydd Road, Trealaw, Tonypandy", "CF40 2UH", False),
        ("Cwmbach Church in Wales Primary School", "Bridge Road, Cwmbach, Aberdare", "CF44 0LT", False),
        ("Ysgol Gymraeg Castellau", "Heol Castellau, Beddau, Pontypridd", "CF38 2AA", True),
    ),
}

# Hospital sites: (health board, address, postcode, latitude, longitude).
SITES: dict[str, tuple[str, str, str, float, float]] = {
    UHW: (CARDIFF_AND_VALE, "Heath Park, Cardiff", "CF14 4XW", 51.5070, -3.1905),
    LLANDOUGH: (CARDIFF_AND_VALE, "Penlan Road, Llandough, Penarth", "CF64 2XX", 51.4460, -3.1960),
    ROYAL_GLAMORGAN: (CWM_TAF, "Ynysmaerdy, Llantrisant, Pontyclun", "CF72 8XR", 51.5540, -3.3860),
    PRINCE_CHARLES: (CWM_TAF, "Gurnos Estate, Merthyr Tydfil", "CF47 9DT", 51.7620, -3.3780),
}
# Wards: (site, ward, cancellation notice hours or None for the co-op default).
WARDS: tuple[tuple[str, str, int | None], ...] = (
    (UHW, "Emergency Unit", None),
    (UHW, "Ward A4 Cardiology", None),
    (UHW, "Critical Care Unit", 48),
    (UHW, "Children's Ward", None),
    (UHW, "Theatres Recovery", None),
    (UHW, "Ward B7 Respiratory", None),
    (LLANDOUGH, "Ward 7 Elderly Care", None),
    (LLANDOUGH, "Ward West 1 Medical", None),
    (LLANDOUGH, "Hafan y Coed Mental Health Unit", None),
    (ROYAL_GLAMORGAN, "Emergency Department", None),
    (ROYAL_GLAMORGAN, "Ward 6 Surgical", None),
    (ROYAL_GLAMORGAN, "Intensive Care Unit", 48),
    (PRINCE_CHARLES, "Ward 4 Medical", None),
    (PRINCE_CHARLES, "Children's Ward", None),
    (PRINCE_CHARLES, "Theatres Recovery", None),
)
# Care providers: (local authority, name, address, postcode, cancellation notice hours).
CARE_PROVIDERS: tuple[tuple[str, str, str, str, int | None], ...] = (
    (CARDIFF, "Cartref Bryn Haul Care Home", "Heol Bryn Haul, Llanishen, Cardiff", "CF14 5QR", 72),
    (CARDIFF, "Gofal Cymunedol Taf Homecare", "Clarence Road, Butetown, Cardiff", "CF10 5FB", 12),
    (CARDIFF, "Llys Derwen Nursing Home", "Ty Mawr Road, Rumney, Cardiff", "CF3 3JL", None),
    (CARDIFF, "Cathays Community Homecare", "Woodville Road, Cathays, Cardiff", "CF24 4DW", None),
    (CARDIFF, "Plas Newydd Residential Home", "Cowbridge Road West, Ely, Cardiff", "CF5 5BQ", None),
    (RCT, "Tŷ Gwyn Residential Home", "Graigwen Road, Pontypridd", "CF37 2EL", None),
    (RCT, "Cwm Rhondda Domiciliary Care", "Dunraven Street, Tonypandy", "CF40 1AS", None),
    (RCT, "Cartref Aberdâr Care Home", "Gadlys Road, Aberdare", "CF44 8AE", 72),
    (RCT, "Gofal Cartref Cynon Homecare", "Oxford Street, Mountain Ash", "CF45 3HD", None),
    (RCT, "Llys Nant Dementia Care Home", "Heol-y-Sarn, Llantrisant", "CF72 8DA", None),
)

PREFERRED_NOTES = (
    "Knows the children and the routines well.",
    "Asked for again after excellent feedback.",
    "Staff find her easy to hand over to.",
    "Reliable on short notice.",
    "Speaks Welsh with the residents.",
    None,
)
DO_NOT_SEND_NOTES = (
    "Late twice in one term; the client asked not to rebook.",
    "Disagreement over a handover; the client asked for someone else.",
    "Client request after a complaint (resolved, not upheld).",
)
DAYS_OFF = (
    ("leave", "Annual leave"), ("leave", "Annual leave"), ("leave", "Family wedding"),
    ("unavailable", "Hospital appointment"), ("unavailable", "Training course"), ("unavailable", "Childcare"),
)  # fmt: skip


@dataclass
class _Demo:
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
    """Write the whole demo co-op and commit once."""
    demo = _Demo(
        session=session,
        rng=random.Random(SEED),
        today=today_local(),
        now=utcnow(),
        # Argon2 is deliberately slow: hash once and share it among all demo sign-ins.
        password_hash=hash_password(DEMO_PASSWORD),
    )
    for area, step in _steps():
        # Each area draws from its own seeded generator, so changing one area leaves the others as they were.
        demo.rng = random.Random(f"{SEED}:{area}")
        step(demo)
    session.commit()


def _steps() -> tuple[tuple[str, Callable[[_Demo], None]], ...]:
    # Later areas add their step at the end, with their own seed, so earlier areas stay as they were.
    return (
        ("staff", _load_staff),
        ("clients", _load_clients),
        ("named members", _load_named_members),
        ("members", _load_members),
        ("availability", _load_availability),
        ("client lists", _load_client_lists),
        ("sign-ins", _load_sign_ins),
        ("history", _load_history),
        ("work", _load_work),
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


# --- staff -------------------------------------------------------------------------------------


def _load_staff(demo: _Demo) -> None:
    coordinator = _add_user(demo, SIGN_INS[0].email, "Gwenllian Hughes", (Role.coordinator,))
    _add_user(demo, SIGN_INS[1].email, "Tom Bevan", (Role.admin,))
    demo.session.flush()
    demo.coordinator_id = coordinator.id


def _add_user(
    demo: _Demo,
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


# --- clients -----------------------------------------------------------------------------------


def _load_clients(demo: _Demo) -> None:
    rng = demo.rng
    clients: list[Client] = []
    for authority, schools in SCHOOLS.items():
        for name, address, postcode, welsh_medium in schools:
            clients.append(
                _client(
                    demo,
                    ClientKind.school,
                    name,
                    address,
                    postcode,
                    local_authority=authority,
                    welsh_medium=welsh_medium,
                )
            )
    for site, ward, notice in WARDS:
        board, address, postcode, latitude, longitude = SITES[site]
        clients.append(
            _client(
                demo,
                ClientKind.ward,
                ward,
                address,
                postcode,
                health_board=board,
                site=site,
                latitude=latitude,
                longitude=longitude,
                cancellation_notice_hours=notice,
            )
        )
    for authority, name, address, postcode, notice in CARE_PROVIDERS:
        clients.append(
            _client(
                demo,
                ClientKind.care_provider,
                name,
                address,
                postcode,
                local_authority=authority,
                cancellation_notice_hours=notice,
            )
        )
    for client in clients:
        # Ofcom's drama numbers: Cardiff 029 2018 0xxx; elsewhere 01632 960xxx.
        number = rng.randint(0, 999)
        in_cardiff = client.postcode.split(" ")[0] in CARDIFF_DISTRICTS
        client.phone = f"029 2018 0{number:03d}" if in_cardiff else f"01632 960{number:03d}"
    demo.session.add_all(clients)
    demo.session.flush()
    demo.clients = clients
    demo.named_clients = {
        "school@demo.coop": _find_client(clients, "Ysgol Gymraeg Pwll Coch"),
        "ward@demo.coop": _find_client(clients, "Emergency Unit", site=UHW),
        "care@demo.coop": _find_client(clients, "Cartref Bryn Haul Care Home"),
    }


def _client(demo: _Demo, kind: str, name: str, address: str, postcode: str, **fields) -> Client:
    if "latitude" not in fields:
        fields["latitude"], fields["longitude"] = _near(demo.rng, postcode, spread=0.006)
    return Client(kind=kind, name=name, address=address, postcode=postcode, created_at=demo.now, **fields)


def _find_client(clients: list[Client], name: str, *, site: str | None = None) -> Client:
    return next(c for c in clients if c.name == name and (site is None or c.site == site))


def _near(rng: random.Random, postcode: str, *, spread: float = 0.01) -> tuple[float, float]:
    latitude, longitude = DISTRICTS[postcode.split(" ")[0]]
    return (
        round(latitude + rng.uniform(-spread, spread), 5),
        round(longitude + rng.uniform(-spread, spread), 5),
    )


SITE_SLUGS = {UHW: "uhw", LLANDOUGH: "llandough", ROYAL_GLAMORGAN: "rgh", PRINCE_CHARLES: "pch"}


def _client_slug(client: Client) -> str:
    words = _ascii(f"{client.name} {SITE_SLUGS.get(client.site, '')}").lower().replace("'", "")
    return "-".join("".join(ch if ch.isalnum() else " " for ch in words).split())


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


def _load_named_members(demo: _Demo) -> None:
    """The demo sign-ins who are members: active, every credential valid well beyond the next weeks."""
    for named in NAMED_MEMBERS:
        joined = demo.today - timedelta(days=365 * named.years_in + 40)
        care_started = joined - timedelta(days=900) if named.profession == Profession.care_worker else None
        latitude, longitude = _near(demo.rng, named.postcode, spread=0.003)
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


def _load_members(demo: _Demo) -> None:
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


def _member(demo: _Demo, profession: str, *, phone: str) -> Member:
    rng = demo.rng
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    district = rng.choices([d for d, _ in HOME_DISTRICTS], weights=[w for _, w in HOME_DISTRICTS])[0]
    postcode = f"{district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    latitude, longitude = _near(rng, postcode)
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


def _member_email(demo: _Demo, name: str) -> str:
    local = ".".join("".join(ch for ch in part if ch.isalnum()) for part in _ascii(name).lower().split())
    email, n = f"{local}@{MEMBER_DOMAIN}", 1
    while email in demo.emails_taken:
        n += 1
        email = f"{local}{n}@{MEMBER_DOMAIN}"
    demo.emails_taken.add(email)
    return email


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


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


def _make_applicant(demo: _Demo, member: Member) -> None:
    applied = demo.days_ago(1, 30)
    member.status = MemberStatus.applicant
    member.joined_on = None
    member.created_at = demo.at(applied)
    member.status_changed_at = demo.at(applied)


# --- credentials -------------------------------------------------------------------------------


def _credentials(
    demo: _Demo,
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


def _credential_dates(demo: _Demo, kind: str) -> tuple[str, date, date | None]:
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


def _expire(demo: _Demo, held: list[Credential], profession: str, *, soon: bool) -> None:
    kind = (SOON_TO_EXPIRE if soon else EXPIRED)[profession]
    credential = next(c for c in held if c.kind == kind)
    credential.expires_on = demo.days_ahead(2, 28) if soon else demo.days_ago(3, 40)
    credential.verified_on = min(credential.verified_on, credential.expires_on - timedelta(days=300))


# --- availability ------------------------------------------------------------------------------

WEEKDAYS, EVERY_DAY = range(5), range(7)


def _load_availability(demo: _Demo) -> None:
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


# --- client lists ------------------------------------------------------------------------------

CLIENT_PROFESSION = {
    ClientKind.school: Profession.supply_teacher,
    ClientKind.ward: Profession.nurse,
    ClientKind.care_provider: Profession.care_worker,
}


def _load_client_lists(demo: _Demo) -> None:
    """Preferred and do-not-send members for about a third of the clients, of the right profession."""
    rng = demo.rng
    named_ids = {m.id for m in demo.named_members.values()}
    pools = {
        profession: [
            m for m in demo.members
            if m.profession == profession and m.status == MemberStatus.active and m.id not in named_ids
        ]
        for profession in CLIENT_PROFESSION.values()
    }  # fmt: skip
    entries: list[ClientMemberList] = []

    def entry(client: Client, member: Member, kind: str, note: str | None) -> None:
        entries.append(
            ClientMemberList(
                client_id=client.id,
                member_id=member.id,
                list=kind,
                note=note,
                added_at=demo.now - timedelta(days=rng.randint(1, 300)),
                added_by_user_id=demo.coordinator_id,
            )
        )

    # The named clients prefer the named members, so their sign-ins have something to show.
    entry(
        demo.named_clients["school@demo.coop"],
        demo.named_members["teacher@demo.coop"],
        ListKind.preferred,
        "Teaches through Welsh; the children know her.",
    )
    entry(
        demo.named_clients["ward@demo.coop"],
        demo.named_members["nurse@demo.coop"],
        ListKind.preferred,
        "Knows the department well.",
    )
    entry(
        demo.named_clients["care@demo.coop"],
        demo.named_members["carer@demo.coop"],
        ListKind.preferred,
        "Residents ask for him.",
    )
    named_client_ids = {c.id for c in demo.named_clients.values()}
    chosen = [c for i, c in enumerate(demo.clients) if i % 3 == 0 or c.id in named_client_ids]
    for client in chosen:
        pool = pools[CLIENT_PROFESSION[client.kind]]
        picked = rng.sample(pool, rng.randint(2, 4))
        for member in picked[:-1]:
            entry(client, member, ListKind.preferred, rng.choice(PREFERRED_NOTES))
        if rng.random() < 0.5:
            entry(client, picked[-1], ListKind.do_not_send, rng.choice(DO_NOT_SEND_NOTES))
    demo.session.add_all(entries)


# --- sign-ins ----------------------------------------------------------------------------------


def _load_sign_ins(demo: _Demo) -> None:
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
        email = named_client_ids.get(client.id) or f"contact.{_client_slug(client)}@{CLIENT_DOMAIN}"
        client.email = email
        if client.id not in named_client_ids:
            _add_user(demo, email, _contact_name(rng), (Role.client,), client_id=client.id)
    demo.session.flush()


def _contact_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


# --- history -----------------------------------------------------------------------------------


def _load_history(demo: _Demo) -> None:
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


# --- the co-op's daily work ----------------------------------------------------------------------
#
# Six weeks of worked shifts, the last few days' timesheets, and three weeks of cover still to come.
# Every booking is checked with the one rule set (coop.shifts.eligibility) against what the member
# already holds, exactly as book_shift would, before it is written.

HISTORY_DAYS = 42  # worked and approved, from this many days ago up to RECENT_DAYS ago
RECENT_DAYS = 3  # the days still being settled: timesheets submitted, queried or not yet in
AHEAD_DAYS = 21  # open and booked cover from tomorrow

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
    demo: _Demo
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


def _load_work(demo: _Demo) -> None:
    """Shift requests, bookings, timesheets and cancellations around today, all within the rules."""
    session = demo.session
    session.flush()
    policy = get_policy()
    active = list(session.exec(select(Member).where(Member.status == MemberStatus.active).order_by(Member.id)).all())
    window_from = at_local(demo.today - timedelta(days=HISTORY_DAYS + 2), time(0, 0))
    window_to = at_local(demo.today + timedelta(days=AHEAD_DAYS + 2), time(0, 0))
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
    _plan_named_work(work)
    _plan_history(work)
    _plan_recent(work)
    _plan_ahead(work)
    _plan_cancellations(work)
    _write_work(work)


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
    role = CLIENT_PROFESSION[client.kind]
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


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p for p, _ in weighted], weights=[w for _, w in weighted])[0]


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


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


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
    treganna = _find_client(demo.clients, "Ysgol Gymraeg Treganna")
    _book_one(work, _plan(work, treganna, "full_day", before, notes="Covering a PPA day."), teacher, "worked")

    # Booked to come.
    ahead = _weekdays_after(today, 8)
    _book_one(work, _plan(work, ward, "early", today + timedelta(days=4)), nurse, "booked")
    west1 = _find_client(demo.clients, "Ward West 1 Medical")
    _book_one(work, _plan(work, west1, "late", today + timedelta(days=9)), nurse, "booked")
    _book_one(work, _plan(work, school, "full_day", ahead[2], preferred=(teacher,)), teacher, "booked")
    _book_one(work, _plan(work, treganna, "am", ahead[6]), teacher, "booked")
    _book_one(work, _plan(work, care, "day", today + timedelta(days=5), preferred=(carer,)), carer, "booked")
    cathays = _find_client(demo.clients, "Cathays Community Homecare")
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
                pattern = _pick(rng, SCHOOL_PATTERNS)
                planned.append(
                    _plan(
                        work, school, pattern, day, skills=_school_skills(rng, school), notes=rng.choice(SCHOOL_NOTES)
                    )
                )
        for ward in rng.sample(wards, 3):
            planned.append(_plan(work, ward, _pick(rng, WARD_PATTERNS), day, **_ward_request_terms(rng, ward)))
        for provider in rng.sample(care, 2):
            planned.append(_plan(work, provider, _pick(rng, CARE_PATTERNS), day, notes=rng.choice(CARE_NOTES)))
        for request in planned:
            if not _fill(work, request.shifts[0], "completed"):
                work.requests.remove(request)  # nobody worked it: it is not part of the history


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
    monday = _next_monday(today)
    next_week = (monday, monday + timedelta(days=6))
    schools = [c for c in demo.clients if c.kind == ClientKind.school]
    wards = [c for c in demo.clients if c.kind == ClientKind.ward]
    care = [c for c in demo.clients if c.kind == ClientKind.care_provider]
    find = partial(_find_client, demo.clients)
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
                pattern = _pick(rng, SCHOOL_PATTERNS)
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
                    _pick(rng, WARD_PATTERNS),
                    day,
                    headcount=headcount,
                    notes=rng.choice(WARD_NOTES),
                    **terms,
                )
            )
        for provider in rng.sample(care, 2 if offset % 2 else 3):
            pattern = _pick(rng, CARE_PATTERNS)
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
        ward = _find_client(demo.clients, "Ward B7 Respiratory")
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


def _request_status(statuses: set[str]) -> str:
    """As coop.shifts.service.sync_request_status decides it."""
    if "open" in statuses:
        return "open"
    if "booked" in statuses:
        return "booked"
    return "cancelled" if statuses == {"cancelled"} else "completed"


def _insert(session: Session, table, rows: list[dict]) -> list[int]:
    """Insert the rows and return their new ids, in the rows' order."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.connection().execute(statement, rows).scalars().all())


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
    request_ids = _insert(
        session,
        ShiftRequest.__table__,
        [
            {
                "client_id": r.client.id, "role": r.role, "pattern": r.pattern, "min_grade": r.min_grade,
                "skills": list(r.skills), "welsh_medium": r.welsh_medium,
                "preferred_member_ids": r.preferred_member_ids, "headcount": r.headcount,
                "repeat_days": r.repeat_days, "notes": r.notes,
                "status": _request_status({SHIFT_STATUS[s.fate] for s in r.shifts}),
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
    shift_ids = _insert(
        session,
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
    booking_ids = _insert(session, Booking.__table__, bookings)
    sheets, charges = [], []
    for (p, shift_id), booking, booking_id in zip(booked, bookings, booking_ids, strict=True):
        member_user = work.user_of_member[p.member_id]
        by = booking["booked_by_user_id"]
        events.add(booking["booked_at"], by, "booking", booking_id, "booked", to_state="booked",
                   data={"shift_id": shift_id, "member_id": p.member_id, "on_behalf": by != member_user})  # fmt: skip
        events.add(booking["booked_at"], by, "shift", shift_id, "booked", from_state="open", to_state="booked")
        at, who = booking["cancelled_at"], booking["cancelled_by_user_id"]
        if p.fate == "client_cancelled":
            charge = _late_charge(work, p, shift_id, booking_id, at)
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
    _insert(session, CancellationCharge.__table__, charges)
    sheet_ids = _insert(session, Timesheet.__table__, sheets)
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


def _late_charge(work: _Work, planned: _PlannedShift, shift_id: int, booking_id: int, at: datetime) -> dict | None:
    """RULES §0.7: cancelled inside the notice period, the client pays the lesser of the booked time and 4 h."""
    policy, f = work.policy, planned.facts
    client = planned.request.client
    notice = (
        policy.client_notice_hours if client.cancellation_notice_hours is None else client.cancellation_notice_hours
    )
    if at <= f.starts_at - timedelta(hours=notice):
        return None
    return {
        "shift_id": shift_id,
        "client_id": f.client_id,
        "booking_id": booking_id,
        "charge_minutes": min(elapsed_minutes(f.starts_at, f.ends_at), policy.late_cancel_charge_hours * 60),
        "basis": f"lesser_of_booked_and_{policy.late_cancel_charge_hours}h",
        "notice_hours_given": max(0, int((f.starts_at - at) / timedelta(hours=1))),
        "created_at": at,
    }
