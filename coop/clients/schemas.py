"""What the client registry takes in and gives out."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from coop.enums import ClientKind
from coop.geo import normalise_postcode


def _clean_postcode(postcode: str | None) -> str | None:
    return normalise_postcode(postcode) if postcode else None


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ClientKind
    name: str = Field(min_length=1, max_length=200)
    local_authority: str | None = Field(default=None, max_length=100)
    health_board: str | None = Field(default=None, max_length=100)
    site: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    welsh_medium: bool = False
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    cancellation_notice_hours: int | None = Field(default=None, ge=0, le=168)

    _postcode = field_validator("postcode")(_clean_postcode)

    @model_validator(mode="after")
    def _parent_body(self):
        check_parent_body(self.kind, self.local_authority, self.health_board, self.site)
        return self


def check_parent_body(kind: str, local_authority: str | None, health_board: str | None, site: str | None) -> None:
    """Schools and care providers sit in a local authority; a ward in a site of a health board."""
    if kind in (ClientKind.school, ClientKind.care_provider) and not local_authority:
        raise ValueError(f"a {kind.replace('_', ' ')} needs its local_authority")
    if kind == ClientKind.ward and not (health_board and site):
        raise ValueError("a ward needs its health_board and site")


class ClientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    local_authority: str | None = Field(default=None, max_length=100)
    health_board: str | None = Field(default=None, max_length=100)
    site: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    welsh_medium: bool | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    cancellation_notice_hours: int | None = Field(default=None, ge=0, le=168)

    _postcode = field_validator("postcode")(_clean_postcode)


# What a client's own contacts may change; the rest (name, parent body, terms) is the co-op's.
CONTACT_EDITABLE = frozenset({"address", "postcode", "latitude", "longitude", "phone", "email", "welsh_medium"})


class ClientPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    name: str
    local_authority: str | None
    health_board: str | None
    site: str | None
    address: str | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    welsh_medium: bool
    phone: str | None
    email: str | None
    cancellation_notice_hours: int | None


class ClientsPublic(BaseModel):
    data: list[ClientPublic]
    count: int


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    password: str | None = Field(default=None, min_length=8, max_length=200)


class ContactPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    client_id: int | None


class ListEntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: int
    note: str | None = Field(default=None, max_length=300)


class ListEntryPublic(BaseModel):
    member_id: int
    name: str
    profession: str
    note: str | None
    added_at: datetime
