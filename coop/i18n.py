"""Translations for what the domain itself writes (notifications), from gettext catalogues.

The catalogue is coop/locale/<lang>/LC_MESSAGES/notifications.po; msgids are English, marked in code
with `N_` so Babel can extract them. The .po is read directly at first use (no compiled .mo to commit).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "cy")


def N_(message: str) -> str:  # noqa: N802  (the conventional gettext marker)
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@lru_cache
def translations(language: str, domain: str = "notifications") -> NullTranslations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    result = Translations()
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            result._catalog[message.id] = message.string
    return result


def gettext(language: str, message: str) -> str:
    return translations(language if language in LANGUAGES else "en").gettext(message)
