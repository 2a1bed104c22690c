"""The Spark path (dbt target `spark`, matching on Splink's Spark backend) finds the same
customers as the DuckDB path, on a small sample with a local Spark session.

Slow (a few minutes: Spark starts a JVM and every dbt model is a Spark job on local[1]),
but part of the default run, so CI runs it. Skipped only where Java is missing. Spark runs
in its own process (`cdp spark run`), as a user would run it; its tables are then read
straight from their parquet files with DuckDB, so no second Spark session is needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from cdp.generate import generate
from cdp.ingest.loader import load_landing
from tests.conftest import DBT, PROJECT_ROOT, dbt_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
                       reason="Spark needs Java (none on PATH, JAVA_HOME unset)"),
]

# what the comparison needs, with its ancestors; matching sits in the middle on both paths
SELECTION = ["+customer_crosswalk", "+dim_customers"]


@pytest.fixture(scope="module")
def both_paths(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spark_parity")
    landing, warehouse = tmp / "landing", tmp / "warehouse.duckdb"
    generate(landing, tmp / "truth.csv", people=100, seed=1)
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, tmp / "quarantine")

    started = time.perf_counter()
    for command in (["seed"], ["run", "--select", *SELECTION]):
        duck = subprocess.run([DBT, *command], cwd=PROJECT_ROOT, env=dbt_env(warehouse, tmp),
                              capture_output=True, text=True)
        assert duck.returncode == 0, duck.stdout[-3000:]
    duck_seconds = time.perf_counter() - started

    spark_env = dbt_env(warehouse, tmp)
    spark_env.update({
        "CDP_SPARK_MASTER": "local[2]", "CDP_SPARK_THREADS": "2",
        "CDP_SPARK_WAREHOUSE": str(tmp / "spark" / "warehouse"),
        "CDP_SPARK_METASTORE": str(tmp / "spark" / "metastore_db"),
        "CDP_SPARK_RAW_DIR": str(tmp / "spark" / "raw"),
        "CDP_SPARK_SCHEMA": "cdp",
    })
    started = time.perf_counter()
    spark = subprocess.run([sys.executable, "-m", "cdp.cli", "spark", "run", "--no-load", "--command", "run",
                            "--select", *SELECTION], cwd=PROJECT_ROOT, env=spark_env, capture_output=True, text=True)
    spark_seconds = time.perf_counter() - started
    assert spark.returncode == 0, (spark.stdout[-4000:], spark.stderr[-4000:])
    print(f"\nDuckDB path (dbt run): {duck_seconds:.0f} s; Spark path: {spark_seconds:.0f} s; "
          f"{spark.stdout.strip().splitlines()[-1]}")
    return {"warehouse": warehouse, "spark_tables": tmp / "spark" / "warehouse" / "cdp.db"}


def _spark_table(both_paths, name: str) -> str:
    """SQL for a Spark managed table, read from its parquet files."""
    folder = Path(both_paths["spark_tables"]) / name
    assert folder.is_dir(), f"Spark did not write {name}"
    return f"read_parquet('{folder}/*.parquet')"


def _customers(con: duckdb.DuckDBPyConnection, relation: str) -> set[frozenset[str]]:
    """The partition of identity records into customers (ids may differ between paths)."""
    rows = con.execute(f"select list(record_key order by record_key) from {relation} group by customer_id").fetchall()
    return {frozenset(keys) for (keys,) in rows}


def test_spark_path_finds_the_same_customers(both_paths):
    with duckdb.connect(str(both_paths["warehouse"]), read_only=True) as con:
        duck = _customers(con, "main.customer_crosswalk")
        spark = _customers(con, _spark_table(both_paths, "customer_crosswalk"))
        records = con.execute("select count(*) from main.int_identity_records").fetchall()[0][0]
    assert sum(len(customer) for customer in spark) == records
    assert len(duck) < records  # some records were matched: the comparison says something
    assert spark == duck


def test_spark_path_builds_one_profile_per_customer(both_paths):
    with duckdb.connect(str(both_paths["warehouse"]), read_only=True) as con:
        duck = con.execute("select count(*) from main.dim_customers").fetchall()[0][0]
        spark = con.execute(f"select count(*), count(distinct customer_id) "
                            f"from {_spark_table(both_paths, 'dim_customers')}").fetchall()[0]
    assert spark == (duck, duck)
