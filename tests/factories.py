"""Builders with sane defaults, writing straight through the ORM (not the use-cases under test)."""

from __future__ import annotations

import itertools
import secrets
from datetime import date, timedelta

from sqlmodel import Session, select

from coop.auth.models import User, UserRole
from coop.auth.security import hash_password
from coop.clients.models import Client
from coop.clock import today_local, utcnow
from coop.enums import CredentialKind, Profession
from coop.members.models import Credential, Member
from coop.members.rules import DBS_WORKFORCE, REQUIRED_CREDENTIALS

PASSWORD = "correct-horse-battery"
_HASH: list[str] = []
_n = itertools.count(1)


def password_hash() -> str:
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def make_user(session: Session, *, roles: set[str], email: str | None = None, name: str = "Test User", **kw) -> User:
    user = User(
        email=email or f"user{next(_n)}@tests.coop",
        name=name,
        password_hash=password_hash(),
        created_at=utcnow(),
        **kw,
    )
    session.add(user)
    session.flush()
    for role in roles:
        session.add(UserRole(user_id=user.id, role=role))
    session.commit()
    return user


def make_member(
    session: Session,
    *,
    profession: str = Profession.nurse,
    status: str = "active",
    credentials: bool = True,
    credentials_expire_on: date | None = None,
    with_user: bool = False,
    **kw,
) -> Member:
    n = next(_n)
    defaults = dict(
        name=f"Member {n}",
        email=f"member{n}@tests.coop",
        profession=profession,
        status=status,
        status_changed_at=utcnow(),
        grade={"nurse": "5", "supply_teacher": "M3", "care_worker": "3"}[profession],
        postcode="CF10 1AA",
        latitude=51.474,
        longitude=-3.176,
        calendar_token=secrets.token_urlsafe(16),
        created_at=utcnow(),
    )
    defaults.update(kw)
    member = Member(**defaults)
    session.add(member)
    session.flush()
    if credentials:
        give_credentials(session, member, expires_on=credentials_expire_on)
    if with_user:
        session.add(
            User(
                email=member.email,
                name=member.name,
                password_hash=password_hash(),
                member_id=member.id,
                created_at=utcnow(),
            )
        )
        session.flush()
        user = session.exec(select(User).where(User.member_id == member.id)).one()
        session.add(UserRole(user_id=user.id, role="member"))
    session.commit()
    return member


def give_credentials(session: Session, member: Member, *, expires_on: date | None = None) -> None:
    verified = today_local() - timedelta(days=200)
    for kind in REQUIRED_CREDENTIALS[member.profession]:
        session.add(
            Credential(
                member_id=member.id,
                kind=kind,
                reference=f"{kind.upper()}-{member.id}",
                verified_on=verified,
                expires_on=expires_on
                or (None if kind == CredentialKind.dbs_enhanced else verified + timedelta(days=900)),
                dbs_workforce=DBS_WORKFORCE[member.profession] if kind == CredentialKind.dbs_enhanced else None,
                created_at=utcnow(),
            )
        )


def make_client(session: Session, *, kind: str = "ward", **kw) -> Client:
    n = next(_n)
    parents = {
        "ward": dict(health_board="Cardiff and Vale UHB", site="University Hospital of Wales"),
        "school": dict(local_authority="Cardiff"),
        "care_provider": dict(local_authority="Cardiff"),
    }[kind]
    defaults = dict(
        kind=kind,
        name=f"Client {n}",
        postcode="CF14 4XW",
        latitude=51.507,
        longitude=-3.190,
        created_at=utcnow(),
        **parents,
    )
    defaults.update(kw)
    client = Client(**defaults)
    session.add(client)
    session.commit()
    return client


def user_for(session: Session, member: Member) -> User:
    return session.exec(select(User).where(User.member_id == member.id)).one()
