"""Sign-ins: a user has one or more roles and may be a member or a contact of one client."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from coop.db import UTCDateTime


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=200)
    member_id: int | None = Field(default=None, foreign_key="member.id", unique=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    language: str = Field(default="en", max_length=2)
    is_active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    role: str = Field(max_length=20, primary_key=True)
