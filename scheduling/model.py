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
    _days: dict[tuple[str, int], Term] = field(default_factory=dict)
    _nights: dict[tuple[str, int], Term] = field(default_factory=dict)
    _by_day: dict[str, dict[int, list[Shift]]] = field(default_factory=dict)

    @classmethod
    def build(cls, problem: RosterProblem) -> RosterModel:
        rm = cls(problem=problem, candidates=find_candidates(problem))
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
            worker = self.workers[worker_id]
            if any(f.day == day for f in worker.fixed_shifts):
                self._days[key] = 1
            else:
                self._days[key] = self._or_literal(worker, day, self.shifts_on(worker_id, day), "works")
        return self._days[key]

    def nights_on(self, worker_id: str, day: int) -> Term:
        """1 if the worker works a night shift starting on ``day``."""
        key = (worker_id, day)
        if key not in self._nights:
            worker = self.workers[worker_id]
            if any(f.day == day and f.is_night for f in worker.fixed_shifts):
                self._nights[key] = 1
            else:
                nights = [s for s in self.shifts_on(worker_id, day) if s.is_night]
                self._nights[key] = self._or_literal(worker, day, nights, "nights")
        return self._nights[key]

    def day_range(self, worker: Worker) -> range:
        """Days to scan for day-pattern rules: the horizon plus days of fixed shifts around it."""
        days = [f.day for f in worker.fixed_shifts]
        first = min([0, *days])
        last = max([self.problem.horizon.num_days - 1, *days])
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
