"""Welsh and English: the gettext catalogues, one Jinja environment per language, Babel formatting.

Every string shown to people is an English msgid. In templates write `{{ _("Save") }}`; in Python
mark module-level strings with `N_("...")` (translated when shown) and translate at run time with
the request's `page._("...")`. The catalogues are web/locale/<lang>/LC_MESSAGES/messages.po, read at
start-up (no compiled .mo files). To add a string: write it, run

    pybabel extract -F babel.cfg -o web/locale/messages.pot web
    pybabel update -i web/locale/messages.pot -d web/locale --no-fuzzy-matching --ignore-obsolete -w 110

then fill in its msgstr in cy (and leave en's empty: English falls back to the msgid).
tests/web/test_catalogue.py fails while any Welsh translation is missing or fuzzy.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from coop.clock import LONDON

WEB = Path(__file__).resolve().parent
LOCALE_DIR = WEB / "locale"
TEMPLATE_DIR = WEB / "templates"
LANGUAGES = ("en", "cy")
DEFAULT_LANGUAGE = "en"
# Babel locales for formatting dates, times and money.
BABEL_LOCALE = {"en": "en_GB", "cy": "cy_GB"}


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


@lru_cache
def translations(language: str) -> Translations:
    """The language's catalogue, compiled in memory from its .po file (fuzzy entries are left out)."""
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext_for(language: str):
    catalogue = translations(language)

    def gettext(message: str, **variables) -> str:
        text = catalogue.gettext(message)
        return text % variables if variables else text

    return gettext


# Formatting --------------------------------------------------------------------------------------


def fmt_date(value: date | None, language: str, style: str = "medium") -> str:
    return format_date(value, format=style, locale=BABEL_LOCALE[language]) if value else ""


def fmt_time(value: time | datetime | None, language: str) -> str:
    """A wall-clock time; an instant is shown in Welsh time (Babel would otherwise show it in UTC)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_time(value.astimezone(LONDON), format="HH:mm", tzinfo=LONDON, locale=BABEL_LOCALE[language])
    return format_time(value, format="HH:mm", locale=BABEL_LOCALE[language])


def fmt_datetime(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return format_datetime(local, format="medium", tzinfo=LONDON, locale=BABEL_LOCALE[language])


def fmt_money(pence: int | None, language: str) -> str:
    return format_currency((pence or 0) / 100, "GBP", locale=BABEL_LOCALE[language])


# Templates ---------------------------------------------------------------------------------------


@lru_cache
def environment(language: str) -> Environment:
    """A Jinja environment per language, so `_()` in templates needs nothing from the request."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)
    env.globals["lang"] = language
    env.filters["date"] = lambda value, style="medium": fmt_date(value, language, style)
    env.filters["time"] = lambda value: fmt_time(value, language)
    env.filters["datetime"] = lambda value: fmt_datetime(value, language)
    env.filters["money"] = lambda pence: fmt_money(pence, language)
    return env
