"""Pure rostering engine: plain data in, a CP-SAT model, a roster with explanations out.

Public API (see each module for details):

- :mod:`scheduling.problem`: ``RosterProblem``, ``Horizon``, ``Shift``, ``Worker``, ``FixedShift``,
  ``ShiftRequest``; every time is an integer number of minutes from the horizon start.
- :mod:`scheduling.objective`: ``Weights`` (the co-op's tunable objective weights) and ``DEFAULT_WEIGHTS``.
- :mod:`scheduling.solve`: ``solve(problem, parameters, progress=None)``, which picks a strategy
  (:mod:`scheduling.strategies`); :mod:`scheduling.parameters`: ``SolveParameters``.
- :mod:`scheduling.solution`: ``RosterSolution`` and its parts.
- :mod:`scheduling.validate`: ``validate_roster``, an independent re-check of the hard rules.

This package never imports the database, the web layer or ``coop``.
"""

from scheduling.explain import brief_solution
from scheduling.objective import DEFAULT_WEIGHTS, Weights
from scheduling.parameters import SolveParameters
from scheduling.problem import FixedShift, Horizon, RosterProblem, Shift, ShiftRequest, Worker
from scheduling.solution import Assignment, FairnessFigure, Reason, RosterSolution, Unfilled
from scheduling.solve import solve
from scheduling.validate import Violation, validate_roster

__all__ = [
    "DEFAULT_WEIGHTS",
    "Assignment",
    "FairnessFigure",
    "FixedShift",
    "Horizon",
    "Reason",
    "RosterProblem",
    "RosterSolution",
    "Shift",
    "ShiftRequest",
    "SolveParameters",
    "Unfilled",
    "Violation",
    "Weights",
    "Worker",
    "brief_solution",
    "solve",
    "validate_roster",
]
