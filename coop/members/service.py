"""Member registry use-cases. Each checks the actor, does its work, and commits once."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, delete, func, select

from coop import history
from coop.access import OVERSIGHT, STAFF, Actor, require_member_access, require_role
from coop.auth import service as auth_service
from coop.auth.models import User
from coop.clock import today_local, utcnow
from coop.db import required_columns_sent_empty
from coop.enums import MemberStatus, Role
from coop.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from coop.geo import locate
from coop.members import rules
from coop.members.grades import GRADES, is_grade
from coop.members.models import AvailabilityException, AvailabilityWindow, Credential, Member
from coop.members.schemas import (
    SELF_EDITABLE,
    Availability,
    CredentialCreate,
    CredentialPublic,
    DayOff,
    MemberCreate,
    MemberUpdate,
    WeeklyWindow,
)

# The lifecycle of a membership: applicant → active → suspended / withdrawn.
TRANSITIONS: dict[str, frozenset[str]] = {
    MemberStatus.applicant: frozenset({MemberStatus.active, MemberStatus.withdrawn}),
    MemberStatus.active: frozenset({MemberStatus.suspended, MemberStatus.withdrawn}),
    MemberStatus.suspended: frozenset({MemberStatus.active, MemberStatus.withdrawn}),
    MemberStatus.withdrawn: frozenset(),
}


def _check_grade(profession: str, grade: str | None) -> None:
    if grade is not None and not is_grade(profession, grade):
        ladder = ", ".join(GRADES[profession])
        raise InvalidInput(f"'{grade}' is not a grade for {profession}: use one of {ladder}.", field="grade")


def _email_in_use(session: Session, email: str, *, except_member: int | None = None) -> bool:
    query = select(func.count()).select_from(Member).where(Member.email == email)
    if except_member is not None:
        query = query.where(Member.id != except_member)
    return session.exec(query).one() > 0


def get_member(session: Session, actor: Actor, member_id: int) -> Member:
    require_member_access(actor, member_id)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"No member {member_id}.")
    return member


def register_member(session: Session, actor: Actor, data: MemberCreate) -> Member:
    require_role(actor, *STAFF)
    email = auth_service.normalise_email(data.email)
    _check_grade(data.profession, data.grade)
    if _email_in_use(session, email) or (data.password and auth_service.email_taken(session, email)):
        raise Conflict(f"A member with the e-mail {email} already exists.", code="duplicate_email")
    latitude, longitude = data.latitude, data.longitude
    if latitude is None or longitude is None:
        latitude, longitude = locate(data.postcode) or (None, None)
    now = utcnow()
    member = Member(
        **data.model_dump(exclude={"password", "email", "latitude", "longitude"}),
        email=email,
        latitude=latitude,
        longitude=longitude,
        status=MemberStatus.applicant,
        status_changed_at=now,
        calendar_token=secrets.token_urlsafe(32),
        created_at=now,
    )
    session.add(member)
    session.flush()
    if data.password:
        auth_service.add_user(
            session, email=email, name=data.name, password=data.password, roles={Role.member}, member_id=member.id
        )
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="member",
        entity_id=member.id,
        action="registered",
        to_state=member.status,
    )
    session.commit()
    return member


def list_members(
    session: Session,
    actor: Actor,
    *,
    profession: str | None = None,
    status: str | None = None,
    q: str | None = None,
    skill: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Member], int]:
    require_role(actor, *OVERSIGHT)
    query = select(Member)
    if profession:
        query = query.where(Member.profession == profession)
    if status:
        query = query.where(Member.status == status)
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Member.name).like(pattern),
                func.lower(Member.email).like(pattern),
                Member.postcode.like(pattern),
            )
        )
    members = list(session.exec(query.order_by(Member.name, Member.id)).all())
    if skill:
        members = [m for m in members if skill in m.skills]
    return members[offset : offset + limit], len(members)


def update_member(session: Session, actor: Actor, member_id: int, data: MemberUpdate) -> Member:
    require_member_access(actor, member_id, oversight=False)
    member = get_member(session, actor, member_id)
    changes = data.model_dump(exclude_unset=True)
    if not actor.is_staff:
        refused = sorted(set(changes) - SELF_EDITABLE)
        if refused:
            raise PermissionDenied(f"Only a coordinator may change: {', '.join(refused)}.")
    if (required := required_columns_sent_empty(Member, changes)) is not None:
        raise InvalidInput(f"{required} cannot be empty.", field=required)
    profession = changes.get("profession", member.profession)
    _check_grade(profession, changes.get("grade", member.grade))
    if "email" in changes:
        changes["email"] = auth_service.normalise_email(changes["email"])
        if _email_in_use(session, changes["email"], except_member=member_id):
            raise Conflict(f"A member with the e-mail {changes['email']} already exists.", code="duplicate_email")
    if "postcode" in changes and not ({"latitude", "longitude"} & set(changes)):
        changes["latitude"], changes["longitude"] = locate(changes["postcode"]) or (None, None)
    for field, value in changes.items():
        setattr(member, field, value)
    session.add(member)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="member",
        entity_id=member_id,
        action="updated",
        data={"fields": sorted(changes)},
    )
    session.commit()
    return member


def change_status(session: Session, actor: Actor, member_id: int, status: str, reason: str | None = None) -> Member:
    require_role(actor, *STAFF)
    member = get_member(session, actor, member_id)
    if status == member.status:
        return member
    if status not in TRANSITIONS[member.status]:
        raise Conflict(f"A member who is {member.status} cannot become {status}.", code="invalid_status_transition")
    previous = member.status
    member.status = status
    member.status_changed_at = utcnow()
    if status == MemberStatus.active and member.joined_on is None:
        member.joined_on = today_local()
    if status == MemberStatus.withdrawn:
        member.left_on = today_local()
    session.add(member)
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="member",
        entity_id=member_id,
        action="status_changed",
        from_state=previous,
        to_state=status,
        data={"reason": reason} if reason else {},
    )
    session.commit()
    return member


def status_history(session: Session, actor: Actor, member_id: int) -> list[history.HistoryEvent]:
    get_member(session, actor, member_id)
    return list(
        session.exec(
            select(history.HistoryEvent)
            .where(history.HistoryEvent.entity == "member", history.HistoryEvent.entity_id == member_id)
            .order_by(history.HistoryEvent.at, history.HistoryEvent.id)
        ).all()
    )


# Credentials ------------------------------------------------------------------------------------


def add_credential(session: Session, actor: Actor, member_id: int, data: CredentialCreate) -> Credential:
    """Coordinators record credentials they have verified: they are who the regulators hold responsible."""
    require_role(actor, *STAFF)
    get_member(session, actor, member_id)
    credential = Credential(
        member_id=member_id, **data.model_dump(), verified_by_user_id=actor.user_id, created_at=utcnow()
    )
    session.add(credential)
    session.flush()
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="credential",
        entity_id=credential.id,
        action="verified",
        data={"member_id": member_id, "kind": data.kind, "expires_on": str(data.expires_on or "")},
    )
    session.commit()
    return credential


def credentials_of(session: Session, member_ids: list[int]) -> dict[int, list[Credential]]:
    found: dict[int, list[Credential]] = {member_id: [] for member_id in member_ids}
    if not member_ids:
        return found
    for credential in session.exec(select(Credential).where(col(Credential.member_id).in_(member_ids))).all():
        found[credential.member_id].append(credential)
    return found


def describe_credential(credential: Credential, today: date) -> CredentialPublic:
    public = CredentialPublic.model_validate(credential)
    public.valid_today = rules.credential_valid_on(credential, today)
    public.expires_in_days = (credential.expires_on - today).days if credential.expires_on else None
    return public


def list_credentials(session: Session, actor: Actor, member_id: int) -> list[CredentialPublic]:
    get_member(session, actor, member_id)
    today = today_local()
    credentials = session.exec(
        select(Credential).where(Credential.member_id == member_id).order_by(Credential.kind, Credential.verified_on)
    ).all()
    return [describe_credential(c, today) for c in credentials]


def may_work(session: Session, member: Member, profession: str, on: date) -> list[rules.Reason]:
    """May this member work as `profession` on `on`? [] means yes; otherwise every reason (RULES §0.10)."""
    return rules.may_work_as(
        status=member.status,
        member_profession=member.profession,
        profession=profession,
        credentials=credentials_of(session, [member.id])[member.id],
        on=on,
        care_started_on=member.care_started_on,
    )


def expiring_credentials(session: Session, actor: Actor, *, within_days: int = 30) -> list[tuple[Member, Credential]]:
    """Active members' credentials expiring within the window, soonest first, superseded ones left out."""
    require_role(actor, *OVERSIGHT)
    today = today_local()
    rows = session.exec(
        select(Member, Credential)
        .join(Credential, Credential.member_id == Member.id)
        .where(Member.status == MemberStatus.active, col(Credential.expires_on).is_not(None))
    ).all()
    latest: dict[tuple[int, str], tuple[Member, Credential]] = {}
    for member, credential in rows:
        key = (member.id, credential.kind)
        if key not in latest or credential.expires_on > latest[key][1].expires_on:
            latest[key] = (member, credential)
    due = [(m, c) for m, c in latest.values() if (c.expires_on - today).days <= within_days]
    return sorted(due, key=lambda pair: (pair[1].expires_on, pair[0].name))


