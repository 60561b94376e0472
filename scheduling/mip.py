"""The fill solved as a mixed-integer programme over the pairs the linear relaxation uses.

A co-op's week is mostly an assignment problem with a few side rules, and on such problems the linear
relaxation (:func:`scheduling.bounds.fill_relaxation`) is nearly integral: on the regional week's teachers
it leaves 940 of 30,868 pairs non-zero, and an integer roster over just those pairs and the roster in hand
fills as much as the relaxation says any roster can. CP-SAT, given the same few thousand pairs, improves
by small neighbourhood moves and stays far from that in the time; a branch-and-cut solver, which works on
the relaxation itself, solves them to optimality in a second or two. So the fill stage hands the
restricted problem to SCIP (bundled with OR-Tools) as a MIP.

The MIP is the engine's own model (:func:`scheduling.refill.engine_model`, every hard rule), translated
constraint by constraint, so no rule is written twice; a model using a constraint the translation does
not know raises :class:`Unsupported` and the caller keeps its roster. The relaxation's own rows are added as
cuts (:func:`scheduling.bounds.add_relaxed_rules`): they hold for every roster within the rules.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterable

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduling.bounds import add_relaxed_rules
from scheduling.problem import RosterProblem
from scheduling.refill import FILL_ONLY, Roster, chosen_values, engine_model, unfilled_cost
from scheduling.validate import validate_roster

_KINDS = ("bool_or", "bool_and", "at_most_one", "exactly_one", "linear", "lin_max")
_OTHER_KINDS = ("bool_xor", "int_prod", "int_div", "int_mod", "table", "automaton", "element", "all_diff")
_UNBOUNDED = 2**62


class Unsupported(ValueError):
    """The model uses a constraint that has no translation here."""


@dataclasses.dataclass
class Mip:
    """A CP-SAT model as a SCIP programme: ``variables[i]`` stands for the model's variable ``i``."""

    solver: pywraplp.Solver
    variables: list


def translate(model: cp_model.CpModel) -> Mip:
    """The model as a MIP with the same integer solutions and objective (Booleans, linear constraints with or
    without enforcement, clauses, at-most-one, exactly-one, and the maximum of literals)."""
    proto = model.proto
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        raise Unsupported("this OR-Tools build has no SCIP")
    domains = [list(v.domain) for v in proto.variables]
    if any(len(d) != 2 for d in domains):
        raise Unsupported("a variable's domain has holes")
    v = [solver.IntVar(d[0], d[1], "") for d in domains]

    def literal(ref: int):
        return v[ref] if ref >= 0 else 1 - v[-ref - 1]

    def expression(e):
        return sum(c * v[i] for i, c in zip(e.vars, e.coeffs, strict=True)) + e.offset

    for ct in proto.constraints:
        kind = next((k for k in _KINDS if getattr(ct, f"has_{k}")()), None)
        if kind is None:
            named = next((k for k in _OTHER_KINDS if getattr(ct, f"has_{k}")()), "an unknown constraint")
            raise Unsupported(f"{named} has no translation")
        off = sum(1 - literal(e) for e in ct.enforcement_literal)  # 0 exactly when every enforcement holds
        if kind == "bool_or":
            solver.Add(sum(literal(r) for r in ct.bool_or.literals) + off >= 1)
        elif kind == "bool_and":
            for r in ct.bool_and.literals:
                solver.Add(literal(r) + off >= 1)
        elif kind in ("at_most_one", "exactly_one") and not ct.enforcement_literal:
            terms = sum(literal(r) for r in getattr(ct, kind).literals)
            solver.Add(terms <= 1 if kind == "at_most_one" else terms == 1)
        elif kind == "linear":
            _linear(solver, ct.linear, v, domains, off)
        elif kind == "lin_max" and not ct.enforcement_literal:
            _max_of_literals(solver, ct.lin_max, expression, domains)
        else:
            raise Unsupported(f"an enforced {kind} has no translation")
    objective = proto.objective
    solver.Minimize(sum(c * v[i] for i, c in zip(objective.vars, objective.coeffs, strict=True)) + objective.offset)
    return Mip(solver, v)


