"""Small presentation helpers shared by the pages: credential status tags, weekday names, form parsing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import Locale
from pydantic import BaseModel, ValidationError

from coop.members import rules
from web import messages
from web.i18n import BABEL_LOCALE, fmt_date
from web.page import Page


@dataclass(frozen=True)
class Tag:
    tone: str  # ok, warn, bad, neutral: the words always say it too
    text: str


def credential_tag(page: Page, credential: Any, today: date, *, replaced: bool = False) -> Tag:
    """Valid, expiring in N days (RULES §0.9 windows via rules.expiry_warning), expired, or not yet valid.

    A credential replaced by a later one of the same kind says so instead of warning about itself.
    """
    if replaced:
        return Tag("neutral", page._("Replaced by a later one"))
    if not rules.credential_valid_on(credential, today):
        if credential.expires_on and credential.expires_on < today:
            return Tag("bad", page._("Expired on %(date)s", date=fmt_date(credential.expires_on, page.lang)))
        return Tag("neutral", page._("Not yet valid"))
    days = rules.expiry_warning(credential, today)
    if days is not None:
        if days == 0:
            return Tag("warn", page._("Expires today"))
        if days == 1:
            return Tag("warn", page._("Expires tomorrow"))
        return Tag("warn", page._("Expires in %(days)s days", days=days))
    return Tag("ok", page._("Valid"))


def _lasts_until(credential: Any) -> tuple[date, date]:
    return (credential.expires_on or date.max, credential.verified_on)


def credential_rows(page: Page, credentials: list[Any], today: date) -> list[tuple[Any, Tag]]:
    """Each credential with its tag; older ones of a kind (and DBS barred list) are marked replaced."""
    latest: dict[tuple[str, str | None], Any] = {}
    for credential in credentials:
        key = (credential.kind, credential.dbs_workforce)
        if key not in latest or _lasts_until(credential) > _lasts_until(latest[key]):
            latest[key] = credential
    return [
        (c, credential_tag(page, c, today, replaced=latest[(c.kind, c.dbs_workforce)] is not c)) for c in credentials
    ]


def weekday_names(language: str) -> list[str]:
    """Monday first, as coop numbers them (0 = Monday), in the page's language."""
    days = Locale.parse(BABEL_LOCALE[language]).days["format"]["wide"]
    return [days[i] for i in range(7)]


def options(page: Page, kind: str, values: Any) -> list[tuple[str, str]]:
    return [(str(v), page.label(kind, str(v))) for v in values]


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_changes(
    page: Page,
    schema: type[BaseModel],
    form: Any,
    current: Any,
    fields: list[str],
    *,
    checkboxes: frozenset[str] = frozenset(),
    lists: frozenset[str] = frozenset(),
    prefix: str = "",
) -> BaseModel | None:
    """Read the fields from the form, validate with the coop schema and keep only what changed.

    Sending only the changed fields matters: an unchanged postcode must not re-locate a member.
    Returns None (and fills page.errors) when the input does not parse.
    """
    raw: dict[str, Any] = {}
    for name in fields:
        if name in checkboxes:
            raw[name] = form.get(prefix + name) is not None
        elif name in lists:
            raw[name] = [part.strip() for part in str(form.get(prefix + name) or "").split(",") if part.strip()]
        else:
            raw[name] = blank_to_none(form.get(prefix + name))
    try:
        parsed = schema.model_validate(raw)
    except ValidationError as error:
        for field, message in messages.field_errors(error, prefix=prefix).items():
            page.errors[field] = page._(message)
        return None
    values = parsed.model_dump()
    changed = {name: values[name] for name in fields if values[name] != getattr(current, name, None)}
    return schema.model_validate(changed)


def translate_errors(page: Page, error: ValidationError, *, prefix: str = "") -> None:
    for field, message in messages.field_errors(error, prefix=prefix).items():
        page.errors.setdefault(field, page._(message))
