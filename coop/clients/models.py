"""Client and the per-client member lists (preferred, do not send)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime


class Client(SQLModel, table=True):
    __tablename__ = "client"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    name: str = Field(max_length=200)
    # Schools and care providers sit within a local authority; wards within a site and a health board.
    local_authority: str | None = Field(default=None, max_length=100)
    health_board: str | None = Field(default=None, max_length=100)
    site: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(default=None, max_length=10)
    latitude: float | None = None
    longitude: float | None = None
    welsh_medium: bool = False
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    # Hours of notice a cancellation needs before it is charged (RULES §0.7); None = the co-op default.
    cancellation_notice_hours: int | None = None
    # The language its invoices are written in (en or cy), and how often it is invoiced (weekly or monthly).
    language: str = Field(default="en", max_length=2)
    invoice_frequency: str = Field(default="monthly", max_length=10)
    # Days after an invoice is issued that it falls due (aged debtors); None = the co-op default (coop.policy).
    payment_terms_days: int | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ClientMemberList(SQLModel, table=True):
    """A member on one of a client's lists; a member is on at most one list per client."""

    __tablename__ = "client_member_list"
    __table_args__ = (UniqueConstraint("client_id", "member_id", name="uq_client_member_list_pair"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    list: str = Field(max_length=12)
    note: str | None = Field(default=None, max_length=300)
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    added_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
