"""The one rule set that decides whether a member may take a shift, for booking and rostering alike.

`check` takes plain facts (no session) and returns every reason the member may not, each with a stable
code, a plain message and the rule it enforces; an empty list means eligible. `facts.py` loads the
facts from the database in bulk; the rostering adapter passes the same reason codes to the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from coop.clock import LONDON, elapsed_minutes
from coop.geo import distance_km
from coop.members.grades import meets_grade
from coop.members.rules import CredentialLike, Reason, may_work_as
from coop.policy import Policy
from coop.shifts.timing import is_night, iso_week, local_span
from scheduling import reasons as codes


@dataclass(frozen=True)
class ShiftFacts:
    id: int
    client_id: int
    role: str
    starts_at: datetime
    ends_at: datetime
    local_date: date
    min_grade: str | None = None
    skills: tuple[str, ...] = ()
    welsh_medium: bool = False
    client_location: tuple[float | None, float | None] = (None, None)
    night: bool = False


@dataclass(frozen=True)
class HeldShift:
    """A shift the member already holds (booked), for overlap, rest and hour limits."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    night: bool = False
    local_day: date | None = None  # the local start date, given by the loader to spare conversions

    @property
    def day(self) -> date:
        return self.local_day or self.starts_at.astimezone(LONDON).date()


@dataclass
class MemberFacts:
    id: int
    name: str
    status: str
    profession: str
    grade: str | None
    skills: Sequence[str]
    welsh_level: str
    max_hours_per_week: int
    max_travel_km: int
    opted_out_48h: bool
    location: tuple[float | None, float | None]
    care_started_on: date | None = None
    credentials: list[CredentialLike] = field(default_factory=list)
    # Weekly windows (weekday, start, end); empty means available at any time.
    windows: list[tuple[int, time, time]] = field(default_factory=list)
    # Dated days off, inclusive.
    days_off: list[tuple[date, date]] = field(default_factory=list)
    held: list[HeldShift] = field(default_factory=list)


def _reason(code: str, message: str, rule: str) -> Reason:
    return Reason(code, message, rule)


def credentials_and_status(member: MemberFacts, shift: ShiftFacts) -> list[Reason]:
    """RULES §0.10 and §3: active, the right profession, every credential valid on the shift date."""
    return may_work_as(
        status=member.status,
        member_profession=member.profession,
        profession=shift.role,
        credentials=member.credentials,
        on=shift.local_date,
        care_started_on=member.care_started_on,
    )


def grade(member: MemberFacts, shift: ShiftFacts) -> list[Reason]:
    if meets_grade(shift.role, member.grade, shift.min_grade):
        return []
    return [
        _reason(
            codes.GRADE_TOO_LOW,
            f"The shift needs grade {shift.min_grade} or above; the member is {member.grade or 'ungraded'}.",
            "client requirement",
        )
    ]


def skills(member: MemberFacts, shift: ShiftFacts) -> list[Reason]:
    missing = [s for s in shift.skills if s not in member.skills]
    if not missing:
        return []
    return [_reason(codes.MISSING_SKILL, f"The shift needs {', '.join(missing)}.", "client requirement")]


def welsh(member: MemberFacts, shift: ShiftFacts) -> list[Reason]:
    """A Welsh-medium booking needs a fluent Welsh speaker (RULES §8.2.1, hard where the client asks)."""
    if not shift.welsh_medium or member.welsh_level == "fluent":
        return []
    return [
        _reason(codes.WELSH_REQUIRED, "The shift is Welsh-medium and needs a fluent Welsh speaker.", "RULES §8.2.1")
    ]


def _window_covers(window: tuple[int, time, time], start: datetime, end: datetime) -> bool:
    weekday, w_start, w_end = window
    local_start = start.astimezone(LONDON)
    if local_start.weekday() != weekday:
        return False
    day = local_start.date()
    open_from, open_to = local_span(day, w_start, w_end)
    return open_from <= start and end <= open_to


def availability(member: MemberFacts, shift: ShiftFacts) -> list[Reason]:
    reasons = []
    first = shift.starts_at.astimezone(LONDON).date()
    last = (shift.ends_at - timedelta(seconds=1)).astimezone(LONDON).date()
    for off_from, off_to in member.days_off:
        if off_from <= last and first <= off_to:
            reasons.append(
                _reason(
                    codes.ON_LEAVE,
                    f"The member is away from {off_from.isoformat()} to {off_to.isoformat()}.",
                    "member availability",
                )
            )
            break
    if member.windows and not any(_window_covers(w, shift.starts_at, shift.ends_at) for w in member.windows):
        reasons.append(
            _reason(codes.UNAVAILABLE, "The shift is outside the member's weekly availability.", "member availability")
        )
    return reasons


def overlap(member: MemberFacts, shift: ShiftFacts) -> list[Reason]:
    for held in member.held:
        if held.shift_id != shift.id and held.starts_at < shift.ends_at and shift.starts_at < held.ends_at:
            return [_reason(codes.OVERLAP, "The member already has a shift at that time.", "no double booking")]
    return []


def rest(member: MemberFacts, shift: ShiftFacts, policy: Policy) -> list[Reason]:
    """RULES §0.1: at least 11 hours between the end of one shift and the start of the next."""
    need = policy.min_rest_hours * 60
    for held in member.held:
        if held.shift_id == shift.id or (held.starts_at < shift.ends_at and shift.starts_at < held.ends_at):
            continue
        gap = (
            elapsed_minutes(held.ends_at, shift.starts_at)
            if held.ends_at <= shift.starts_at
            else (elapsed_minutes(shift.ends_at, held.starts_at))
        )
        if gap < need:
            return [
                _reason(
                    codes.REST_TOO_SHORT,
                    f"Less than {policy.min_rest_hours} hours' rest from another shift ({gap // 60} h {gap % 60} min).",
                    "RULES §0.1",
                )
            ]
    return []


