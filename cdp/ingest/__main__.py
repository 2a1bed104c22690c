"""Load new landing files into the warehouse's raw schema (no dbt).

    python -m cdp.ingest   (paths from CDP_LANDING_DIR / CDP_WAREHOUSE)
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter

import duckdb

from cdp.ingest.contract import landing_dir, warehouse_path
from cdp.ingest.loader import load_landing


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    landing, warehouse = landing_dir(), warehouse_path()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        results = load_landing(con, landing, landing.parent / "quarantine")
    statuses = Counter(r.status for r in results)
    rows = sum(r.rows_loaded for r in results)
    print(f"{len(results)} files: " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
          + f"; {rows:,} rows loaded")
    return 1 if statuses.get("quarantined") else 0


if __name__ == "__main__":
    raise SystemExit(main())
