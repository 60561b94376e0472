"""A lower bound from whole rosters as columns (Dantzig-Wolfe decomposition, solved by column generation).

Every hard rule but the shift's head count binds one member alone, and every objective term but the
cover costs and the largest fairness shortfall is a sum over members. So the roster problem is: pick, for
each member, one of the rosters their own rules allow (a *column*), so that the cover costs plus the
rosters' own costs are least. The linear relaxation of that choice keeps each member's rules (runs of
days, totals, weekends, successions) whole inside the column, which the relaxation of the model CP-SAT
solves does not: on the published benchmark it reaches Instance4's optimum, 1,716, in 4 s, and Instance7's
1,055 (optimum 1,056) in 10 s, where CP-SAT's bound was 1,052 after 60 s.

The columns are generated as needed: the restricted master (GLOP) gives a price for each place; each
member's cheapest roster at those prices comes from the engine's own model of that member alone (the same
hard rules, the same objective terms, ``HARD`` and ``SOFT``), solved by CP-SAT. For any prices ``pi``, the
Lagrangian function

    L(pi) = sum over shifts of [pi_s d_s + d_s min(0, u_s - pi_s) + (cap_s - d_s) min(0, o_s + pi_s)]
            + sum over members of min over their rosters r of (c_r - sum_s pi_s a_rs)

(``d`` demand, ``u``/``o`` under/over-cover weights, ``cap`` the most people a shift may have, ``c_r`` the
roster's own cost, ``a_rs`` 1 if roster r works shift s) is a lower bound on every roster's cost, optimal
or not, since it relaxes the cover rows only. Each member's minimum is taken as CP-SAT's proven bound on
it, with prices rounded up to the integer grid CP-SAT needs, which can only lower it; so every iteration's
bound is sound, converged or not, and the best is kept. Dropping the largest-shortfall term (never
negative) only loosens it further.

The prices also bound each decision (:func:`margins`): a roster that gives a (member, shift) pair the
other value than the member's cheapest roster costs at least the bound plus that pair's margin, so a
search for rosters below some cost may fix every pair whose margin is too large (reduced-cost fixing).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduling.candidates import find_candidates
from scheduling.constraints import HARD
from scheduling.model import RosterModel
from scheduling.objective import Penalty, Weights, build_objective, objective_expr
from scheduling.problem import RosterProblem
from scheduling.refill import sub_problem

PRICE_SCALE = 10_000
"""Prices are rounded up to multiples of 1/PRICE_SCALE for CP-SAT's integer objective: each rounding raises
a price, so each member's cheapest roster can only look cheaper and the bound stays sound; at this scale
it loses at most a few hundredths over a month's roster of a benchmark instance."""

REDUCED_COST_EPSILON = 1e-6

MIN_ROUND_S = 0.05
"""A pricing round is not started with less time than this left: its members would find nothing."""

SMOOTHING = 0.5
"""Weight of the best bound's prices in the prices each member is priced at (Wentges smoothing)."""

GLOP_FALLBACK = "use_preprocessing: false"
"""GLOP's parameters for a master it could not solve with its defaults (see :meth:`_Master.rebuilt`)."""

ARTIFICIAL_COST_FACTOR = 100
"""An artificial variable lets the restricted master break a shift's cap (or leave a member without a
roster) at this many times the largest cover or roster cost, so it always has a solution and prices."""


@dataclass(frozen=True)
class Cover:
    """A shift's place in the master: demand, the most people it may have, cost per missing and extra one."""

    shift_id: str
    demand: int
    cap: int
    under_weight: int
    over_weight: int