def _linear(solver, linear, v, domains, off) -> None:
    domain = list(linear.domain)
    if len(domain) != 2:
        raise Unsupported("a linear constraint's domain has holes")
    low, high = domain
    terms = sum(c * v[i] for i, c in zip(linear.vars, linear.coeffs, strict=True))
    least = sum(min(c * domains[i][0], c * domains[i][1]) for i, c in zip(linear.vars, linear.coeffs, strict=True))
    most = sum(max(c * domains[i][0], c * domains[i][1]) for i, c in zip(linear.vars, linear.coeffs, strict=True))
    # Enforced: relaxed by the expression's own range whenever an enforcement literal is false (big-M).
    if high < most and high < _UNBOUNDED:
        solver.Add(terms <= high + (most - high) * off)
    if low > least and low > -_UNBOUNDED:
        solver.Add(terms >= low - (low - least) * off)


def _max_of_literals(solver, lin_max, expression, domains) -> None:
    """target = max(literals): at least each, at most their sum (exact for 0/1 terms only)."""
    for e in lin_max.exprs:
        if e.offset or any(c != 1 or domains[i] != [0, 1] for i, c in zip(e.vars, e.coeffs, strict=True)):
            raise Unsupported("a maximum of other than literals has no translation")
    target, terms = expression(lin_max.target), [expression(e) for e in lin_max.exprs]
    for term in terms:
        solver.Add(target >= term)
    solver.Add(target <= sum(terms))


def restricted(problem: RosterProblem, pairs: Iterable[tuple[str, str]]) -> RosterProblem:
    """The problem with each member eligible only for the (shift id, member id) ``pairs`` given (and
    already eligible)."""
    keep: dict[str, set[str]] = collections.defaultdict(set)
    for sid, wid in pairs:
        keep[wid].add(sid)
    workers = tuple(
        dataclasses.replace(w, eligible_shift_ids=frozenset(w.eligible_shift_ids & keep.get(w.id, set())))
        for w in problem.workers
    )
    return dataclasses.replace(problem, workers=workers)


@dataclasses.dataclass(frozen=True)
class MipFill:
    roster: Roster
    proven: bool
    """Optimal over the pairs it was given (not over the whole problem)."""


def fill_over(
    problem: RosterProblem, pairs: Iterable[tuple[str, str]], start: Roster, *, time_limit_s: float
) -> MipFill | None:
    """The fullest roster (fewest places unfilled, by priority) that uses only ``pairs`` and ``start``'s
    pairs, every hard rule kept, solved by SCIP from ``start``; None if SCIP found nothing at least as
    good as ``start`` in the time or the model has no translation."""
    rm = engine_model(restricted(problem, {*pairs, *start}), FILL_ONLY)
    try:
        mip = translate(rm.model)
    except Unsupported:
        return None
    decisions = list(rm.x.items())
    # The relaxation's rows as cuts: SCIP's own root bound on a care week is far below them (297 against 430).
    add_relaxed_rules(mip.solver, rm.problem, rm.candidates, {key: mip.variables[var.index] for key, var in decisions})
    mip.solver.SetHint(
        [mip.variables[var.index] for _, var in decisions], [float((sid, wid) in start) for (wid, sid), _ in decisions]
    )
    mip.solver.SetTimeLimit(max(100, int(time_limit_s * 1000)))
    status = mip.solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    values = [round(x.solution_value()) for x in mip.variables]
    roster = chosen_values(rm, values)
    if unfilled_cost(problem, roster) > unfilled_cost(problem, start):
        return None
    # A week too large to model takes this roster as it is, with no CP-SAT solve to check it: the
    # independent checker does, so a translation that lost a rule costs a roster, never a broken rule.
    if validate_roster(problem, sorted(roster)):
        return None
    return MipFill(roster, status == pywraplp.Solver.OPTIMAL)
