"""The navigation, per role, in one place. Later areas add an entry here when their page exists.

An entry is (path, label msgid). The header shows the entries of every area the signed-in person
has a role in, in the order of AREAS. Never add an entry before its page works: no dead links.
"""

from __future__ import annotations

from dataclasses import dataclass

from coop.access import Actor
from coop.enums import Role
from web.i18n import N_


@dataclass(frozen=True)
class NavEntry:
    path: str
    label: str  # an English msgid

    def current(self, request_path: str) -> bool:
        """The entry for this page, or for a page below it (an area's home matches only itself)."""
        if request_path == self.path:
            return True
        return self.path.count("/") > 1 and request_path.startswith(self.path + "/")


@dataclass(frozen=True)
class Area:
    roles: frozenset[str]
    home: str
    title: str
    entries: tuple[NavEntry, ...]


# Planned, not yet built (add when the page exists): member Shifts, My shifts, Timesheets, Pay, Dividend,
# Votes; client Request cover, Requests, Timesheets, Invoices; coordinator Unfilled shifts, Rosters, Money,
# Year close.
AREAS: tuple[Area, ...] = (
    Area(
        roles=frozenset({Role.coordinator, Role.admin}),
        home="/coordinator",
        title=N_("Coordinator"),
        entries=(
            NavEntry("/coordinator", N_("Home")),
            NavEntry("/coordinator/members", N_("Members")),
            NavEntry("/coordinator/clients", N_("Clients")),
            NavEntry("/coordinator/expiring-credentials", N_("Expiring credentials")),
            NavEntry("/coordinator/shifts", N_("Unfilled shifts")),
            NavEntry("/coordinator/rosters", N_("Rosters")),
            NavEntry("/coordinator/timesheets", N_("Timesheets")),
            NavEntry("/coordinator/pay-runs", N_("Pay runs")),
            NavEntry("/coordinator/invoicing", N_("Invoicing")),
            NavEntry("/coordinator/invoices", N_("Invoices")),
            NavEntry("/coordinator/ledger", N_("Money")),
            NavEntry("/coordinator/rate-cards", N_("Rate cards")),
            NavEntry("/coordinator/payments", N_("Payments")),
            NavEntry("/coordinator/debtors", N_("Debtors")),
        ),
    ),
    Area(
        roles=frozenset({Role.board}),
        home="/board",
        title=N_("Board"),
        entries=(NavEntry("/board", N_("Member register")), NavEntry("/coordinator/ledger", N_("Money"))),
    ),
    Area(
        roles=frozenset({Role.client}),
        home="/client",
        title=N_("Client"),
        entries=(
            NavEntry("/client", N_("Home")),
            NavEntry("/client/cover", N_("Request cover")),
            NavEntry("/client/requests", N_("Requests")),
            NavEntry("/client/timesheets", N_("Timesheets")),
            NavEntry("/client/preferred", N_("Preferred members")),
            NavEntry("/client/do-not-send", N_("Do-not-send list")),
            NavEntry("/client/invoices", N_("Invoices")),
        ),
    ),
    Area(
        roles=frozenset({Role.member}),
        home="/member",
        title=N_("Member"),
        entries=(
            NavEntry("/member", N_("Home")),
            NavEntry("/member/shifts", N_("Shifts")),
            NavEntry("/member/my-shifts", N_("My shifts")),
            NavEntry("/member/availability", N_("Availability")),
            NavEntry("/member/credentials", N_("Credentials")),
            NavEntry("/member/profile", N_("Profile")),
            NavEntry("/member/pay", N_("My pay")),
        ),
    ),
)


def areas_for(actor: Actor | None) -> list[Area]:
    if actor is None:
        return []
    return [area for area in AREAS if actor.roles & area.roles]


def home_for(actor: Actor) -> str:
    """Each role lands on its own home page; someone with several lands on the first in AREAS."""
    areas = areas_for(actor)
    return areas[0].home if areas else "/sign-in"
