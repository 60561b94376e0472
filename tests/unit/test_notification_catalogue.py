"""Every notification exists in Welsh: the catalogue misses nothing and leaves nothing untranslated."""

from __future__ import annotations

import re

from coop.i18n import LOCALE_DIR
from coop.notify.texts import TEXTS


def test_the_welsh_catalogue_translates_every_notification():
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "cy" / "LC_MESSAGES" / "notifications.po").open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    needed = {text for pair in TEXTS.values() for text in pair}
    missing = sorted(needed - set(translated))
    assert missing == [], f"untranslated notifications: {missing}"
    for msgid in needed:
        assert set(re.findall(r"{(\w+)}", translated[msgid])) == set(re.findall(r"{(\w+)}", msgid)), msgid
