"""Engine and sessions, the constraint naming convention, and the aware UTC column type."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """An instant: refuses naive datetimes, stores UTC, always reads back aware UTC.

    SQLite keeps no offset, so the value is normalised to UTC on the way in and tagged on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: every instant must carry its offset")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def make_engine(url: str, *, sqlite_immediate: bool = True, **kwargs) -> Engine:
    """An engine for the app. On SQLite every transaction takes the write lock when it begins
    (BEGIN IMMEDIATE): a transaction that read and then writes would otherwise fail at once if another
    connection wrote in between, and the busy timeout cannot help it. `sqlite_immediate=False` is for
    observers (tests, reports) that only read while others write."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Let SQLAlchemy issue BEGIN itself (pysqlite's own transaction handling is unreliable).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        begin = "BEGIN IMMEDIATE" if sqlite_immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql(begin)

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


_readers: dict[str, Engine] = {}


def reader(engine: Engine) -> Engine:
    """An engine for reads made beside another transaction (an error page, a roster's build): on SQLite it
    begins deferred, so it neither waits for nor holds the write lock; elsewhere it is the engine itself."""
    if engine.dialect.name != "sqlite":
        return engine
    url = engine.url.render_as_string(hide_password=False)
    if url not in _readers:
        _readers[url] = make_engine(url, sqlite_immediate=False)
    return _readers[url]


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def required_columns_sent_empty(table: type[SQLModel], changes: dict) -> str | None:
    """The first field of a partial update that sends null for a column the table requires, or None.

    An update sends only what changes; a null for a NOT NULL column is bad input (422), never a database
    refusal (which would read as a conflict). The table's own nullability decides, so no list can drift.
    """
    columns = table.__table__.columns
    return next((f for f, v in changes.items() if v is None and f in columns and not columns[f].nullable), None)
