"""Parse a Curtois & Qu benchmark instance (the ``SECTION_…`` text format) into plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    cannot_follow: frozenset[str]  # shift ids that may not be worked the next day


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Instance:
    name: str
    horizon: int
    shifts: dict[str, ShiftType]
    staff: dict[str, Staff]
    days_off: dict[str, frozenset[int]]
    on_requests: list[Request] = field(default_factory=list)
    off_requests: list[Request] = field(default_factory=list)
    cover: list[Cover] = field(default_factory=list)


def _sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
            continue
        if current is None:
            raise ValueError(f"data before any section: {line!r}")
        sections[current].append([f.strip() for f in line.split(",")])
    return sections


def parse_instance(text: str, name: str = "") -> Instance:
    """Parse the text of an instance file."""
    sec = _sections(text)
    horizon = int(sec["SECTION_HORIZON"][0][0])
    shifts = {}
    for row in sec.get("SECTION_SHIFTS", []):
        follow = row[2] if len(row) > 2 else ""
        shifts[row[0]] = ShiftType(row[0], int(row[1]), frozenset(f for f in follow.split("|") if f))
    staff = {}
    for row in sec.get("SECTION_STAFF", []):
        max_shifts = {}
        for part in row[1].split("|"):
            if part:
                sid, value = part.split("=")
                max_shifts[sid] = int(value)
        staff[row[0]] = Staff(row[0], max_shifts, *(int(v) for v in row[2:8]))
    days_off = {sid: frozenset() for sid in staff}
    for row in sec.get("SECTION_DAYS_OFF", []):
        days_off[row[0]] = frozenset(int(d) for d in row[1:] if d)
    on = [Request(r[0], int(r[1]), r[2], int(r[3])) for r in sec.get("SECTION_SHIFT_ON_REQUESTS", [])]
    off = [Request(r[0], int(r[1]), r[2], int(r[3])) for r in sec.get("SECTION_SHIFT_OFF_REQUESTS", [])]
    cover = [Cover(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4])) for r in sec.get("SECTION_COVER", [])]
    return Instance(name, horizon, shifts, staff, days_off, on, off, cover)


def read_instance(path: str | Path) -> Instance:
    """Read an instance file; the instance is named after the file stem (e.g. ``Instance1``)."""
    path = Path(path)
    return parse_instance(path.read_text(), path.stem)
