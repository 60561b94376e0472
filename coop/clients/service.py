"""Client registry use-cases: organisations, their contacts, and their preferred / do-not-send lists."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from coop import history
from coop.access import OVERSIGHT, STAFF, Actor, require_client_access, require_role
from coop.auth import service as auth_service
from coop.auth.models import User
from coop.clients.models import Client, ClientMemberList
from coop.clients.schemas import (
    CONTACT_EDITABLE,
    ClientCreate,
    ClientUpdate,
    ContactCreate,
    ListEntryPublic,
    check_parent_body,
)
from coop.clock import utcnow
from coop.db import required_columns_sent_empty
from coop.enums import ListKind, Role
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.geo import locate
from coop.members.models import Member

LIST_NAMES = {ListKind.preferred: "preferred members", ListKind.do_not_send: "do-not-send list"}


def get_client(session: Session, actor: Actor, client_id: int) -> Client:
    require_client_access(actor, client_id)
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"No client {client_id}.")
    return client


def create_client(session: Session, actor: Actor, data: ClientCreate) -> Client:
    require_role(actor, *STAFF)
    values = data.model_dump()
    if values["latitude"] is None or values["longitude"] is None:
        values["latitude"], values["longitude"] = locate(data.postcode) or (None, None)
    client = Client(**values, created_at=utcnow())
    session.add(client)
    session.flush()
    history.record(session, actor_user_id=actor.user_id, entity="client", entity_id=client.id, action="created")
    session.commit()
    return client


def list_clients(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Client], int]:
    """Coordinators and the board see every client; a contact sees only their own organisation."""
    query = select(Client)
    if not actor.roles & OVERSIGHT:
        if not actor.has(Role.client):
            raise PermissionDenied("Only coordinators, the board and client contacts see clients.")
        query = query.where(Client.id == actor.client_id)
    if kind:
        query = query.where(Client.kind == kind)
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Client.name).like(pattern),
                func.lower(Client.local_authority).like(pattern),
                func.lower(Client.health_board).like(pattern),
                func.lower(Client.site).like(pattern),
            )
        )
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Client.name, Client.id).offset(offset).limit(limit)).all()
    return list(rows), count


def update_client(session: Session, actor: Actor, client_id: int, data: ClientUpdate) -> Client:
    require_client_access(actor, client_id, oversight=False)
    client = get_client(session, actor, client_id)
    changes = data.model_dump(exclude_unset=True)
    if not actor.is_staff:
        refused = sorted(set(changes) - CONTACT_EDITABLE)
        if refused:
            raise PermissionDenied(f"Only a coordinator may change: {', '.join(refused)}.")
    if (required := required_columns_sent_empty(Client, changes)) is not None:
        raise InvalidInput(f"{required} cannot be empty.", field=required)
    merged = {f: changes.get(f, getattr(client, f)) for f in ("local_authority", "health_board", "site")}
    try:
        check_parent_body(client.kind, **merged)
    except ValueError as error:
        raise InvalidInput(str(error), field="local_authority") from error
    if "postcode" in changes and not ({"latitude", "longitude"} & set(changes)):
        changes["latitude"], changes["longitude"] = locate(changes["postcode"]) or (None, None)
    for field, value in changes.items():
        setattr(client, field, value)
    session.add(client)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="client",
        entity_id=client_id,
        action="updated",
        data={"fields": sorted(changes)},
    )
    session.commit()
    return client


# Contacts ---------------------------------------------------------------------------------------


def list_contacts(session: Session, actor: Actor, client_id: int) -> list[User]:
    get_client(session, actor, client_id)
    return list(session.exec(select(User).where(User.client_id == client_id).order_by(User.name)).all())


def add_contact(session: Session, actor: Actor, client_id: int, data: ContactCreate) -> User:
    require_role(actor, *STAFF)
    get_client(session, actor, client_id)
    user = auth_service.add_user(
        session, email=data.email, name=data.name, password=data.password, roles={Role.client}, client_id=client_id
    )
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="client",
        entity_id=client_id,
        action="contact_added",
        data={"user_id": user.id},
    )
    session.commit()
    return user


# Preferred and do-not-send lists -----------------------------------------------------------------


def _check_list_access(actor: Actor, client_id: int, *, write: bool) -> None:
    # Contacts manage their own lists; coordinators manage everyone's; the board may read.
    require_client_access(actor, client_id, oversight=not write)


def list_entries(session: Session, actor: Actor, client_id: int, kind: str) -> list[ListEntryPublic]:
    _check_list_access(actor, client_id, write=False)
    get_client(session, actor, client_id)
    rows = session.exec(
        select(ClientMemberList, Member)
        .join(Member, Member.id == ClientMemberList.member_id)
        .where(ClientMemberList.client_id == client_id, ClientMemberList.list == kind)
        .order_by(Member.name)
    ).all()
    return [
        ListEntryPublic(member_id=m.id, name=m.name, profession=m.profession, note=e.note, added_at=e.added_at)
        for e, m in rows
    ]


def add_to_list(
    session: Session, actor: Actor, client_id: int, kind: str, member_id: int, note: str | None = None
) -> ListEntryPublic:
    _check_list_access(actor, client_id, write=True)
    get_client(session, actor, client_id)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"No member {member_id}.")
    existing = session.exec(
        select(ClientMemberList).where(ClientMemberList.client_id == client_id, ClientMemberList.member_id == member_id)
    ).first()
    if existing is not None:
        raise Conflict(f"{member.name} is already on this client's {LIST_NAMES[existing.list]}.", code="already_listed")
    entry = ClientMemberList(
        client_id=client_id,
        member_id=member_id,
        list=kind,
        note=note,
        added_at=utcnow(),
        added_by_user_id=actor.user_id,
    )
    session.add(entry)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="client",
        entity_id=client_id,
        action=f"{kind}_added",
        data={"member_id": member_id},
    )
    session.commit()
    return ListEntryPublic(
        member_id=member.id, name=member.name, profession=member.profession, note=note, added_at=entry.added_at
    )


def remove_from_list(session: Session, actor: Actor, client_id: int, kind: str, member_id: int) -> None:
    _check_list_access(actor, client_id, write=True)
    get_client(session, actor, client_id)
    entry = session.exec(
        select(ClientMemberList).where(
            ClientMemberList.client_id == client_id,
            ClientMemberList.member_id == member_id,
            ClientMemberList.list == kind,
        )
    ).first()
    if entry is None:
        raise NotFound(f"Member {member_id} is not on this client's {LIST_NAMES[kind]}.")
    session.delete(entry)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="client",
        entity_id=client_id,
        action=f"{kind}_removed",
        data={"member_id": member_id},
    )
    session.commit()


def lists_for(session: Session, client_ids: list[int]) -> dict[int, dict[str, set[int]]]:
    """Each client's preferred and do-not-send member ids, for eligibility and rostering."""
    found: dict[int, dict[str, set[int]]] = {cid: {k.value: set() for k in ListKind} for cid in client_ids}
    if client_ids:
        rows = session.exec(select(ClientMemberList).where(col(ClientMemberList.client_id).in_(client_ids))).all()
        for row in rows:
            found[row.client_id][row.list].add(row.member_id)
    return found


# Candidates for a client's lists -----------------------------------------------------------------


def profession_for(kind: str) -> str:
    """The profession a kind of client books: schools supply teachers, wards nurses, care providers carers."""
    from coop.enums import ClientKind, Profession

    return {
        ClientKind.school: Profession.supply_teacher,
        ClientKind.ward: Profession.nurse,
        ClientKind.care_provider: Profession.care_worker,
    }[kind]


def list_candidates(session: Session, actor: Actor, client_id: int) -> list[tuple[int, str]]:
    """Who may be put on this client's lists: active members of its profession, as (id, name) only."""
    from coop.enums import MemberStatus

    _check_list_access(actor, client_id, write=True)
    client = get_client(session, actor, client_id)
    rows = session.exec(
        select(Member.id, Member.name)
        .where(Member.status == MemberStatus.active, Member.profession == profession_for(client.kind))
        .order_by(Member.name, Member.id)
    ).all()
    return [(member_id, name) for member_id, name in rows]
