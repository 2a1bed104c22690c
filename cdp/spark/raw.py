"""Publish the loaded raw tables to Spark, so the dbt `spark` target reads what the loader wrote.

The loader (cdp.ingest: contract checks, load ledger, quarantine, suppression, one
transaction per file) stays the single way data comes in; it writes the DuckDB warehouse.
This module then makes every table of its `raw` schema a Spark table `raw.<name>` with the
same columns, and the suppression list a Spark table `<schema>.suppression_list` (DuckDB's
view main.suppression_list, read by int_suppressed_customers).

How: DuckDB writes each table as a parquet file into a fresh folder under ``raw_dir``
(CDP_SPARK_RAW_DIR, default data/spark/raw) and Spark points an external table at it; no
Spark job runs and the old folder is removed once the table points at the new one. On a
cluster ``raw_dir`` must be storage both this process and the executors read (a shared
mount). With ``raw_dir=None`` (CDP_SPARK_RAW_DIR set to an empty string) the rows travel as
Arrow through the driver and Spark writes managed tables instead: slower, but it needs
nothing shared.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from cdp.ingest.contract import RAW_SCHEMA

DEFAULT_RAW_DIR = "data/spark/raw"


def raw_dir() -> Path | None:
    value = os.environ.get("CDP_SPARK_RAW_DIR", DEFAULT_RAW_DIR)
    return Path(value).resolve() if value else None


def publish_raw(spark, warehouse: Path, schema: str, folder: Path | None) -> dict[str, int]:
    """Make the warehouse's raw tables (and the suppression list) Spark tables; returns rows per table."""
    spark.sql(f"create database if not exists {RAW_SCHEMA}")
    spark.sql(f"create database if not exists {schema}")
    published = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1",
            [RAW_SCHEMA]).fetchall()]
        relations = {f"{RAW_SCHEMA}.{name}": f'select * from {RAW_SCHEMA}."{name}"' for name in names}
        has_list = con.execute("select count(*) from information_schema.tables "
                               "where table_schema = 'main' and table_name = 'suppression_list'").fetchall()[0][0]
        if has_list:
            relations[f"{schema}.suppression_list"] = "select * from main.suppression_list"
        for target, query in relations.items():
            published[target] = con.execute(f"select count(*) from ({query})").fetchall()[0][0]
            if folder is None:
                spark.createDataFrame(con.sql(query).to_arrow_table()).write.mode("overwrite") \
                    .format("parquet").saveAsTable(target)
            else:
                _publish_parquet(spark, con, query, target, folder / target)
    return published


def _publish_parquet(spark, con: duckdb.DuckDBPyConnection, query: str, target: str, home: Path) -> None:
    """DuckDB writes the rows into a new folder, the Spark table is re-pointed at it, and the
    folders of earlier publications are removed."""
    version = home / f"v{time.time_ns()}"
    version.mkdir(parents=True)
    path = str(version / "part-0.parquet").replace("'", "''")
    con.execute(f"copy ({query}) to '{path}' (format parquet)")
    location = str(version).replace("'", "''")
    spark.sql(f"drop table if exists {target}")
    spark.sql(f"create table {target} using parquet location '{location}'")
    for old in home.iterdir():
        if old != version:
            shutil.rmtree(old, ignore_errors=True)
