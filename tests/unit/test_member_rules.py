"""May this member work as X on date D? The credential rules of RULES §0.10 and §3."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coop.members.grades import meets_grade
from coop.members.rules import credential_valid_on, expiry_warning, may_work_as, within_scw_window


@dataclass
class Cred:
    kind: str
    verified_on: date
    expires_on: date | None = None
    dbs_workforce: str | None = None


D = date(2026, 11, 23)
NURSE_CREDS = [
    Cred("nmc", date(2025, 1, 1), date(2027, 1, 31)),
    Cred("dbs_enhanced", date(2024, 5, 1), None, "adults"),
    Cred("right_to_work", date(2024, 5, 1)),
    Cred("mandatory_training", date(2026, 1, 1), date(2027, 1, 1)),
]


def codes(reasons):
    return [r.code for r in reasons]


def test_a_nurse_with_every_credential_may_work():
    assert (
        may_work_as(status="active", member_profession="nurse", profession="nurse", credentials=NURSE_CREDS, on=D) == []
    )


def test_a_lapsed_nmc_registration_stops_work_with_no_grace_period():
    reasons = may_work_as(
        status="active", member_profession="nurse", profession="nurse", credentials=NURSE_CREDS, on=date(2027, 2, 1)
    )
    assert codes(reasons) == ["credential_expired", "credential_expired"]
    assert "NMC registration expired on 2027-01-31" in reasons[0].message


def test_a_credential_is_valid_on_its_expiry_day_and_not_after():
    nmc = NURSE_CREDS[0]
    assert credential_valid_on(nmc, date(2027, 1, 31)) and not credential_valid_on(nmc, date(2027, 2, 1))


def test_every_missing_credential_is_a_reason():
    reasons = may_work_as(
        status="active", member_profession="supply_teacher", profession="supply_teacher", credentials=[], on=D
    )
    assert codes(reasons) == ["credential_missing"] * 3


def test_a_teacher_needs_a_dbs_covering_the_childrens_list():
    creds = [
        Cred("ewc", date(2025, 1, 1), date(2027, 3, 31)),
        Cred("dbs_enhanced", date(2024, 1, 1), None, "adults"),
        Cred("right_to_work", date(2020, 1, 1)),
    ]
    reasons = may_work_as(
        status="active", member_profession="supply_teacher", profession="supply_teacher", credentials=creds, on=D
    )
    assert codes(reasons) == ["dbs_wrong_workforce"]


def test_another_profession_or_an_inactive_member_is_refused_with_both_reasons():
    reasons = may_work_as(
        status="suspended", member_profession="nurse", profession="supply_teacher", credentials=NURSE_CREDS, on=D
    )
    assert codes(reasons) == ["member_not_active", "wrong_profession"]


def test_new_care_workers_may_work_six_months_before_scw_registration():
    assert within_scw_window(date(2026, 7, 1), date(2026, 12, 31))
    assert not within_scw_window(date(2026, 5, 23), date(2026, 11, 23))
    assert not within_scw_window(date(2022, 12, 1), date(2022, 12, 5))
    creds = [c for c in NURSE_CREDS if c.kind != "nmc"]
    ok = may_work_as(
        status="active",
        member_profession="care_worker",
        profession="care_worker",
        credentials=creds,
        on=D,
        care_started_on=date(2026, 9, 1),
    )
    assert ok == []


def test_expiry_warnings_start_sixty_days_out_for_registrations_and_thirty_for_training():
    assert expiry_warning(Cred("nmc", D, date(2027, 1, 20)), D) == 58
    assert expiry_warning(Cred("mandatory_training", D, date(2027, 1, 20)), D) is None
    assert expiry_warning(Cred("mandatory_training", D, date(2026, 12, 20)), D) == 27


def test_grades_compare_within_their_ladder():
    assert meets_grade("nurse", "6", "5") and not meets_grade("nurse", "5", "6")
    assert meets_grade("supply_teacher", "U1", "M6") and not meets_grade("supply_teacher", None, "M1")
    assert meets_grade("care_worker", None, None)
