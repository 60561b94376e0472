"""CLI: ``python -m bench.curtois PATH/InstanceN.txt --time-limit 60 --solution-out roster.json``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.curtois.reader import read_instance
from bench.curtois.run import solve_instance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.curtois", description=__doc__)
    parser.add_argument("instance", type=Path, help="path to InstanceN.txt")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--solution-out", type=Path, help="write the roster as JSON here")
    parser.add_argument(
        "--sub-search",
        type=float,
        default=None,
        help="share of the time for the sub-problem search after CP-SAT on mid-sized models (default: the engine's)",
    )
    parser.add_argument(
        "--stall",
        type=float,
        default=None,
        help="hand over early once CP-SAT gains nothing for this share of the time (default: the engine's)",
    )
    parser.add_argument(
        "--columns",
        type=float,
        default=None,
        help="most of the time for the column bound, 0 for none (default: the engine's)",
    )
    parser.add_argument("--log", action="store_true", help="show CP-SAT's search log")
    args = parser.parse_args(argv)
    instance = read_instance(args.instance)
    result = solve_instance(
        instance,
        time_limit_s=args.time_limit,
        num_workers=args.workers,
        seed=args.seed,
        log=args.log,
        sub_search_fraction=args.sub_search,
        stall_fraction=args.stall,
        column_fraction=args.columns,
    )
    print(f"instance   {result.name}")
    print(f"status     {result.status}")
    print(f"objective  {result.objective}")
    print(f"bound      {result.bound}")
    print(f"seconds    {result.wall_time_s:.1f}")
    if result.check is not None:
        print(f"checker    objective {result.check.objective}, violations {len(result.check.violations)}")
        for v in result.check.violations[:20]:
            print(f"  violation: {v}")
    if args.solution_out:
        args.solution_out.write_text(json.dumps(result.roster, indent=1, sort_keys=True))
    return 0 if result.check is not None and not result.check.violations else 1


if __name__ == "__main__":
    raise SystemExit(main())