@dataclass
class ColumnBound:
    """What column generation reached.

    Attributes:
        bound: the best Lagrangian bound (a float; every roster costs at least its ceiling when costs are
            integers), or None if some member has no roster at all or no round was priced in the time.
        master_value: the restricted master's last optimum (an upper estimate of the relaxation's).
        converged: no member had a roster cheaper than the master's prices allow (the relaxation is solved).
        iterations: pricing rounds run.
        seconds: wall time spent.
    """

    bound: float | None
    master_value: float | None = None
    converged: bool = False
    iterations: int = 0
    seconds: float = 0.0
    prices: dict[str, float] = field(default_factory=dict)
    """The prices of the best bound (for :func:`margins`)."""
    worked: dict[tuple[str, str], float] = field(default_factory=dict)
    """How much of each (member id, shift id) pair the restricted master's last solution works (the sum of
    the weights of the member's columns that hold the shift); pairs it does not work are left out."""
    cover: list[Cover] = field(default_factory=list, repr=False)
    pricers: list[_Pricer] = field(default_factory=list, repr=False)


class Priced(NamedTuple):
    """One member's pricing: the proven least of (own cost - prices of the shifts worked), scaled by
    PRICE_SCALE (-inf when not even that is known in the time, inf when no roster fits the member's rules),
    the value of the roster found, the roster, and its own cost."""

    least: float
    found: float
    roster: frozenset[str] | None = None
    cost: float | None = None


