"""The co-op's policy numbers (RULES §0): defaults a co-op can change, read from the environment.

Each is a setting with the prefix COOP_POLICY_, e.g. COOP_POLICY_MIN_REST_HOURS=12.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Policy(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COOP_POLICY_", extra="ignore")

    min_rest_hours: int = 11  # RULES §0.1
    max_week_hours: int = 48  # RULES §0.2, unless the member opted out
    max_consecutive_days: int = 6  # RULES §0.3
    max_consecutive_nights: int = 4  # RULES §0.4
    night_start_hour: int = 23  # RULES §1.3: night time is 23:00–06:00
    night_end_hour: int = 6
    night_min_hours: int = 3  # RULES §0.4: a night shift has 3 h or more of night time
    night_recovery_hours: int = 24  # RULES §0.5: after a night, nothing but a night within 24 h
    break_after_hours: int = 6  # RULES §0.6
    break_minutes: int = 20
    client_notice_hours: int = 24  # RULES §0.7
    late_cancel_charge_hours: int = 4  # RULES §0.7: the lesser of the booked time and 4 h
    member_cancel_hours: int = 12  # RULES §0.8
    urgent_within_hours: int = 24  # a shift starting this soon and still open is urgent
    payment_terms_days: int = 30  # an invoice falls due this many days after it is issued (aged debtors)


@lru_cache
def get_policy() -> Policy:
    return Policy()
