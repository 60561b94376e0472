"""Every string the pages can show has a real Welsh translation (and the English catalogue knows it)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from web import messages
from web.i18n import catalogue_path

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def extracted() -> set[str]:
    """The msgids in web/ code and templates, found exactly as `pybabel extract -F babel.cfg … web` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(ROOT / "web", method_map, options_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(language: str):
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language)


def test_extraction_finds_the_pages_strings():
    found = extracted()
    assert len(found) > 200
    assert {"Sign in", "Availability", "Expires in %(days)s days", "Preferred members"} <= found


def test_every_string_has_a_welsh_translation():
    welsh = catalogue("cy")
    missing = sorted(m for m in extracted() if m not in welsh)
    empty = sorted(m.id for m in welsh if m.id and not m.string)
    fuzzy = sorted(m.id for m in welsh if m.id and m.fuzzy)
    assert not missing, f"not in web/locale/cy/LC_MESSAGES/messages.po (run pybabel update): {missing}"
    assert not empty, f"untranslated in Welsh: {empty}"
    assert not fuzzy, f"fuzzy (check and clear the flag): {fuzzy}"


def test_the_english_catalogue_lists_every_string():
    english = catalogue("en")
    assert not sorted(m for m in extracted() if m not in english)


def test_welsh_keeps_every_placeholder():
    for message in catalogue("cy"):
        if message.id and message.string:
            assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), message.id


def test_every_domain_error_code_has_a_message():
    codes = {
        "credential_missing",
        "credential_expired",
        "dbs_wrong_workforce",
        "wrong_profession",
        "member_not_active",
        "duplicate_email",
        "invalid_status_transition",
        "already_listed",
        "forbidden",
        "not_found",
    }
    assert codes <= set(messages.ERROR_MESSAGES)