class _Pricer:
    """One member's own model (the engine's, for that member alone), priced again on each round."""

    def __init__(self, problem: RosterProblem, worker_id: str, weights: Weights) -> None:
        alone = sub_problem(problem, set(), {worker_id}, range(problem.horizon.num_days))
        # Cover costs belong to the master: the member's model carries only the member's own terms.
        alone = replace(alone, shifts=tuple(replace(s, under_weight=0, over_weight=0) for s in alone.shifts))
        self.worker_id = worker_id
        self.rm = RosterModel.build(alone)
        for add_rule in HARD:
            add_rule(self.rm)
        self.own_cost = objective_expr(build_objective(self.rm, weights))
        self.x = {sid: var for (_wid, sid), var in self.rm.x.items()}

    def probe(self, prices: dict[str, int], shift_id: str, worked: bool, time_limit_s: float, seed: int) -> float:
        """:meth:`price`'s proven least among the rosters that work ``shift_id`` (or don't, ``worked=False``);
        inf if there is none."""
        domain = self.rm.model.proto.variables[self.x[shift_id].index].domain
        low, high = domain[0], domain[1]
        domain[0] = domain[1] = int(worked)
        try:
            return self.price(prices, time_limit_s, seed).least
        finally:
            domain[0], domain[1] = low, high

    def price(self, prices: dict[str, int], time_limit_s: float, seed: int) -> Priced:
        """The cheapest roster at ``prices`` (integers, PRICE_SCALE to a unit)."""
        xs = [(var, prices[sid]) for sid, var in self.x.items() if prices.get(sid)]
        self.rm.model.minimize(
            PRICE_SCALE * self.own_cost - cp_model.LinearExpr.weighted_sum([v for v, _ in xs], [p for _, p in xs])
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
        solver.parameters.random_seed = seed
        # The LP at its strongest proves a member's cheapest roster sooner: Instance14 (42 days, 4 kinds)
        # 0.04-0.07 s a member against 0.1-0.3 s at the default level.
        solver.parameters.linearization_level = 2
        status = solver.solve(self.rm.model)
        if status == cp_model.INFEASIBLE:
            return Priced(math.inf, math.inf)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Priced(-math.inf, math.inf)  # UNKNOWN reports a bound of 0, which is no bound at all
        roster = frozenset(sid for sid, var in self.x.items() if solver.boolean_value(var))
        return Priced(solver.best_objective_bound, solver.objective_value, roster, solver.value(self.own_cost))


def covers(problem: RosterProblem, penalties: Iterable[Penalty]) -> list[Cover]:
    """Each shift's cover terms as the whole model costs them (its ``fill`` penalties and over-cover weight)."""
    # The under-cover weight may be the model's fill unit (``build_objective``); over-cover is the shift's own.
    under = {p.shift_id: p.weight for p in penalties if p.term == "fill" and p.shift_id is not None}
    candidates = find_candidates(problem)
    out = []
    for shift in problem.shifts:
        # No member takes a shift twice, so its head count never passes its number of candidates.
        cap = min(shift.cap, len(candidates.workers_of.get(shift.id, ())))
        out.append(Cover(shift.id, shift.demand, cap, under.get(shift.id, 0), shift.over_weight))
    return out


class _Master:
    """The restricted master LP: a convex choice of each member's columns, cover rows with under/over slack."""

    def __init__(self, cover: list[Cover], worker_ids: list[str], big: float, glop: str = "") -> None:
        self.cover, self.worker_ids, self.big, self.glop = cover, worker_ids, big, glop
        self.columns: list[tuple[str, frozenset[str], float]] = []
        self.variables: list[pywraplp.Variable] = []
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        s = self.solver
        if glop:
            s.SetSolverSpecificParametersAsString(glop)
        self.rows = {}
        for c in cover:
            row = s.Constraint(c.demand, c.demand)
            under = s.NumVar(0.0, c.demand, "")
            over = s.NumVar(0.0, max(0, c.cap - c.demand), "")
            breach = s.NumVar(0.0, s.infinity(), "")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            row.SetCoefficient(breach, -1)
            self.rows[c.shift_id] = row
            s.Objective().SetCoefficient(under, c.under_weight)
            s.Objective().SetCoefficient(over, c.over_weight)
            s.Objective().SetCoefficient(breach, big)
        self.convexity = {}
        for wid in worker_ids:
            row = s.Constraint(1, 1)
            none = s.NumVar(0.0, 1.0, "")
            row.SetCoefficient(none, 1)
            s.Objective().SetCoefficient(none, big)
            self.convexity[wid] = row
        s.Objective().SetMinimization()

    def add(self, worker_id: str, roster: frozenset[str], own_cost: float) -> None:
        self.columns.append((worker_id, roster, own_cost))
        var = self.solver.NumVar(0.0, self.solver.infinity(), "")
        self.variables.append(var)
        self.solver.Objective().SetCoefficient(var, own_cost)
        self.convexity[worker_id].SetCoefficient(var, 1)
        for sid in roster:
            self.rows[sid].SetCoefficient(var, 1)

    def rebuilt(self, glop: str | None = None) -> _Master:
        """The same master built afresh, with GLOP's parameters ``glop`` (the same as now if None): GLOP's warm
        start from the last basis sometimes ends ABNORMAL (Instance9, after a few rounds), and a cold solve of
        the same LP then succeeds; on Instance12 (2,214 columns, round 37) the cold solve ended ABNORMAL too,
        and the same LP without GLOP's presolve (``GLOP_FALLBACK``) solved."""
        fresh = _Master(self.cover, self.worker_ids, self.big, self.glop if glop is None else glop)
        for column in self.columns:
            fresh.add(*column)
        return fresh

    def solve(self) -> tuple[float, dict[str, float], dict[str, float]] | None:
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        prices = {sid: row.dual_value() for sid, row in self.rows.items()}
        duals = {wid: row.dual_value() for wid, row in self.convexity.items()}
        return self.solver.Objective().Value(), prices, duals

    def worked(self) -> dict[tuple[str, str], float]:
        """Each pair's share in the last solution (call after a successful :meth:`solve`)."""
        out: dict[tuple[str, str], float] = {}
        for (wid, roster, _cost), var in zip(self.columns, self.variables, strict=True):
            weight = var.solution_value()
            if weight > REDUCED_COST_EPSILON:
                for sid in roster:
                    out[wid, sid] = out.get((wid, sid), 0.0) + weight
        return out


def lagrangian_cover_part(cover: list[Cover], prices: dict[str, float]) -> float:
    """The cover rows' share of L(pi): each shift's price times its demand, plus the least its under- and
    over-cover slack can cost at that price."""
    total = 0.0
    for c in cover:
        pi = prices.get(c.shift_id, 0.0)
        total += pi * c.demand + c.demand * min(0.0, c.under_weight - pi)
        total += max(0, c.cap - c.demand) * min(0.0, c.over_weight + pi)
    return total


def column_bound(
    problem: RosterProblem,
    penalties: Iterable[Penalty],
    weights: Weights,
    *,
    deadline: float,
    stop_at: float | None = None,
    seed: int = 0,
    threads: int = 1,
    pricing_time_limit_s: float = 5.0,
    smoothing: float = SMOOTHING,
    rounds_needed: int | None = None,
) -> ColumnBound:
    """Column generation until the relaxation is solved, ``deadline`` (a ``time.perf_counter()`` value)
    passes, or the bound proves that no roster costs less than ``stop_at`` (a roster already found).
    With ``rounds_needed``, also as soon as the rounds so far take longer on average than the time over
    ``rounds_needed`` (the first one is cut off there): a generation that cannot converge in its time leaves
    a weak bound, and the time is better given to the search.

    ``penalties`` are the whole model's (for each shift's cover weights); ``weights`` the objective's, of
    which the largest-shortfall term is left out (it couples members). Members are priced on ``threads``
    threads (CP-SAT lets go of the interpreter while it solves)."""
    started = time.perf_counter()
    share = math.inf if rounds_needed is None else (deadline - started) / rounds_needed
    round_deadline = min(deadline, started + share)  # the first round's; the later ones have the whole time
    penalties = list(penalties)
    cover = covers(problem, penalties)
    pricers = [_Pricer(problem, w.id, replace(weights, fairness_max_shortfall=0)) for w in problem.workers]
    workers = [p.worker_id for p in pricers]
    largest = max([c.under_weight for c in cover] + [c.over_weight for c in cover] + [1])
    master = _Master(cover, workers, ARTIFICIAL_COST_FACTOR * largest)
    result = ColumnBound(bound=None, cover=cover, pricers=pricers)
    seen: set[tuple[str, frozenset[str]]] = set()
    prices: dict[str, float] = {}  # the master's
    duals: dict[str, float] = {wid: math.inf for wid in workers}  # every first roster is a column
    centre: dict[str, float] | None = None  # the prices of the best bound so far
    smooth = smoothing

    def price_all(at: dict[str, int]) -> list[Priced]:
        def one(pricer: _Pricer) -> Priced:
            left = round_deadline - time.perf_counter()
            return pricer.price(at, min(pricing_time_limit_s, max(0.01, left)), seed)

        return list(pool.map(one, pricers)) if pool else [one(p) for p in pricers]

    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    try:
        while True:
            # Wentges smoothing: price between the best bound's prices and the master's, which swing wildly
            # in the first rounds; a round that finds no column at the smoothed prices then tries the master's.
            at = (
                prices
                if centre is None or not smooth
                else {
                    c.shift_id: smooth * centre.get(c.shift_id, 0.0) + (1 - smooth) * prices.get(c.shift_id, 0.0)
                    for c in cover
                }
            )
            priced = price_all({sid: math.ceil(PRICE_SCALE * pi - 1e-9) for sid, pi in at.items()})
            result.iterations += 1
            if any(p.least == math.inf for p in priced):
                result.bound = None  # a member no roster fits: no roster at all
                return result
            bound = lagrangian_cover_part(cover, at) + sum(p.least for p in priced) / PRICE_SCALE
            # -inf when a member's pricing ran out of time: that round proves nothing.
            if bound > -math.inf and (result.bound is None or bound > result.bound):
                result.bound, centre = bound, at
                result.prices = at
            added = 0
            for pricer, p in zip(pricers, priced, strict=True):
                if p.roster is None or p.cost is None or (pricer.worker_id, p.roster) in seen:
                    continue
                # Worth adding only if it is cheaper than the master's prices allow.
                reduced = p.cost - sum(prices.get(sid, 0.0) for sid in p.roster) - duals[pricer.worker_id]
                if reduced < -REDUCED_COST_EPSILON:
                    seen.add((pricer.worker_id, p.roster))
                    master.add(pricer.worker_id, p.roster, p.cost)
                    added += 1
            if stop_at is not None and result.bound is not None and math.ceil(result.bound - 1e-6) >= stop_at:
                break
            if time.perf_counter() - started > share * result.iterations:
                break  # too slow to converge in the time
            round_deadline = deadline
            if added == 0:
                if at is prices:  # priced at the master's own prices: nothing cheaper exists
                    result.converged = all(p.found - p.least <= 0.5 for p in priced)
                    break
                smooth = 0.0  # a mispricing: the next round prices at the master's prices
                if time.perf_counter() >= deadline - MIN_ROUND_S:
                    break
                continue
            smooth = smoothing
            if time.perf_counter() >= deadline - MIN_ROUND_S:
                break
            solved = master.solve()
            if solved is None:
                master = master.rebuilt()
                solved = master.solve()
            if solved is None and master.glop != GLOP_FALLBACK:
                master = master.rebuilt(GLOP_FALLBACK)
                solved = master.solve()
            if solved is None:
                break
            result.master_value, prices, duals = solved
            result.worked = master.worked()
    finally:
        if pool:
            pool.shutdown()
        result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class Margins:
    """What the columns' prices say of each decision: at the best bound's prices, every roster costs at least
    ``bound``, and one that gives the pair (member id, shift id) the other value than ``preferred`` at least
    ``bound + extra[pair]`` (inf when no roster of the member does)."""

    bound: float
    preferred: dict[tuple[str, str], bool]
    extra: dict[tuple[str, str], float]

    def fixed_below(self, ceiling: float) -> dict[tuple[str, str], bool] | None:
        """The pairs' values in every roster costing at most ``ceiling``; None when there is no such roster."""
        slack = ceiling - self.bound
        if slack < -1e-6:
            return None
        return {pair: self.preferred[pair] for pair, extra in self.extra.items() if extra > slack + 1e-6}


def margins(found: ColumnBound, *, deadline: float, seed: int = 0, threads: int = 1) -> Margins | None:
    """Each member's pairs probed against the roster their pricing prefers at the best bound's prices, with
    the engine's one-member model (reduced-cost fixing). Pairs not probed by ``deadline`` are left out, so
    what is returned is sound however far it got; None if the columns have no bound."""
    if found.bound is None or not found.pricers:
        return None
    scaled = {sid: math.ceil(PRICE_SCALE * pi - 1e-9) for sid, pi in found.prices.items()}

    def limit() -> float:
        return max(0.01, deadline - time.perf_counter())

    def probe(pricer: _Pricer, mine: Priced) -> dict[tuple[str, str], float]:
        extra = {}
        for sid in pricer.x:
            if time.perf_counter() >= deadline:
                break
            other = pricer.probe(scaled, sid, sid not in mine.roster, limit(), seed)
            extra[pricer.worker_id, sid] = (other - mine.least) / PRICE_SCALE
        return extra

    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    try:
        own = (
            list(pool.map(lambda p: p.price(scaled, limit(), seed), found.pricers))
            if pool
            else [p.price(scaled, limit(), seed) for p in found.pricers]
        )
        if any(p.roster is None for p in own):
            return None
        jobs = list(zip(found.pricers, own, strict=True))
        parts = list(pool.map(lambda j: probe(*j), jobs)) if pool else [probe(*j) for j in jobs]
    finally:
        if pool:
            pool.shutdown()
    bound = lagrangian_cover_part(found.cover, found.prices) + sum(p.least for p in own) / PRICE_SCALE
    preferred = {(pr.worker_id, sid): sid in p.roster for pr, p in jobs for sid in pr.x}
    return Margins(bound, preferred, {pair: e for part in parts for pair, e in part.items()})
