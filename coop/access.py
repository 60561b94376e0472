"""Who is acting, and the checks every use-case makes: the role, then that the object is theirs."""

from __future__ import annotations

from dataclasses import dataclass

from coop.enums import Role
from coop.errors import PermissionDenied

STAFF = frozenset({Role.coordinator, Role.admin})
OVERSIGHT = frozenset({Role.coordinator, Role.admin, Role.board})


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    roles: frozenset[str]
    member_id: int | None = None
    client_id: int | None = None
    name: str = ""

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF)


SYSTEM = Actor(user_id=None, roles=frozenset({Role.admin}), name="system")


def require_role(actor: Actor, *roles: str) -> None:
    if not actor.has(*roles):
        raise PermissionDenied(f"This needs the role {' or '.join(sorted(roles))}.")


def require_member_access(actor: Actor, member_id: int, *, oversight: bool = True) -> None:
    """A member reaches only their own record; coordinators and admins reach all (board reads too)."""
    allowed = OVERSIGHT if oversight else STAFF
    if actor.roles & allowed:
        return
    if actor.has(Role.member) and actor.member_id == member_id:
        return
    raise PermissionDenied("You may only see or change your own member record.")


def require_client_access(actor: Actor, client_id: int, *, oversight: bool = True) -> None:
    """A client contact reaches only their own organisation."""
    allowed = OVERSIGHT if oversight else STAFF
    if actor.roles & allowed:
        return
    if actor.has(Role.client) and actor.client_id == client_id:
        return
    raise PermissionDenied("You may only see or change your own organisation's records.")
