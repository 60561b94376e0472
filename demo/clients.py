"""The demo co-op's clients: the schools, wards and care providers of Cardiff and Rhondda Cynon Taf, and the
members each client prefers or asks not to be sent (RULES §0.10 professions: a client's list holds only
members of the profession it books)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import TYPE_CHECKING

from coop.clients.models import Client, ClientMemberList
from coop.clients.service import profession_for
from coop.enums import ClientKind, ListKind, MemberStatus
from coop.members.models import Member
from demo.seed import PROFESSIONS, near

if TYPE_CHECKING:
    from demo.load import Demo

CARDIFF = "Cardiff"
RCT = "Rhondda Cynon Taf"
CARDIFF_AND_VALE = "Cardiff and Vale University Health Board"
CWM_TAF = "Cwm Taf Morgannwg University Health Board"
UHW = "University Hospital of Wales"
LLANDOUGH = "University Hospital Llandough"
ROYAL_GLAMORGAN = "Royal Glamorgan Hospital"
PRINCE_CHARLES = "Prince Charles Hospital"

CARDIFF_DISTRICTS = ("CF3", "CF5", "CF10", "CF11", "CF14", "CF15", "CF23", "CF24")

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


# --- clients -----------------------------------------------------------------------------------


def load_clients(demo: Demo) -> None:
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
        "school@demo.coop": find_client(clients, "Ysgol Gymraeg Pwll Coch"),
        "ward@demo.coop": find_client(clients, "Emergency Unit", site=UHW),
        "care@demo.coop": find_client(clients, "Cartref Bryn Haul Care Home"),
    }


def _client(demo: Demo, kind: str, name: str, address: str, postcode: str, **fields) -> Client:
    if "latitude" not in fields:
        fields["latitude"], fields["longitude"] = near(demo.rng, postcode, spread=0.006)
    return Client(kind=kind, name=name, address=address, postcode=postcode, created_at=demo.now, **fields)


def find_client(clients: list[Client], name: str, *, site: str | None = None) -> Client:
    return next(c for c in clients if c.name == name and (site is None or c.site == site))


SITE_SLUGS = {UHW: "uhw", LLANDOUGH: "llandough", ROYAL_GLAMORGAN: "rgh", PRINCE_CHARLES: "pch"}


def plain_ascii(text: str) -> str:
    """The text without its accents (Tŷ → Ty, Siân → Sian), for e-mail addresses."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def client_slug(client: Client) -> str:
    words = plain_ascii(f"{client.name} {SITE_SLUGS.get(client.site, '')}").lower().replace("'", "")
    return "-".join("".join(ch if ch.isalnum() else " " for ch in words).split())


# --- client lists ------------------------------------------------------------------------------


def load_client_lists(demo: Demo) -> None:
    """Preferred and do-not-send members for about a third of the clients, of the right profession."""
    rng = demo.rng
    named_ids = {m.id for m in demo.named_members.values()}
    pools = {
        profession: [
            m for m in demo.members
            if m.profession == profession and m.status == MemberStatus.active and m.id not in named_ids
        ]
        for profession in PROFESSIONS
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
        pool = pools[profession_for(client.kind)]
        picked = rng.sample(pool, rng.randint(2, 4))
        for member in picked[:-1]:
            entry(client, member, ListKind.preferred, rng.choice(PREFERRED_NOTES))
        if rng.random() < 0.5:
            entry(client, picked[-1], ListKind.do_not_send, rng.choice(DO_NOT_SEND_NOTES))
    demo.session.add_all(entries)
