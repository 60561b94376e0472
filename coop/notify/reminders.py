"""Credential expiry reminders (RULES §0.9): queued once per credential and warning day, by the worker."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from coop.enums import MemberStatus
from coop.members.models import Credential, Member
from coop.members.rules import WARNING_DAYS
from coop.notify import service as notify
from coop.notify.models import Notification


def queue_expiry_reminders(session: Session, today: date) -> int:
    """Queue a reminder for every active member's credential now inside one of its warning windows
    (60 and 30 days for registrations and right to work, 30 for the rest), once per window."""
    rows = session.exec(
        select(Member, Credential)
        .join(Credential, Credential.member_id == Member.id)
        .where(Member.status == MemberStatus.active, Credential.expires_on >= today)
    ).all()
    latest: dict[tuple[int, str], tuple[Member, Credential]] = {}
    for member, credential in rows:
        key = (member.id, credential.kind)
        if key not in latest or credential.expires_on > latest[key][1].expires_on:
            latest[key] = (member, credential)
    already = {
        (n.data.get("credential_id"), n.data.get("window"))
        for n in session.exec(select(Notification).where(Notification.kind == "credential_expiring")).all()
    }
    queued = 0
    for member, credential in latest.values():
        days = (credential.expires_on - today).days
        windows = [w for w in WARNING_DAYS.get(credential.kind, (30,)) if days <= w]
        if not windows:
            continue
        window = min(windows)
        if (credential.id, window) in already:
            continue
        notify.to_member(
            session,
            member.id,
            "credential_expiring",
            {
                "credential_kind": credential.kind,
                "expires_on": credential.expires_on.isoformat(),
                "credential_id": credential.id,
                "window": window,
            },
        )
        queued += 1
    session.commit()
    return queued
