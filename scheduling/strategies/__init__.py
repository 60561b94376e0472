"""The ways of solving a roster, one module each: ``portfolio`` (one CP-SAT solve), ``staged`` (a co-op's week)
and ``phased`` (the published benchmark). :func:`scheduling.solve.solve` picks one by
``SolveParameters.strategy``."""
