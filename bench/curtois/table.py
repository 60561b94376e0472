"""Run a set of benchmark instances and print the markdown results table.

``python -m bench.curtois.table /work/shared/bench/curtois --instances 1-12 --time-limit 60
--jsonl results.jsonl`` solves each instance in turn (2 workers by default), checks each roster with
the independent checker, appends one JSON line per instance (so a long run can be stopped and its rows
kept) and prints the table. ``--from-jsonl`` prints the table of earlier runs without solving.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from bench.curtois.reader import read_instance
from bench.curtois.run import solve_instance


def parse_range(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def read_bks(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as f:
        return {row["instance"]: row for row in csv.DictReader(f, delimiter="\t")}


def markdown(rows: list[dict], bks: dict[str, dict[str, str]]) -> str:
    lines = [
        "| instance | our objective | our lower bound | 2014 best (UB) | 2014 LB | ours vs 2014 best | "
        "proven optimal | seconds | time limit (s) | checker objective / violations |",
        "|---|---:|---:|---:|---:|---:|:-:|---:|---:|---|",
    ]
    for r in rows:
        ref = bks.get(r["instance"], {})
        ub = ref.get("best_ub_2014", "")
        ours = r["objective"]
        diff = ""
        if ours is not None and ub:
            delta = ours - int(ub)
            diff = f"{delta:+d} ({100 * delta / int(ub):+.1f}%)"
        bound = "" if r["bound"] is None else f"{r['bound']:.0f}"
        proven = "yes" if r["status"] == "OPTIMAL" else "no"
        checked = "" if r["check_objective"] is None else f"{r['check_objective']} / {r['violations']}"
        lines.append(
            f"| {r['instance']} | {'' if ours is None else ours} | {bound} | {ub} | {ref.get('best_lb_2014', '')} "
            f"| {diff} | {proven} | {r['seconds']:.0f} | {r['time_limit']:.0f} | {checked} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.curtois.table", description=__doc__)
    parser.add_argument("directory", type=Path, help="folder with InstanceN.txt and BKS.tsv")
    parser.add_argument("--instances", default="1-24", help="e.g. 1-12 or 1,2,5")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--columns", type=float, default=None, help="share of the time for the column bound")
    parser.add_argument("--jsonl", type=Path, help="append one JSON line per solved instance")
    parser.add_argument("--from-jsonl", action="store_true", help="only print the table of --jsonl")
    args = parser.parse_args(argv)
    bks = read_bks(args.directory / "BKS.tsv")
    rows: list[dict] = []
    if args.from_jsonl:
        rows = [json.loads(line) for line in args.jsonl.read_text().splitlines() if line.strip()]
    else:
        for n in parse_range(args.instances):
            instance = read_instance(args.directory / f"Instance{n}.txt")
            result = solve_instance(
                instance,
                time_limit_s=args.time_limit,
                num_workers=args.workers,
                seed=args.seed,
                column_fraction=args.columns,
            )
            row = {
                "instance": result.name,
                "status": result.status,
                "objective": result.objective,
                "bound": result.bound,
                "seconds": result.wall_time_s,
                "time_limit": args.time_limit,
                "workers": args.workers,
                "check_objective": result.check.objective if result.check else None,
                "violations": len(result.check.violations) if result.check else None,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.jsonl:
                with args.jsonl.open("a") as f:
                    f.write(json.dumps(row) + "\n")
    print(markdown(rows, bks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
