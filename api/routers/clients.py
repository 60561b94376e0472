"""Clients: schools, wards and care providers, their contacts and their member lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.openapi import errors
from coop.clients import service as client_service
from coop.clients.schemas import (
    ClientCreate,
    ClientPublic,
    ClientsPublic,
    ClientUpdate,
    ContactCreate,
    ContactPublic,
    ListEntryCreate,
    ListEntryPublic,
)
from coop.enums import ClientKind, ListKind
from coop.inputs import Id, Offset, Search
from coop.shifts import service as shift_service
from coop.shifts.schemas import Patterns
from edge.deps import CurrentActor, SessionDep

router = APIRouter(prefix="/clients", tags=["clients"])


@router.get("", response_model=ClientsPublic)
def list_clients(
    actor: CurrentActor,
    session: SessionDep,
    kind: ClientKind | None = None,
    q: Search | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
):
    rows, count = client_service.list_clients(session, actor, kind=kind, q=q, limit=limit, offset=offset)
    return ClientsPublic(data=[ClientPublic.model_validate(c) for c in rows], count=count)


@router.post("", response_model=ClientPublic, status_code=201)
def create_client(data: ClientCreate, actor: CurrentActor, session: SessionDep):
    return client_service.create_client(session, actor, data)


@router.get("/{client_id}", response_model=ClientPublic)
def read_client(client_id: Id, actor: CurrentActor, session: SessionDep):
    return client_service.get_client(session, actor, client_id)


@router.patch("/{client_id}", response_model=ClientPublic)
def update_client(client_id: Id, data: ClientUpdate, actor: CurrentActor, session: SessionDep):
    return client_service.update_client(session, actor, client_id, data)


@router.get("/{client_id}/contacts", response_model=list[ContactPublic])
def list_contacts(client_id: Id, actor: CurrentActor, session: SessionDep):
    return client_service.list_contacts(session, actor, client_id)


@router.post("/{client_id}/contacts", response_model=ContactPublic, status_code=201, responses=errors(409))
def add_contact(client_id: Id, data: ContactCreate, actor: CurrentActor, session: SessionDep):
    return client_service.add_contact(session, actor, client_id, data)


@router.get("/{client_id}/shift-patterns", response_model=Patterns)
def read_shift_patterns(client_id: Id, actor: CurrentActor, session: SessionDep):
    """The client's named shifts and their local times: the co-op's defaults until the client sets its own."""
    return Patterns(patterns=shift_service.get_patterns(session, actor, client_id))


@router.put("/{client_id}/shift-patterns", response_model=Patterns)
def set_shift_patterns(client_id: Id, data: Patterns, actor: CurrentActor, session: SessionDep):
    """Replace the client's patterns (its contacts or a coordinator); shifts already requested keep their times."""
    return Patterns(patterns=shift_service.set_patterns(session, actor, client_id, data.patterns))


def _list_routes(path: str, kind: ListKind) -> None:
    @router.get(f"/{{client_id}}/{path}", response_model=list[ListEntryPublic], name=f"list_{kind.value}")
    def read_list(client_id: Id, actor: CurrentActor, session: SessionDep):
        return client_service.list_entries(session, actor, client_id, kind)

    @router.post(
        f"/{{client_id}}/{path}",
        response_model=ListEntryPublic,
        status_code=201,
        name=f"add_{kind.value}",
        responses=errors(409),
    )
    def add_entry(client_id: Id, data: ListEntryCreate, actor: CurrentActor, session: SessionDep):
        return client_service.add_to_list(session, actor, client_id, kind, data.member_id, data.note)

    @router.delete(f"/{{client_id}}/{path}/{{member_id}}", status_code=204, name=f"remove_{kind.value}")
    def remove_entry(client_id: Id, member_id: Id, actor: CurrentActor, session: SessionDep):
        client_service.remove_from_list(session, actor, client_id, kind, member_id)
        return Response(status_code=204)


_list_routes("preferred-members", ListKind.preferred)
_list_routes("do-not-send", ListKind.do_not_send)
