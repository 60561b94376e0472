"""Members are reminded before a credential lapses: at 60 and 30 days for registrations, once each."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from coop.clock import today_local
from coop.notify.models import Notification
from coop.notify.reminders import queue_expiry_reminders
from tests.factories import make_member


def test_expiry_reminders_are_queued_once_per_warning_window(session):
    today = today_local()
    make_member(session, with_user=True, credentials_expire_on=today + timedelta(days=45))
    make_member(session, with_user=True, credentials_expire_on=today + timedelta(days=200))
    first = queue_expiry_reminders(session, today)
    assert first == 2  # NMC and right to work warn at 60 days; DBS recheck and training at 30
    assert queue_expiry_reminders(session, today) == 0
    assert queue_expiry_reminders(session, today + timedelta(days=16)) == 4  # inside 30 days: all four
    notes = session.exec(select(Notification).where(Notification.kind == "credential_expiring")).all()
    assert {n.data["window"] for n in notes} == {60, 30}