# Availability -----------------------------------------------------------------------------------


def get_availability(session: Session, actor: Actor, member_id: int) -> Availability:
    get_member(session, actor, member_id)
    windows = session.exec(
        select(AvailabilityWindow)
        .where(AvailabilityWindow.member_id == member_id)
        .order_by(AvailabilityWindow.weekday, AvailabilityWindow.starts)
    ).all()
    days_off = session.exec(
        select(AvailabilityException)
        .where(AvailabilityException.member_id == member_id)
        .order_by(AvailabilityException.starts_on)
    ).all()
    return Availability(
        weekly=[WeeklyWindow(weekday=w.weekday, starts=w.starts, ends=w.ends) for w in windows],
        exceptions=[DayOff(starts_on=d.starts_on, ends_on=d.ends_on, kind=d.kind, note=d.note) for d in days_off],
    )


def set_availability(session: Session, actor: Actor, member_id: int, availability: Availability) -> Availability:
    require_member_access(actor, member_id, oversight=False)
    get_member(session, actor, member_id)
    spans = sorted((d.starts_on, d.ends_on) for d in availability.exceptions)
    if len(set(spans)) != len(spans):
        raise InvalidInput("The same days off are listed twice.", field="exceptions")
    session.exec(delete(AvailabilityWindow).where(AvailabilityWindow.member_id == member_id))
    session.exec(delete(AvailabilityException).where(AvailabilityException.member_id == member_id))
    for window in availability.weekly:
        session.add(AvailabilityWindow(member_id=member_id, **window.model_dump()))
    for day_off in availability.exceptions:
        session.add(AvailabilityException(member_id=member_id, **day_off.model_dump()))
    history.record(
        session,
        actor_user_id=actor.user_id,
        entity="member",
        entity_id=member_id,
        action="availability_set",
        data={"windows": len(availability.weekly), "exceptions": len(availability.exceptions)},
    )
    session.commit()
    return get_availability(session, actor, member_id)


def user_for_member(session: Session, member_id: int) -> User | None:
    return session.exec(select(User).where(User.member_id == member_id)).first()
