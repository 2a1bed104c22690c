"""Generate the sample landing zone.

Usage: ``python -m cdp.generate --people 3000 --seed 42 --out data/landing
--truth data/ground_truth/identity.csv [--end-date 2026-11-01] [--countries GB] [--name-pool 25]``.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from cdp.ingest.contract import landing_dir

from . import generate
from .places import COUNTRIES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cdp.generate", description=__doc__)
    parser.add_argument("--people", type=int, default=3000, help="number of real people (default 3000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--out", type=Path, default=None,
                        help="landing directory (default $CDP_LANDING_DIR or data/landing)")
    parser.add_argument("--truth", type=Path, default=Path("data/ground_truth/identity.csv"),
                        help="ground-truth CSV (default data/ground_truth/identity.csv)")
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 11, 1),
                        help="last day covered by the data, YYYY-MM-DD (default 2026-11-01)")
    parser.add_argument("--countries", default=",".join(COUNTRIES),
                        help=f"comma-separated countries of the people (default {','.join(COUNTRIES)}; "
                             "GB: British people, a population the matching model was not tuned on)")
    parser.add_argument("--name-pool", type=int, default=None, metavar="N",
                        help="draw first names and surnames from the N most common of each list only: "
                             "a name-dense file where most names are shared by many people")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None else landing_dir()
    started = time.perf_counter()
    countries = tuple(c.strip().upper() for c in args.countries.split(",") if c.strip())
    summary = generate(out, args.truth, people=args.people, seed=args.seed, end_date=args.end_date,
                       countries=countries, name_pool=args.name_pool)
    elapsed = time.perf_counter() - started
    print(f"generated {summary['people']} people in {summary['households']} households "
          f"(seed {summary['seed']}, end date {summary['end_date']}) in {elapsed:.1f}s")
    print(f"landing: {out}")
    width = max(len(k) for k in summary["rows"])
    for key, n in summary["rows"].items():
        print(f"  {key:<{width}}  {n:>10,}")
    print(f"  {'total':<{width}}  {summary['total_rows']:>10,}")
    print(f"ground truth: {args.truth} ({summary['truth_rows']:,} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
