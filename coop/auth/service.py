"""Sign-in use-cases: create users, check passwords, and turn a user into an Actor."""

from __future__ import annotations

from sqlmodel import Session, func, select

from coop.access import Actor
from coop.auth.models import User, UserRole
from coop.auth.security import hash_password, verify_password
from coop.clock import utcnow
from coop.enums import Role
from coop.errors import Conflict, InvalidInput


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(session: Session, email: str) -> bool:
    return session.exec(select(func.count()).where(User.email == normalise_email(email))).one() > 0


def add_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str | None,
    roles: set[str],
    member_id: int | None = None,
    client_id: int | None = None,
    language: str = "en",
) -> User:
    """Stage a new sign-in in the session (the caller's use-case commits)."""
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise InvalidInput(f"Unknown role: {', '.join(sorted(unknown))}.", field="roles")
    if Role.client in roles and client_id is None:
        raise InvalidInput("A client contact belongs to one client organisation.", field="client_id")
    if email_taken(session, email):
        raise Conflict(f"There is already a sign-in for {normalise_email(email)}.", code="duplicate_email")
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=hash_password(password) if password else None,
        member_id=member_id,
        client_id=client_id,
        language=language,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    for role in sorted(roles):
        session.add(UserRole(user_id=user.id, role=role))
    return user


def create_user(session: Session, **kwargs) -> User:
    user = add_user(session, **kwargs)
    session.commit()
    return user


def roles_of(session: Session, user_id: int) -> frozenset[str]:
    return frozenset(session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all())


def actor_for(session: Session, user: User) -> Actor:
    return Actor(
        user_id=user.id,
        roles=roles_of(session, user.id),
        member_id=user.member_id,
        client_id=user.client_id,
        name=user.name,
    )


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (the same answer for either mistake)."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        verify_password(password, None)
        return None
    if not user.is_active or not verify_password(password, user.password_hash):
        return None
    return user


def active_user(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def set_language(session: Session, user_id: int, language: str) -> None:
    if language not in ("en", "cy"):
        raise InvalidInput("The language is en or cy.", field="language")
    user = session.get(User, user_id)
    if user is not None:
        user.language = language
        session.add(user)
        session.commit()
