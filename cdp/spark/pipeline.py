"""The pipeline on Spark: load, publish raw to Spark, dbt (target `spark`), matching, dbt.

    cdp spark run [--select SEL] [--command build|run] [--full-refresh] [--no-load]
    cdp spark publish-raw          the loaded raw tables -> Spark tables raw.*
    cdp spark dbt ARGS...          any dbt command on the spark target, cdp_* UDFs registered
    cdp match [--backend duckdb|spark] [--full-refresh] [--threshold P]

Why dbt runs twice: dbt-spark cannot run the matching Python models, so on Spark they are
disabled and the matching step runs between everything upstream of the matching tables
(`--exclude source:matching+`) and everything downstream (`--select source:matching+`).
Everything here runs in this process: dbt-spark's `session` method picks up the session
cdp.spark.session created with the UDFs, and a local Derby metastore admits one process.
The Dagster job `spark_pipeline_job` calls ``run_spark_pipeline``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cdp.ingest.contract import landing_dir, warehouse_path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MATCHING_SOURCE = "source:matching+"
# what the matching step reads (the seed match_overrides comes with `dbt seed`); on Spark dbt
# sees no edge from these to the matching tables, so a selection must name them
MATCHING_INPUTS = ("+int_identity_records", "+int_identity_links")

log = logging.getLogger(__name__)


@dataclass
class SparkRun:
    """What a Spark pipeline run did, with wall seconds per step."""

    success: bool = True
    seconds: dict[str, float] = field(default_factory=dict)
    raw_rows: dict[str, int] = field(default_factory=dict)
    customers: int = 0


def match_threshold() -> float:
    """dbt var cdp_match_threshold of dbt_project.yml: the matching step reads the value the
    dbt-duckdb model int_identity_clusters gets."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return float(project["vars"]["cdp_match_threshold"])


def run_dbt(args: list[str]) -> bool:
    """One dbt command on the spark target, in this process, after the session and its UDFs exist.

    Artifacts go to <target path>/spark, so the DuckDB manifest Dagster reads is left alone.
    """
    from dbt.cli.main import dbtRunner

    from cdp.spark.session import get_spark

    get_spark()
    target_path = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_ROOT / "target")) / "spark"
    command = [*args, "--target", "spark", "--project-dir", str(PROJECT_ROOT), "--target-path", str(target_path)]
    if "--profiles-dir" not in args:
        command += ["--profiles-dir", os.environ.get("DBT_PROFILES_DIR", str(PROJECT_ROOT))]
    started = time.perf_counter()
    result = dbtRunner().invoke(command)
    log.info("dbt %s on spark: success=%s in %.1f s", " ".join(args), result.success, time.perf_counter() - started)
    return bool(result.success)


def _stage_selections(select: list[str] | None) -> tuple[list[str], list[str]]:
    """dbt arguments of the two dbt runs: upstream of the matching tables, and downstream."""
    if not select:
        return ["--exclude", MATCHING_SOURCE], ["--select", MATCHING_SOURCE]
    return (["--select", *select, *MATCHING_INPUTS, "--exclude", MATCHING_SOURCE],
            ["--select", *(f"{MATCHING_SOURCE},{item}" for item in select)])


def run_spark_pipeline(select: list[str] | None = None, command: str = "build", full_refresh: bool = False,
                       load: bool = True) -> SparkRun:
    """Load new landing files (DuckDB, the one loader), publish raw to Spark, then dbt on the
    spark target with the matching step in the middle. ``select``: dbt selectors (their
    ancestors must be included, e.g. `+dim_customers`); ``command``: `build` or `run`."""
    from cdp.spark.raw import publish_raw, raw_dir
    from cdp.spark.session import get_spark, spark_schema
    from matching.spark_step import run_matching

    run = SparkRun()

    def step(name: str, started: float) -> None:
        run.seconds[name] = time.perf_counter() - started

    if load:
        started = time.perf_counter()
        _load_landing()
        step("load", started)
    started = time.perf_counter()
    spark = get_spark()
    step("spark session", started)
    started = time.perf_counter()
    run.raw_rows = publish_raw(spark, warehouse_path(), spark_schema(), raw_dir())
    step("publish raw", started)
    upstream, downstream = _stage_selections(select)
    refresh = ["--full-refresh"] if full_refresh else []
    started = time.perf_counter()
    run.success = run_dbt(["seed", *refresh]) and run_dbt([command, *upstream, *refresh])
    step("dbt before matching", started)
    if not run.success:
        return run
    started = time.perf_counter()
    summary = run_matching(spark, spark_schema(), match_threshold(), full_refresh=full_refresh)
    run.customers = summary.customers
    step("matching", started)
    started = time.perf_counter()
    run.success = run_dbt([command, *downstream, *refresh])
    step("dbt after matching", started)
    return run


