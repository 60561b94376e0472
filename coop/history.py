"""The append-only history of every change of state: who, when, from what to what.

Rows are only ever inserted; nothing in the code updates or deletes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, and_, or_
from sqlmodel import Field, Session, SQLModel, select

from coop.clock import utcnow
from coop.db import UTCDateTime


class HistoryEvent(SQLModel, table=True):
    __tablename__ = "history_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    entity: str = Field(max_length=40, index=True)
    entity_id: int = Field(index=True)
    action: str = Field(max_length=40)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str | None = Field(default=None, max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


def record(
    session: Session,
    *,
    actor_user_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    from_state: str | None = None,
    to_state: str | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> HistoryEvent:
    event = HistoryEvent(
        at=at or utcnow(),
        actor_user_id=actor_user_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
    )
    session.add(event)
    return event


def events_for(session: Session, pairs: list[tuple[str, int]]) -> list[HistoryEvent]:
    """Every event of these (entity, id) pairs, oldest first."""
    if not pairs:
        return []
    condition = or_(
        *(and_(HistoryEvent.entity == entity, HistoryEvent.entity_id == entity_id) for entity, entity_id in pairs)
    )
    return list(session.exec(select(HistoryEvent).where(condition).order_by(HistoryEvent.at, HistoryEvent.id)).all())
