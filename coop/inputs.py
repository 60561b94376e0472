"""Constrained input types: every id, count, text, date and list a user can send, with its limit.

Each schema field and API parameter takes its type from here, so a new endpoint is bounded by being
typed: bad input is refused on the way in as a 422 that names the field and says the limit, before it
can reach the database (where it would be a 500: PostgreSQL refuses NUL in text and integers past its
column, the driver refuses unpaired surrogates, and date arithmetic overflows past year 9999).

The limits, chosen once:
- ids are 1 to 2,147,483,647 (2^31 - 1), what an `integer` id column holds on PostgreSQL and SQLite;
- offsets are 0 to 1,000,000 and money is 0 to 2,147,483,647 pence (the `integer` column);
- text is valid Unicode without NUL characters or unpaired surrogates, and always has a maximum length;
- a date a user sends lies in 1900-01-01 .. 2100-12-31, and an instant's local date in the same window,
  so adding a run of days or converting to UTC can never overflow.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, EmailStr, Field

MAX_ID = 2**31 - 1  # a PostgreSQL `integer`
MAX_OFFSET = 1_000_000
MAX_PENCE = 2**31 - 1  # the `integer` column money is kept in
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def plain_text(value: str) -> str:
    """Refuse what no column can hold; the message never repeats the value (it may not be printable)."""
    if "\x00" in value:
        raise ValueError("must not contain a NUL character (\\u0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text: it contains an unpaired surrogate (\\ud800-\\udfff)") from None
    return value


def _plain_if_text(value: object) -> object:
    return plain_text(value) if isinstance(value, str) else value


def _in_window(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return value


def _instant_in_window(value: datetime) -> datetime:
    # Compare the local date, not the instant: an instant near year 9999 cannot even be converted to UTC.
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError(f"must be a time from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return value


def text(max_length: int, *, min_length: int = 0):
    """A text type of at most `max_length` characters, without NUL or unpaired surrogates."""
    # Checked before the value is parsed as a string, so the message names the NUL or the surrogate.
    # (A before-validator wraps what is to its left, so it runs first while the length stays a string's.)
    return Annotated[str, Field(min_length=min_length, max_length=max_length), BeforeValidator(_plain_if_text)]


Id = Annotated[int, Field(ge=1, le=MAX_ID, description=f"an id, 1 to {MAX_ID}")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description=f"rows to skip, 0 to {MAX_OFFSET}")]
Pence = Annotated[int, Field(ge=0, le=MAX_PENCE, description=f"an amount in pence, 0 to {MAX_PENCE}")]
# NUL and surrogates are named as such before the address is parsed; an address is at most 254 characters (RFC 5321).
Email = Annotated[EmailStr, BeforeValidator(_plain_if_text), Field(max_length=254)]
Day = Annotated[date, AfterValidator(_in_window)]
Instant = Annotated[AwareDatetime, AfterValidator(_instant_in_window)]

Name = text(200, min_length=1)
Phone = text(40)
Postcode = text(20)
Tag = text(40)  # a skill or a kind of shift; skills are cleaned to 1..40 characters
Code = text(20)  # a pattern or kind code
Grade = text(10)
Note = text(300)
Comment = text(1000, min_length=1)
LongNote = text(1000)
Password = text(200, min_length=8)
Search = text(100)