def night_succession(member: MemberFacts, shift: ShiftFacts, policy: Policy) -> list[Reason]:
    """RULES §0.5: after a night shift, no shift other than another night starts within 24 hours."""
    window = timedelta(hours=policy.night_recovery_hours)
    for held in member.held:
        if held.shift_id == shift.id:
            continue
        if held.night and not shift.night and held.ends_at <= shift.starts_at < held.ends_at + window:
            return [
                _reason(
                    codes.NIGHT_RECOVERY,
                    "A day shift may not start within 24 hours of the end of a night.",
                    "RULES §0.5",
                )
            ]
        if shift.night and not held.night and shift.ends_at <= held.starts_at < shift.ends_at + window:
            return [
                _reason(
                    codes.NIGHT_RECOVERY, "A day shift is booked within 24 hours of this night's end.", "RULES §0.5"
                )
            ]
    return []


def weekly_hours(member: MemberFacts, shift: ShiftFacts, policy: Policy) -> list[Reason]:
    """RULES §0.2: at most 48 h in an ISO week unless opted out; never above the member's own maximum."""
    week = iso_week(shift.local_date)
    worked = sum(
        elapsed_minutes(h.starts_at, h.ends_at)
        for h in member.held
        if h.shift_id != shift.id and iso_week(h.day) == week
    )
    total = worked + elapsed_minutes(shift.starts_at, shift.ends_at)
    reasons = []
    if not member.opted_out_48h and total > policy.max_week_hours * 60:
        reasons.append(
            _reason(
                codes.WEEKLY_HOURS_EXCEEDED,
                f"This would make {total / 60:.1f} hours in the week, over the {policy.max_week_hours}-hour limit.",
                "RULES §0.2",
            )
        )
    if total > member.max_hours_per_week * 60:
        reasons.append(
            _reason(
                codes.OWN_MAX_HOURS_EXCEEDED,
                f"This would make {total / 60:.1f} hours in the week, "
                f"over the member's own maximum of {member.max_hours_per_week}.",
                "RULES §0.2",
            )
        )
    return reasons


def _worked_days(held: Iterable[HeldShift]) -> set[date]:
    return {h.day for h in held}


def consecutive_days(member: MemberFacts, shift: ShiftFacts, policy: Policy) -> list[Reason]:
    """RULES §0.3: at most 6 working days in a row; §0.4: at most 4 nights in a row."""
    reasons = []
    days = _worked_days(h for h in member.held if h.shift_id != shift.id)
    if _run_through(days, shift.local_date) > policy.max_consecutive_days:
        reasons.append(
            _reason(
                codes.TOO_MANY_DAYS_IN_A_ROW,
                f"This would be more than {policy.max_consecutive_days} working days in a row.",
                "RULES §0.3",
            )
        )
    if shift.night:
        nights = _worked_days(h for h in member.held if h.night and h.shift_id != shift.id)
        if _run_through(nights, shift.local_date) > policy.max_consecutive_nights:
            reasons.append(
                _reason(
                    codes.TOO_MANY_NIGHTS_IN_A_ROW,
                    f"This would be more than {policy.max_consecutive_nights} nights in a row.",
                    "RULES §0.4",
                )
            )
    return reasons


def _run_through(days: set[date], day: date) -> int:
    run = 1
    before = day - timedelta(days=1)
    while before in days:
        run, before = run + 1, before - timedelta(days=1)
    after = day + timedelta(days=1)
    while after in days:
        run, after = run + 1, after + timedelta(days=1)
    return run


def do_not_send(member: MemberFacts, shift: ShiftFacts, blocked: set[int]) -> list[Reason]:
    if member.id in blocked:
        return [_reason(codes.DO_NOT_SEND, "The client has asked the co-op not to send this member.", "client list")]
    return []


def travel(member: MemberFacts, shift: ShiftFacts) -> list[Reason]:
    km = distance_km(member.location, shift.client_location)
    if km is None or km <= member.max_travel_km:
        return []
    return [
        _reason(
            codes.TOO_FAR,
            f"The client is {km:.0f} km away; the member travels up to {member.max_travel_km} km.",
            "member preference",
        )
    ]


def timing(member: MemberFacts, shift: ShiftFacts, policy: Policy) -> list[Reason]:
    """The rules that depend only on when the shift is and what the member already holds, not on where
    or for whom: availability, overlap, rest, night recovery, weekly hours, days and nights in a row.

    Two open shifts with the same times and local date get the same answer, which the rostering
    adapter uses to check each member once per distinct time instead of once per shift.
    """
    reasons = availability(member, shift) + overlap(member, shift)
    for rule in (rest, night_succession, weekly_hours, consecutive_days):
        reasons.extend(rule(member, shift, policy))
    return reasons


def check(member: MemberFacts, shift: ShiftFacts, *, policy: Policy, blocked: set[int] = frozenset()) -> list[Reason]:
    """Every reason this member may not take this shift; [] when they may."""
    reasons = credentials_and_status(member, shift)
    if any(r.code == codes.WRONG_PROFESSION for r in reasons):
        return reasons
    for rule in (grade, skills, welsh, travel):
        reasons.extend(rule(member, shift))
    reasons.extend(timing(member, shift, policy))
    reasons.extend(do_not_send(member, shift, blocked))
    return reasons


def night_flag(start: datetime, end: datetime, policy: Policy) -> bool:
    return is_night(start, end, policy)
