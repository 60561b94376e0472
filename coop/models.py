"""Imports every table so SQLModel.metadata is complete (Alembic and tests read it from here)."""

from coop.auth.models import User, UserRole
from coop.clients.models import Client, ClientMemberList
from coop.history import HistoryEvent
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member

__all__ = [
    "AvailabilityException",
    "AvailabilityWindow",
    "Client",
    "ClientMemberList",
    "Credential",
    "HistoryEvent",
    "Member",
    "User",
    "UserRole",
]
