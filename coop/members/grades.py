"""Grades by profession, in order, so that "at least grade G" can be compared.

Teachers: pay scale points (unqualified, main M1–M6, upper U1–U3); nurses: Agenda for Change bands;
care workers: the level of their Health and Social Care qualification.
"""

from __future__ import annotations

GRADES: dict[str, tuple[str, ...]] = {
    "supply_teacher": ("UQ", "M1", "M2", "M3", "M4", "M5", "M6", "U1", "U2", "U3"),
    "nurse": ("2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"),
    "care_worker": ("1", "2", "3", "4", "5"),
}


def is_grade(profession: str, grade: str) -> bool:
    return grade in GRADES.get(profession, ())


def grade_rank(profession: str, grade: str | None) -> int:
    """The grade's place in its ladder; -1 for none or unknown."""
    ladder = GRADES.get(profession, ())
    return ladder.index(grade) if grade in ladder else -1


def meets_grade(profession: str, grade: str | None, minimum: str | None) -> bool:
    if not minimum:
        return True
    return grade_rank(profession, grade) >= grade_rank(profession, minimum) >= 0
