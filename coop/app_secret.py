"""The application's signing secret (bearer tokens, the web session cookie and its CSRF token).

It is the one configured in COOP_SECRET_KEY, or else one made at random on first start and kept in the
database (a one-row table), so that every process sharing the database (each server worker, each
`coop worker` on any machine) signs and checks with the same secret, restart after restart. A secret
anyone can read (the development value once written in the source) or one too short to resist guessing
is refused: whoever knows the secret can sign a token for any user, a coordinator included.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from coop.clock import utcnow
from coop.db import UTCDateTime

# HS256 wants a key at least as long as its 256-bit hash.
MIN_SECRET_BYTES = 32
# Published in this project's source before the secret was made per installation: never accepted again.
KNOWN_DEVELOPMENT_SECRETS = frozenset({"dev-only-secret-change-me-for-production-0123456789"})
_ROW = 1


class UnsafeSecret(RuntimeError):
    """The app must not start: its secret is public, too short, or cannot be kept."""


class AppSecret(SQLModel, table=True):
    """The installation's own secret: one row, made on first start unless COOP_SECRET_KEY is set."""

    __tablename__ = "app_secret"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: int = Field(default=_ROW, primary_key=True)
    value: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


def check_configured(secret: str) -> None:
    """Refuse a configured secret that anyone could know or guess."""
    if secret in KNOWN_DEVELOPMENT_SECRETS:
        raise UnsafeSecret(
            "COOP_SECRET_KEY is the development value published in the source: anyone could sign in as "
            "anyone. Unset it (a random secret is then made and kept in the database) or set your own."
        )
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise UnsafeSecret(
            f"COOP_SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes: use a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))') or unset it."
        )


def new_secret() -> str:
    """384 random bits, URL-safe."""
    return secrets.token_urlsafe(48)


def resolve_secret(engine: Engine, configured: str = "") -> str:
    """The secret to sign with: the configured one (checked), else the database's, made if absent."""
    if configured:
        check_configured(configured)
        return configured
    _require_table(engine)
    with Session(engine) as session:
        # Insert-if-absent, then read: of two processes starting at once, the first insert wins and
        # both read the same row.
        _write(session, new_secret(), replace=False)
        session.commit()
        return session.execute(select(AppSecret.value).where(AppSecret.id == _ROW)).scalar_one()


def rotate_secret(engine: Engine) -> None:
    """Replace the database's secret with a new random one: every token and web session signed before is void."""
    _require_table(engine)
    with Session(engine) as session:
        _write(session, new_secret(), replace=True)
        session.commit()


def _require_table(engine: Engine) -> None:
    if not inspect(engine).has_table(AppSecret.__tablename__):
        raise UnsafeSecret("The database has no app_secret table yet: run `coop migrate` first.")


def _write(session: Session, value: str, *, replace: bool) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(AppSecret).values(id=_ROW, value=value, created_at=utcnow())
    if replace:
        statement = statement.on_conflict_do_update(
            index_elements=["id"], set_={"value": statement.excluded.value, "created_at": statement.excluded.created_at}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["id"])
    session.execute(statement)
