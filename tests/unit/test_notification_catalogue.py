"""Every notification exists in Welsh: the catalogue misses nothing and leaves nothing untranslated."""

from __future__ import annotations

import re

from coop.i18n import LOCALE_DIR
from coop.members.rules import CREDENTIAL_NAMES
from coop.notify.texts import TEXTS


def test_the_welsh_catalogue_translates_every_notification():
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "cy" / "LC_MESSAGES" / "notifications.po").open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    needed = {text for pair in TEXTS.values() for text in pair} | set(CREDENTIAL_NAMES.values())
    missing = sorted(needed - set(translated))
    assert missing == [], f"untranslated notifications: {missing}"
    for msgid in needed:
        assert set(re.findall(r"{(\w+)}", translated[msgid])) == set(re.findall(r"{(\w+)}", msgid)), msgid


def test_a_welsh_expiry_reminder_names_the_credential_and_the_date_in_welsh():
    from coop.clock import utcnow
    from coop.notify.models import Notification
    from coop.notify.service import render

    note = Notification(
        email="a@b.c",
        language="cy",
        kind="credential_expiring",
        data={"credential_kind": "nmc", "expires_on": "2027-01-20"},
        created_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    subject, _body = render(note)
    assert subject == "Mae eich cofrestriad NMC yn dod i ben ar 20 Ionawr 2027"
