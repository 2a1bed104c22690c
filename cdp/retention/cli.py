"""`cdp retention [--as-of YYYY-MM-DD] [--policy retention.yml]`: age raw detail per retention.yml.

Ages the rows, then rebuilds the models that read them (dbt) so the marts hold no aged detail
any more, with the same counts. Prints counts only.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import duckdb

from cdp.ingest.contract import warehouse_path
from cdp.retention.ageing import AgeingResult, age_web_events
from cdp.retention.policy import POLICY_FILE, read_policy

AGEING = {"web/events": age_web_events}


def apply_policy(con: duckdb.DuckDBPyConnection, policy: Path = POLICY_FILE,
                 as_of: date | None = None) -> list[AgeingResult]:
    """Age every entity of the policy; one result (counts) each."""
    return [AGEING[rule.entity](con, rule.keep_days, as_of) for rule in read_policy(policy)]


def describe(result: AgeingResult) -> str:
    return (f"{result.entity}: {result.rows_aged:,} rows older than {result.cutoff:%Y-%m-%d} aged into "
            f"{result.daily_rows:,} daily rows; {result.raw_rows_deleted:,} raw rows deleted")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cdp retention", description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=date.fromisoformat, help="count the days back from this date (default today)")
    parser.add_argument("--policy", type=Path, default=POLICY_FILE)
    parser.add_argument("--no-rebuild", action="store_true", help="age only; the next dbt build rebuilds the marts")
    args = parser.parse_args(argv)
    try:
        with duckdb.connect(str(warehouse_path())) as con:
            results = apply_policy(con, args.policy, args.as_of)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    for result in results:
        print(describe(result))
    if not args.no_rebuild and any(r.rows_aged for r in results):
        from cdp.privacy.requests import rebuild_and_publish

        rebuild_and_publish(warehouse_path())
        print("models rebuilt and published")
    return 0


if __name__ == "__main__":
    sys.exit(main())
