"""How a roster is solved: :class:`SolveParameters` (what a caller sets) and the engine's tuning constants.

Each constant says in one line what it is and where it was measured; the measurements themselves, as they
were written when each was tuned, are in ``bench/HISTORY.md`` under "Tuning notes". The strategies read the
constants through this module (``tuning.NAME``), so a test may set one for a single run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SolveParameters:
    """How to solve.

    Attributes:
        time_limit_s: wall-clock limit in seconds.
        random_seed: CP-SAT's seed.
        num_workers: parallel search workers; None means every core (``os.cpu_count()``).
        deterministic_time_limit: if set, a deterministic-time limit and interleaved search, so that
            multi-worker runs are reproducible (see :mod:`scheduling.cpsat`). Portfolio strategy only.
        log_search: let CP-SAT log its progress (to stdout, for the benchmark CLI).
        explain: compute the reasons of every assignment and unfilled shift (costly on very large
            problems; the benchmark switches it off).
        strategy: "portfolio" (one CP-SAT solve of the full model: small rosters and tests,
            :mod:`scheduling.strategies.portfolio`), "staged" (a co-op's week: the fill first, then
            everything else with that fill kept, :mod:`scheduling.strategies.staged`) or "phased" (the
            published benchmark's hard rosters, :mod:`scheduling.strategies.phased`).
        first_fraction: phased, models of up to ``TIGHT_MODEL_MAX_DECISIONS``: the share of the time left for
            CP-SAT's first whole-model search; the rest goes to the proof on the model with the redundant rules.
        lns_fraction: phased: the share of the time for our own large-neighbourhood search
            (:mod:`scheduling.search`) after the first search; off by default.
        fill_fraction: staged: the share of the time given to filling (the rest is the quality stage).
        refill_fraction: staged: the share spent first on the local fill search (:func:`scheduling.refill.refill`)
            on rosters of more than ``REFILL_ABOVE_PAIRS`` eligible pairs (measured: bench/HISTORY.md, regional x1).
        mip_fraction: staged: after the local search, the most of the time (from the run's start, the wait for the
            relaxation included) for the fill as a MIP (:mod:`scheduling.mip`); none when the relaxation cannot be
            solved in time (``LP_BOUND_MAX_PAIRS``, ``LP_PAIRS_PER_SECOND``), and its share goes to the local search.
        sub_search_fraction: phased, models too large for the tight model: the share of the time given, after
            CP-SAT's whole-model solve, to the neighbourhood search on sub-problems (:func:`scheduling.refill.improve`).
        stall_fraction: phased, with the sub-problem search on: CP-SAT's whole-model solve also hands over once it
            has found no better roster for this share of the time (0: never; measured: bench/HISTORY.md, 15-18).
        column_fraction: phased, models of up to ``SUB_PROBLEM_SEARCH_ABOVE`` decisions: the most of the time for the
            bound from whole rosters as columns (:mod:`scheduling.columns`), which then guides a dive to a first
            roster (measured: bench/HISTORY.md, Instances 4-18).
        large_column_fraction: the same on larger models, where the dive runs only if the generation came near
            converging (measured: bench/HISTORY.md, Instance12).
    """

    time_limit_s: float = 30.0
    random_seed: int = 0
    num_workers: int | None = None
    deterministic_time_limit: float | None = None
    log_search: bool = False
    explain: bool = True
    strategy: str = "portfolio"
    first_fraction: float = 0.5
    lns_fraction: float = 0.0
    fill_fraction: float = 0.7
    refill_fraction: float = 0.1
    mip_fraction: float = 0.5
    sub_search_fraction: float = 0.0
    stall_fraction: float = 0.0
    column_fraction: float = 0.5
    large_column_fraction: float = 0.6


# The CP-SAT plumbing (scheduling.cpsat), every strategy.

LARGE_MODEL_VARIABLES = 20_000
"""Variables above which CP-SAT presolves lightly, its full presolve taking most of a run (judged, not measured)."""

# The staged strategy: a co-op's week (scheduling.strategies.staged).

REFILL_ABOVE_PAIRS = 2_000
"""Eligible pairs above which the fill starts with the local search; below, CP-SAT fills quickly (not measured)."""

MODEL_PAIRS_PER_SECOND = 15_000
"""Pace of building the model and completing its hint, pairs a second (measured: bench/HISTORY.md, care x1)."""

MODEL_SHARE = 0.6
"""Most of the time left after local search and MIP that building may take (measured: bench/HISTORY.md, care x1)."""

UNMODELLED_SEARCH_FRACTION = 0.9
"""Share of the time for the local search on a week too large to model; the rest explains it (not measured)."""

LP_BOUND_MAX_PAIRS = 150_000
"""Candidate pairs above which the fill's relaxation is not tried (measured: bench/HISTORY.md, care x1)."""

LP_PAIRS_PER_SECOND = 12_000
"""GLOP's pace on the fill's relaxation, pairs a second (measured: bench/HISTORY.md, regional x1 and x2)."""

LP_BOUND_FRACTION = 0.2
"""Most of a staged run's search time the fill's linear relaxation may take (not measured)."""

EXPLAIN_PAIRS_PER_SECOND = 25_000
"""Pace of explaining a roster, eligible pairs a second (measured: bench/HISTORY.md, care x1)."""

EXPLAIN_MAX_FRACTION = 0.15
"""Most of a staged run's time held back for explaining the roster (not measured)."""

MIP_MIN_S = 1.0
"""Seconds left below which the fill's MIP is not tried (not measured)."""

# The phased strategy: the published benchmark (scheduling.strategies.phased).

DIVE_WHOLE = 0.99
"""Master share at which the dive fixes a pair worked (1 - this: off) (measured: bench/HISTORY.md, Instance10)."""

DIVE_FRACTION = 0.25
"""Most of the time for the dive from the columns' relaxation, after the columns (not measured)."""

DIVE_MASTER_GAP = 0.05
"""Large models dive only with the bound this near the master's value (measured: bench/HISTORY.md, 12, 13)."""

COLUMN_MAX_S = 120.0
"""Most seconds of column generation on models up to SUB_PROBLEM_SEARCH_ABOVE (measured: HISTORY, 1-17)."""

LARGE_COLUMN_MAX_S = 60.0
"""Most seconds of column generation on larger models (measured: bench/HISTORY.md, Instance23)."""

LARGE_COLUMN_ROUNDS = 30
"""Large models' generation stops when this many rounds won't fit its time (measured: HISTORY, 12, 13, 19-24)."""

MARGINS_FRACTION = 0.2
"""Most of the time for probing every pair at the columns' prices (measured: bench/HISTORY.md, Instances 5, 7)."""

RESTRICT_SLACK = 0
"""How far above the columns' bound a small model's first search looks (measured: bench/HISTORY.md, 5, 7)."""

TIGHT_MODEL_MAX_DECISIONS = 2_300
"""Decisions up to which phased ends on the model with the run automaton (measured: HISTORY, Instances 8, 16)."""

LP_HEAVY_MAX_DECISIONS = 10_000
"""Decisions up to which phased's full CP-SAT worker is max_lp (measured: bench/HISTORY.md, Instances 12, 13)."""

SUB_PROBLEM_SEARCH_ABOVE = 8_000
"""Decisions above which phased builds member by member and searches sub-problems (measured: HISTORY, 12-19)."""

CONSTRUCT_FRACTION = (0.1, 0.5)
"""Least and most of the time for the member-by-member first roster (measured: bench/HISTORY.md, 20, 24)."""

SEARCH_DECISIONS_PER_SECOND = 4_000
"""Decisions the neighbourhood search re-rosters a second (measured: bench/HISTORY.md, Instance24)."""

FIX_PAIRS_PER_SECOND = 50_000
"""Pace of CP-SAT taking a large model's whole roster as fixed values, to keep time for it (not measured)."""