def _load_landing() -> None:
    import duckdb

    from cdp.ingest.loader import load_landing

    landing, warehouse = landing_dir(), warehouse_path()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        load_landing(con, landing, landing.parent / "quarantine")


def match_main(argv: list[str] | None = None) -> int:
    """`cdp match`: the matching step alone, on the backend of CDP_MATCH_BACKEND or --backend."""
    parser = argparse.ArgumentParser(prog="cdp match", description=match_main.__doc__)
    parser.add_argument("--backend", choices=("duckdb", "spark"), default=os.environ.get("CDP_MATCH_BACKEND", "duckdb"))
    parser.add_argument("--threshold", type=float, default=None, help="default: dbt var cdp_match_threshold")
    parser.add_argument("--full-refresh", action="store_true", help="re-score every record, issue ids afresh")
    args = parser.parse_args(argv)
    threshold = args.threshold if args.threshold is not None else match_threshold()
    if args.backend == "duckdb":
        # on DuckDB the matching step is the three dbt Python models
        from dbt.cli.main import dbtRunner

        dbt_args = ["run", "--select", "int_scored_pairs", "int_identity_clusters", "int_customer_id_assignments",
                    "--project-dir", str(PROJECT_ROOT), "--vars", f"{{cdp_match_threshold: {threshold}}}"]
        dbt_args += ["--profiles-dir", os.environ.get("DBT_PROFILES_DIR", str(PROJECT_ROOT))]
        dbt_args += ["--full-refresh"] if args.full_refresh else []
        return 0 if dbtRunner().invoke(dbt_args).success else 1
    from cdp.spark.session import get_spark, spark_schema
    from matching.spark_step import run_matching

    summary = run_matching(get_spark(), spark_schema(), threshold, full_refresh=args.full_refresh)
    print(f"{summary.records:,} identity records ({summary.records_scored:,} scored now), {summary.pairs:,} "
          f"candidate pairs, {summary.customers:,} customers; "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items()))
    return 0


def spark_main(argv: list[str] | None = None) -> int:
    """`cdp spark run | publish-raw | dbt ARGS`: the pipeline on the dbt target `spark`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dbt"]:
        return 0 if run_dbt(argv[1:]) else 1
    parser = argparse.ArgumentParser(prog="cdp spark", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="load, publish raw, dbt, match, dbt (all on Spark but the loader)")
    run_parser.add_argument("--select", nargs="+", help="dbt selectors (include ancestors: +dim_customers)")
    run_parser.add_argument("--command", choices=("build", "run"), default="build")
    run_parser.add_argument("--full-refresh", action="store_true")
    run_parser.add_argument("--no-load", action="store_true", help="skip loading new landing files")
    sub.add_parser("publish-raw", help="copy the loaded raw tables to Spark")
    sub.add_parser("dbt", help="run dbt on the spark target: cdp spark dbt build --select staging")
    args = parser.parse_args(argv)
    if args.command == "publish-raw":
        from cdp.spark.raw import publish_raw, raw_dir
        from cdp.spark.session import get_spark, spark_schema

        for table, rows in publish_raw(get_spark(), warehouse_path(), spark_schema(), raw_dir()).items():
            print(f"  {table:<45} {rows:>9,} rows")
        return 0
    run = run_spark_pipeline(args.select, args.command, args.full_refresh, load=not args.no_load)
    print(("succeeded" if run.success else "FAILED") + f": {run.customers:,} customers; "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.seconds.items()))
    return 0 if run.success else 1
