"""What the client registry takes in and gives out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coop.enums import ClientKind
from coop.geo import normalise_postcode
from coop.inputs import Email, Id, Name, Note, Phone, Postcode, text

Body = text(100)  # a local authority, health board or site
# The language the client's invoices are written in, and how often it is invoiced (coop.billing.rules).
InvoiceLanguage = Literal["en", "cy"]
InvoiceFrequency = Literal["weekly", "monthly"]


def _clean_postcode(postcode: str | None) -> str | None:
    return normalise_postcode(postcode) if postcode else None


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ClientKind
    name: Name
    local_authority: Body | None = None
    health_board: Body | None = None
    site: Body | None = None
    address: text(300) | None = None
    postcode: Postcode | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    welsh_medium: bool = False
    phone: Phone | None = None
    email: Email | None = None
    cancellation_notice_hours: int | None = Field(default=None, ge=0, le=168)
    language: InvoiceLanguage = "en"
    invoice_frequency: InvoiceFrequency = "monthly"

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

    name: Name | None = None
    local_authority: Body | None = None
    health_board: Body | None = None
    site: Body | None = None
    address: text(300) | None = None
    postcode: Postcode | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    welsh_medium: bool | None = None
    phone: Phone | None = None
    email: Email | None = None
    cancellation_notice_hours: int | None = Field(default=None, ge=0, le=168)
    language: InvoiceLanguage | None = None
    invoice_frequency: InvoiceFrequency | None = None

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
    language: str
    invoice_frequency: str


class ClientsPublic(BaseModel):
    data: list[ClientPublic]
    count: int


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    password: text(200, min_length=8) | None = None


class ContactPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    client_id: int | None


class ListEntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: Id
    note: Note | None = None


class ListEntryPublic(BaseModel):
    member_id: int
    name: str
    profession: str
    note: str | None
    added_at: datetime
