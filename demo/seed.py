"""Seeding helpers shared by the demo co-op and the benchmarks' generated co-ops (bench/regional.py,
bench/candidates.py): seeded random generators, a password hashed once, rows written in bulk, places near a
postcode district, weighted choices, and the rows both benchmarks write the same way.

Generated co-ops are data, not workflows: rows go straight in with multi-row INSERTs in one transaction,
because building them as ORM objects or through the use-cases would take most of the load time.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from coop.auth.models import User, UserRole
from coop.auth.security import hash_password
from coop.clients.service import profession_for
from coop.enums import ClientKind, CredentialKind, Profession
from coop.geo import DISTRICTS
from coop.members.rules import DBS_WORKFORCE

PROFESSIONS = (Profession.supply_teacher, Profession.nurse, Profession.care_worker)
# The kind of client each profession works for (the inverse of coop.clients.service.profession_for).
KIND_OF = {profession_for(kind): kind for kind in (ClientKind.school, ClientKind.ward, ClientKind.care_provider)}


def seeded(seed: int, area: str | None = None) -> random.Random:
    """A deterministic generator; with ``area`` one of its own, so changing one area leaves the others as they were."""
    return random.Random(seed if area is None else f"{seed}:{area}")


@lru_cache
def password_hash(password: str) -> str:
    """Argon2 is deliberately slow: hash a seeded co-op's one password once and share it among its sign-ins."""
    return hash_password(password)


def insert_rows(connection: Connection, table, rows: list[dict]) -> list[int]:
    """Insert the rows and return their new ids, in the rows' order."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.execute(statement, rows).scalars().all())


def near(rng: random.Random, postcode: str, *, spread: float) -> tuple[float, float]:
    """A place within ``spread`` degrees of a postcode's district (a full postcode or the district alone)."""
    latitude, longitude = DISTRICTS[postcode.split(" ")[0]]
    return (
        round(latitude + rng.uniform(-spread, spread), 5),
        round(longitude + rng.uniform(-spread, spread), 5),
    )


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    """One of the weighted choices ``((choice, weight), ...)``."""
    return rng.choices([p for p, _ in weighted], weights=[w for _, w in weighted])[0]


def next_monday(today: date) -> date:
    """The Monday of next week (never today): the week a coordinator rosters ahead."""
    return today + timedelta(days=7 - today.weekday())


def staff_user(connection: Connection, *, email: str, name: str, role: str, now: datetime) -> int:
    """A sign-in with no password (the benchmarks sign in with tokens) holding one role; returns its id."""
    user_id = insert_rows(
        connection,
        User.__table__,
        [{"email": email, "name": name, "password_hash": None, "language": "en", "is_active": True,
          "created_at": now}],
    )[0]  # fmt: skip
    connection.execute(insert(UserRole.__table__), [{"user_id": user_id, "role": role}])
    return user_id


def credential_row(
    *,
    member_id: int,
    profession: str,
    kind: str,
    verified_on: date,
    expires_on: date | None,
    verified_by_user_id: int,
    now: datetime,
) -> dict:
    """A verified credential's row; an enhanced DBS check is for the profession's workforce (RULES §0.10)."""
    return {
        "member_id": member_id,
        "kind": kind,
        "reference": f"REF{member_id}{kind}",
        "verified_on": verified_on,
        "verified_by_user_id": verified_by_user_id,
        "expires_on": expires_on,
        "dbs_workforce": DBS_WORKFORCE[profession] if kind == CredentialKind.dbs_enhanced else None,
        "dbs_update_service": False,
        "created_at": now,
    }
