"""The CP-SAT model under construction: decision variables and the derived day/night literals.

``x[worker_id, shift_id]`` is 1 when the worker takes the shift; it exists only for candidate pairs
(see :mod:`scheduling.candidates`). ``works_on`` and ``nights_on`` give, per worker and day, a literal
(or the constant 0/1 when fixed shifts or the lack of candidates decide it) used by the day-pattern
rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduling.candidates import Candidates, find_candidates
from scheduling.fixed import FixedIndex, index_fixed
from scheduling.problem import RosterProblem, Shift, Worker

Term = cp_model.IntVar | int


@dataclass
class RosterModel:
    """Holds the model, its variables and lookup tables shared by the rule functions."""

    problem: RosterProblem
    candidates: Candidates
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    shifts: dict[str, Shift] = field(default_factory=dict)
    workers: dict[str, Worker] = field(default_factory=dict)
    fixed: dict[str, FixedIndex] = field(default_factory=dict)
    """Each worker's fixed shifts, indexed (see :mod:`scheduling.fixed`)."""
    _days: dict[tuple[str, int], Term] = field(default_factory=dict)
    _nights: dict[tuple[str, int], Term] = field(default_factory=dict)
    _by_day: dict[str, dict[int, list[Shift]]] = field(default_factory=dict)

    @classmethod
    def build(cls, problem: RosterProblem) -> RosterModel:
        fixed = index_fixed(problem)
        rm = cls(problem=problem, candidates=find_candidates(problem, fixed), fixed=fixed)
        rm.shifts = problem.shift_by_id()
        rm.workers = {w.id: w for w in problem.workers}
        for worker in problem.workers:
            by_day: dict[int, list[Shift]] = defaultdict(list)
            for shift in rm.candidates.shifts_of[worker.id]:
                rm.x[worker.id, shift.id] = rm.model.new_bool_var(f"x(worker={worker.id},shift={shift.id})")
                by_day[shift.day].append(shift)
            rm._by_day[worker.id] = by_day
        return rm

    def shifts_on(self, worker_id: str, day: int) -> list[Shift]:
        """Candidate shifts of the worker starting on ``day``."""
        return self._by_day[worker_id].get(day, [])

    def _or_literal(self, worker: Worker, day: int, shifts: list[Shift], name: str) -> Term:
        xs = [self.x[worker.id, s.id] for s in shifts]
        if not xs:
            return 0
        if len(xs) == 1:
            return xs[0]
        y = self.model.new_bool_var(f"{name}(worker={worker.id},day={day})")
        if worker.max_shifts_per_day == 1:
            # At most one shift a day: the sum is already 0/1, so equality keeps the LP tight.
            self.model.add(y == sum(xs))
        else:
            self.model.add_max_equality(y, xs)
        return y

    def works_on(self, worker_id: str, day: int) -> Term:
        """1 if the worker works on ``day`` (a shift starting that day), as a literal or constant."""
        key = (worker_id, day)
        if key not in self._days:
            if day in self.fixed[worker_id].days:
                self._days[key] = 1
            else:
                shifts = self.shifts_on(worker_id, day)
                self._days[key] = self._or_literal(self.workers[worker_id], day, shifts, "works")
        return self._days[key]

    def nights_on(self, worker_id: str, day: int) -> Term:
        """1 if the worker works a night shift starting on ``day``."""
        key = (worker_id, day)
        if key not in self._nights:
            if day in self.fixed[worker_id].night_days:
                self._nights[key] = 1
            else:
                nights = [s for s in self.shifts_on(worker_id, day) if s.is_night]
                self._nights[key] = self._or_literal(self.workers[worker_id], day, nights, "nights")
        return self._nights[key]

    def day_range(self, worker: Worker) -> range:
        """Days to scan for day-pattern rules: the horizon plus days of fixed shifts around it."""
        days = self.fixed[worker.id].days
        first = min(0, min(days, default=0))
        last = max(self.problem.horizon.num_days - 1, max(days, default=0))
        return range(first, last + 1)

    def add_clause(self, literals: list[tuple[Term, bool]]) -> None:
        """Add "at least one of these holds"; each item is (term, wanted value). Constants fold away."""
        lits = []
        for term, wanted in literals:
            if isinstance(term, int):
                if bool(term) == wanted:
                    return
                continue
            lits.append(term if wanted else ~term)
        if not lits:
            self.model.add_bool_or([self.model.new_constant(0)])
        else:
            self.model.add_bool_or(lits)
