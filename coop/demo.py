"""The demo co-op: a realistic, deterministic South Wales co-operative to try the platform with.

`load_if_empty` fills a freshly migrated database in one transaction: about 160 worker members
(supply teachers, nurses, care workers) with their credentials and availability, the schools, wards
and care providers they work for, the clients' preferred and do-not-send lists, and a sign-in for
everyone. Every demo sign-in uses the password `DEMO_PASSWORD`.

The content comes from `random.Random(SEED)`, so two loads give the same people and places; dates
are relative to today, so some credentials are always about to expire whenever the demo is loaded.
Rows are written straight through the ORM (not the use-cases): the demo is data, not a workflow,
and must load in a couple of seconds.

`load` is a list of small `_load_<area>` steps sharing one `_Demo`; later areas (shift requests,
bookings, timesheets) add their own step at the end of `load`.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from coop.auth.models import User, UserRole
from coop.auth.security import hash_password
from coop.clients.models import Client, ClientMemberList
from coop.clock import at_local, today_local, utcnow
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
    # Later areas (shift requests, bookings, timesheets) add their step at the end.
    return (
        ("staff", _load_staff),
        ("clients", _load_clients),
        ("named members", _load_named_members),
        ("members", _load_members),
        ("availability", _load_availability),
        ("client lists", _load_client_lists),
        ("sign-ins", _load_sign_ins),
        ("history", _load_history),
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
