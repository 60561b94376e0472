"""The reason codes a rule gives when a member may not take a shift, one name for one rule everywhere.

The co-op's eligibility rules (``coop/eligibility/rules.py``, ``coop/members/rules.py``) return these codes in
the public API's ``reasons``; the engine's independent checker (:mod:`scheduling.validate`) and its
explanations use the same codes for the same rules. They are defined here because the engine imports nothing
from ``coop``: the co-op's rules can import them from here.
"""

from __future__ import annotations

# The member and their credentials (RULES §0.10, §3).
WRONG_PROFESSION = "wrong_profession"
MEMBER_NOT_ACTIVE = "member_not_active"
CREDENTIAL_MISSING = "credential_missing"
CREDENTIAL_EXPIRED = "credential_expired"
DBS_WRONG_WORKFORCE = "dbs_wrong_workforce"

# The client's requirements and lists.
GRADE_TOO_LOW = "grade_too_low"
MISSING_SKILL = "missing_skill"
WELSH_REQUIRED = "welsh_required"  # RULES §8.2.1
DO_NOT_SEND = "do_not_send"
TOO_FAR = "too_far"

# The member's availability.
ON_LEAVE = "on_leave"
UNAVAILABLE = "unavailable"

# Working time: the rules the engine also models and its checker re-checks.
OVERLAP = "overlap"  # no double booking (RULES §0.1)
REST_TOO_SHORT = "rest_too_short"  # RULES §0.1
NIGHT_RECOVERY = "night_recovery"  # RULES §0.5
WEEKLY_HOURS_EXCEEDED = "weekly_hours_exceeded"  # RULES §0.2
OWN_MAX_HOURS_EXCEEDED = "own_max_hours_exceeded"  # RULES §0.2
TOO_MANY_DAYS_IN_A_ROW = "too_many_days_in_a_row"  # RULES §0.3
TOO_MANY_NIGHTS_IN_A_ROW = "too_many_nights_in_a_row"  # RULES §0.4

NOT_ELIGIBLE = "not_eligible"
"""The co-op's rules found the member not eligible, and gave no code of their own."""

# The engine's own rules, which the co-op's eligibility rules do not have: the published benchmark's member
# rules, and what a roster as a whole may not do.
UNKNOWN_SHIFT = "unknown_shift"
DUPLICATE = "duplicate"
DEMAND_MAX = "demand_max"
FORBIDDEN_SUCCESSION = "forbidden_succession"
SHIFTS_PER_DAY = "shifts_per_day"
KIND_MAX = "kind_max"
TOTAL_MAX = "total_max"
TOTAL_MIN = "total_min"
MIN_CONSECUTIVE_DAYS = "min_consecutive_days"
MIN_CONSECUTIVE_DAYS_OFF = "min_consecutive_days_off"
MAX_WEEKENDS = "max_weekends"
