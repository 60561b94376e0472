"""The engine's reason codes are the co-op's eligibility codes: one name for one rule, from booking to roster."""

from __future__ import annotations

import re
from pathlib import Path

from scheduling import reasons
from scheduling.validate import RULE_CODES

ROOT = Path(__file__).resolve().parents[2]


def _codes_given_by(path: str) -> set[str]:
    return set(re.findall(r'(?:_reason|Reason)\(\s*"(\w+)"', (ROOT / path).read_text()))


def test_every_code_the_eligibility_rules_give_is_defined_in_the_engines_reasons():
    given = _codes_given_by("coop/eligibility/rules.py") | _codes_given_by("coop/members/rules.py")
    defined = {v for k, v in vars(reasons).items() if k.isupper()}
    assert given and given <= defined, sorted(given - defined)


def test_the_checker_names_the_working_time_rules_as_the_eligibility_rules_do():
    assert {
        reasons.OVERLAP,
        reasons.REST_TOO_SHORT,
        reasons.NIGHT_RECOVERY,
        reasons.WEEKLY_HOURS_EXCEEDED,
        reasons.TOO_MANY_DAYS_IN_A_ROW,
        reasons.TOO_MANY_NIGHTS_IN_A_ROW,
        reasons.NOT_ELIGIBLE,
    } <= set(RULE_CODES)
    assert not {"rest", "weekly_max", "consecutive_days", "consecutive_nights", "night_succession"} & set(RULE_CODES)
