"""Queue notifications in the caller's transaction; deliver them later, retrying until sent.

Senders are swappable: `LogSender` (the default) writes to the log, `SmtpSender` sends e-mail when
COOP_MAIL_SENDER=smtp. A failed send is retried with a growing delay; nothing is lost.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from babel.dates import format_date, format_datetime
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from coop.auth.models import User
from coop.clock import LONDON, utcnow
from coop.config import Settings
from coop.i18n import gettext
from coop.members.models import Member
from coop.members.rules import CREDENTIAL_NAMES
from coop.notify.models import Notification
from coop.notify.texts import TEXTS

log = logging.getLogger("coop.notify")
MAX_ATTEMPTS = 12


def _queue(session: Session, *, email: str, user_id: int | None, language: str, kind: str, data: dict) -> None:
    if kind not in TEXTS:
        raise ValueError(f"unknown notification kind {kind}")
    now = utcnow()
    session.add(
        Notification(
            user_id=user_id, email=email, language=language, kind=kind, data=data, created_at=now, next_attempt_at=now
        )
    )


def to_member(session: Session, member_id: int, kind: str, data: dict[str, Any]) -> None:
    user = session.exec(select(User).where(User.member_id == member_id)).first()
    if user is not None:
        _queue(session, email=user.email, user_id=user.id, language=user.language, kind=kind, data=data)
        return
    member = session.get(Member, member_id)
    if member is not None:
        _queue(session, email=member.email, user_id=None, language="en", kind=kind, data=data)


def to_client(session: Session, client_id: int, kind: str, data: dict[str, Any]) -> None:
    for user in session.exec(select(User).where(User.client_id == client_id, User.is_active)).all():
        _queue(session, email=user.email, user_id=user.id, language=user.language, kind=kind, data=data)


def _locale(language: str) -> str:
    return "cy_GB" if language == "cy" else "en_GB"


def when(at: datetime, language: str = "en") -> str:
    return format_datetime(at.astimezone(LONDON), "EEE d MMM, HH:mm", locale=_locale(language))


def render(notification: Notification) -> tuple[str, str]:
    subject, body = TEXTS[notification.kind]
    values = dict(notification.data)
    if "starts_at" in values:
        values["when"] = when(datetime.fromisoformat(values["starts_at"]), notification.language)
    lang = notification.language
    if "credential_kind" in values:
        values["credential"] = gettext(lang, CREDENTIAL_NAMES.get(values["credential_kind"], values["credential_kind"]))
    if "expires_on" in values:
        values["expires_on"] = format_date(date.fromisoformat(values["expires_on"]), "d MMMM y", locale=_locale(lang))
    return gettext(lang, subject).format_map(_Blank(values)), gettext(lang, body).format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class Sender(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None: ...


class LogSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, *, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))
        log.info("notification to %s: %s | %s", to, subject, body)


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    def send(self, *, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


def make_sender(settings: Settings) -> Sender:
    if settings.mail_sender == "smtp":
        return SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_from)
    return LogSender()


def deliver_pending(engine: Engine, sender: Sender, *, batch: int = 100) -> tuple[int, int]:
    """Send what is due; on failure keep it with a later retry time. Returns (sent, failed)."""
    sent = failed = 0
    with Session(engine, expire_on_commit=False) as session:
        due = session.exec(
            select(Notification)
            .where(
                col(Notification.sent_at).is_(None),
                Notification.next_attempt_at <= utcnow(),
                Notification.attempts < MAX_ATTEMPTS,
            )
            .order_by(Notification.id)
            .limit(batch)
        ).all()
        session.commit()  # never hold the database while talking to a mail server
        for notification in due:
            subject, body = render(notification)
            try:
                sender.send(to=notification.email, subject=subject, body=body)
            except Exception as error:  # noqa: BLE001  (any failure of the channel is retried)
                notification.attempts += 1
                notification.last_error = str(error)[:500]
                notification.next_attempt_at = utcnow() + timedelta(minutes=2 ** min(notification.attempts, 10))
                failed += 1
            else:
                notification.attempts += 1
                notification.sent_at = utcnow()
                sent += 1
            session.add(notification)
            session.commit()
    return sent, failed
