"""Pure rules about a member on a date: may they work in a profession? Which credentials are due?

No session here: the callers load the member and their credentials and pass them in, so booking
and rostering reuse exactly these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from coop.enums import CredentialKind, MemberStatus, Profession
from coop.i18n import N_
from scheduling import reasons as codes

# RULES §0.10: the credentials each profession needs, checked on the shift date.
REQUIRED_CREDENTIALS: dict[str, tuple[str, ...]] = {
    Profession.supply_teacher: (CredentialKind.ewc, CredentialKind.dbs_enhanced, CredentialKind.right_to_work),
    Profession.nurse: (
        CredentialKind.nmc,
        CredentialKind.dbs_enhanced,
        CredentialKind.right_to_work,
        CredentialKind.mandatory_training,
    ),
    Profession.care_worker: (
        CredentialKind.scw,
        CredentialKind.dbs_enhanced,
        CredentialKind.right_to_work,
        CredentialKind.mandatory_training,
    ),
}

# RULES §3.4: the barred list a DBS check must cover for the work.
DBS_WORKFORCE: dict[str, str] = {
    Profession.supply_teacher: "children",
    Profession.nurse: "adults",
    Profession.care_worker: "adults",
}

CREDENTIAL_NAMES = {
    CredentialKind.ewc: N_("EWC registration"),
    CredentialKind.nmc: N_("NMC registration"),
    CredentialKind.scw: N_("Social Care Wales registration"),
    CredentialKind.dbs_enhanced: N_("enhanced DBS check"),
    CredentialKind.right_to_work: N_("right to work"),
    CredentialKind.mandatory_training: N_("mandatory training"),
}

# RULES §3.3: care workers who started on or after 1 Apr 2023 have 6 months to register with SCW.
SCW_WINDOW_FROM = date(2023, 4, 1)
SCW_WINDOW_MONTHS = 6

# RULES §0.9: warn this many days before a credential expires.
WARNING_DAYS = {
    CredentialKind.nmc: (60, 30),
    CredentialKind.scw: (60, 30),
    CredentialKind.right_to_work: (60, 30),
    CredentialKind.dbs_enhanced: (30,),
    CredentialKind.mandatory_training: (30,),
    CredentialKind.ewc: (30,),
}


@dataclass(frozen=True)
class Reason:
    """Why a member may not do something: a stable code, a plain message, the rule it enforces."""

    code: str
    message: str
    rule: str = ""


class CredentialLike:
    kind: str
    verified_on: date
    expires_on: date | None
    dbs_workforce: str | None


def credential_valid_on(credential: CredentialLike, on: date) -> bool:
    """Verified by that date and not yet expired: there is no grace period (RULES §3.2)."""
    if credential.verified_on > on:
        return False
    return credential.expires_on is None or credential.expires_on >= on


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def within_scw_window(care_started_on: date | None, on: date) -> bool:
    if care_started_on is None or care_started_on < SCW_WINDOW_FROM:
        return False
    return on < _add_months(care_started_on, SCW_WINDOW_MONTHS)


def credential_reasons(
    profession: str,
    credentials: Iterable[CredentialLike],
    on: date,
    *,
    care_started_on: date | None = None,
) -> list[Reason]:
    """Every credential the profession needs that is missing, expired or of the wrong kind on `on`."""
    by_kind: dict[str, list[CredentialLike]] = {}
    for credential in credentials:
        by_kind.setdefault(credential.kind, []).append(credential)
    reasons: list[Reason] = []
    for kind in REQUIRED_CREDENTIALS.get(profession, ()):
        name = CREDENTIAL_NAMES[kind]
        held = by_kind.get(kind, [])
        if kind == CredentialKind.dbs_enhanced:
            needed = DBS_WORKFORCE[profession]
            held_right = [c for c in held if c.dbs_workforce in (needed, "both")]
            if held and not held_right:
                reasons.append(
                    Reason(
                        "dbs_wrong_workforce", f"The {name} does not cover the {needed}'s barred list.", "RULES §3.4"
                    )
                )
                continue
            held = held_right
        if any(credential_valid_on(c, on) for c in held):
            continue
        if kind == CredentialKind.scw and within_scw_window(care_started_on, on):
            continue  # RULES §3.3: inside the 6-month registration window
        if not held:
            reasons.append(Reason(codes.CREDENTIAL_MISSING, f"No {name} on file.", "RULES §0.10"))
        else:
            latest = max((c.expires_on for c in held if c.expires_on), default=None)
            if latest and latest < on:
                message = f"The {name} expired on {latest.isoformat()}."
            else:
                message = f"The {name} is not yet verified for {on.isoformat()}."
            reasons.append(Reason(codes.CREDENTIAL_EXPIRED, message, "RULES §3"))
    return reasons


def may_work_as(
    *,
    status: str,
    member_profession: str,
    profession: str,
    credentials: Iterable[CredentialLike],
    on: date,
    care_started_on: date | None = None,
) -> list[Reason]:
    """May this member work as `profession` on `on`? An empty list means yes; otherwise every reason."""
    reasons: list[Reason] = []
    if status != MemberStatus.active:
        reasons.append(Reason(codes.MEMBER_NOT_ACTIVE, f"The member's status is {status}, not active.", "co-op rules"))
    if member_profession != profession:
        reasons.append(
            Reason(
                codes.WRONG_PROFESSION,
                f"The member is registered as {member_profession.replace('_', ' ')}, "
                f"not {profession.replace('_', ' ')}.",
                "RULES §3",
            )
        )
        return reasons
    reasons.extend(credential_reasons(profession, credentials, on, care_started_on=care_started_on))
    return reasons


def expiry_warning(credential: CredentialLike, today: date) -> int | None:
    """Days until expiry when inside the warning window for its kind (RULES §0.9), else None."""
    if credential.expires_on is None:
        return None
    days = (credential.expires_on - today).days
    window = max(WARNING_DAYS.get(credential.kind, (30,)))
    return days if days <= window else None


def dbs_recheck_due(verified_on: date, today: date, *, years: int = 3) -> bool:
    """A DBS certificate has no expiry; the co-op rechecks it every few years (RULES §3.4)."""
    return today - verified_on > timedelta(days=365 * years)
