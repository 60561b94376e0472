"""Members: the registry, their status, credentials and availability."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.openapi import errors
from coop.enums import MemberStatus, Profession
from coop.inputs import Id, Offset, Search, Tag
from coop.members import service as member_service
from coop.members.schemas import (
    Availability,
    CredentialCreate,
    CredentialPublic,
    MemberCreate,
    MemberPublic,
    MembersPublic,
    MemberUpdate,
    StatusChange,
)
from edge.deps import CurrentActor, SessionDep

router = APIRouter(prefix="/members", tags=["members"])


class Created(BaseModel):
    id: int


class MemberCreated(MemberPublic):
    pass


@router.get("", response_model=MembersPublic)
def list_members(
    actor: CurrentActor,
    session: SessionDep,
    profession: Profession | None = None,
    status: MemberStatus | None = None,
    q: Search | None = None,
    skill: Tag | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
):
    rows, count = member_service.list_members(
        session, actor, profession=profession, status=status, q=q, skill=skill, limit=limit, offset=offset
    )
    return MembersPublic(data=[MemberPublic.model_validate(m) for m in rows], count=count)


@router.post("", response_model=MemberCreated, status_code=201, responses=errors(409))
def register_member(data: MemberCreate, actor: CurrentActor, session: SessionDep):
    return member_service.register_member(session, actor, data)


@router.get("/{member_id}", response_model=MemberPublic)
def read_member(member_id: Id, actor: CurrentActor, session: SessionDep):
    return member_service.get_member(session, actor, member_id)


@router.patch("/{member_id}", response_model=MemberPublic, responses=errors(409))
def update_member(member_id: Id, data: MemberUpdate, actor: CurrentActor, session: SessionDep):
    return member_service.update_member(session, actor, member_id, data)


@router.post("/{member_id}/status", response_model=MemberPublic, responses=errors(409))
def change_status(member_id: Id, data: StatusChange, actor: CurrentActor, session: SessionDep):
    return member_service.change_status(session, actor, member_id, data.status, data.reason)


@router.get("/{member_id}/credentials", response_model=list[CredentialPublic])
def list_credentials(member_id: Id, actor: CurrentActor, session: SessionDep):
    return member_service.list_credentials(session, actor, member_id)


@router.post("/{member_id}/credentials", response_model=CredentialPublic, status_code=201)
def add_credential(member_id: Id, data: CredentialCreate, actor: CurrentActor, session: SessionDep):
    credential = member_service.add_credential(session, actor, member_id, data)
    return member_service.describe_credential(credential, credential.verified_on)


@router.get("/{member_id}/availability", response_model=Availability)
def read_availability(member_id: Id, actor: CurrentActor, session: SessionDep):
    return member_service.get_availability(session, actor, member_id)


@router.put("/{member_id}/availability", response_model=Availability)
def set_availability(member_id: Id, data: Availability, actor: CurrentActor, session: SessionDep):
    return member_service.set_availability(session, actor, member_id, data)
