"""Benchmark: generate exports at a given scale, run every stage, print time, memory and quality.

    python -m cdp.bench --people 25000 [--seed 42] [--workdir bench/runs] [--json bench/results/NAME.json]

Each stage runs as its own process so its peak memory (RSS) is its own: generate, load,
dbt staging + intermediate (without matching), matching (the Splink dbt model), marts,
Great Expectations checks, evaluation. The figures are printed and written as JSON so
runs can be compared. The data (about 4 identity records and 20 rows per person) goes
to a fresh folder under --workdir, which is removed afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(name: str, command: list[str], env: dict[str, str]) -> dict:
    """Run a stage and measure its own peak RSS with wait4 (resource usage of that child only)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    chunks = []
    for chunk in iter(lambda: process.stdout.read(65536), b""):
        chunks.append(chunk)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    output = b"".join(chunks).decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"stage {name} failed ({code}):\n{output[-3000:]}")
    return {"stage": name, "wall_seconds": round(wall, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "_output": output}


def _counts(warehouse: Path, queries: dict[str, str]) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: con.execute(sql).fetchall()[0][0] for name, sql in queries.items()}


def bench(people: int, seed: int, workdir: Path, keep: bool) -> dict:
    run_dir = workdir / f"people{people}_seed{seed}_{int(time.time())}"
    landing, warehouse, truth = run_dir / "landing", run_dir / "warehouse.duckdb", run_dir / "truth.csv"
    env = dict(os.environ, CDP_LANDING_DIR=str(landing), CDP_WAREHOUSE=str(warehouse),
               DBT_PROFILES_DIR=str(PROJECT_ROOT), DBT_TARGET_PATH=str(run_dir / "target"),
               DBT_LOG_PATH=str(run_dir / "logs"), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    dbt, python = str(BIN / "dbt"), sys.executable
    stages = []
    try:
        stages.append(_run("generate", [python, "-m", "cdp.generate", "--people", str(people), "--seed", str(seed),
                                        "--out", str(landing), "--truth", str(truth)], env))
        stages.append(_run("load", [python, "-m", "cdp.load"], env))
        stages[-1]["rows_out"] = _counts(warehouse, {"raw rows": "select sum(rows_loaded) from raw._load_ledger"})
        stages.append(_run("dbt staging + identity records",
                           [dbt, "build", "--select", "resource_type:seed", "staging", "intermediate", "--exclude",
                            "int_identity_clusters+", "--quiet"], env))
        stages[-1]["rows_out"] = _counts(warehouse, {"identity records": "select count(*) from int_identity_records"})
        stages.append(_run("matching (Splink predict + cluster)",
                           [dbt, "build", "--select", "int_identity_clusters", "--quiet"], env))
        stages[-1]["rows_out"] = _counts(warehouse, {
            "clustered records": "select count(*) from int_identity_clusters",
            "clusters": "select count(distinct cluster_id) from int_identity_clusters"})
        stages.append(_run("marts", [dbt, "build", "--select", "int_identity_clusters+", "--exclude",
                                     "int_identity_clusters", "--quiet"], env))
        stages[-1]["rows_out"] = _counts(warehouse, {"customers": "select count(*) from dim_customers"})
        stages.append(_run("checks (Great Expectations)", [python, "-m", "expectations.run"], env))
        stages.append(_run("evaluate", [python, "-m", "cdp.evaluate", "--truth", str(truth)], env))
        quality = stages[-1]["_output"].strip().splitlines()[-1]
    finally:
        if not keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    for stage in stages:
        stage.pop("_output", None)
    pipeline = [s for s in stages if s["stage"] not in ("generate", "evaluate")]
    return {
        "people": people, "seed": seed, "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "stages": stages,
        "pipeline_wall_seconds": round(sum(s["wall_seconds"] for s in pipeline), 1),
        "pipeline_peak_rss_mib": max(s["peak_rss_mib"] for s in pipeline),
        "quality": quality,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "bench" / "runs")
    parser.add_argument("--json", type=Path, default=None, help="default: bench/results/people<N>.json")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and warehouse")
    args = parser.parse_args(argv)
    result = bench(args.people, args.seed, args.workdir, args.keep)
    print(f"{'stage':<40}{'wall s':>9}{'peak RSS MiB':>14}  rows")
    for stage in result["stages"]:
        rows = ", ".join(f"{k} {v:,}" for k, v in stage.get("rows_out", {}).items())
        print(f"{stage['stage']:<40}{stage['wall_seconds']:>9.1f}{stage['peak_rss_mib']:>14.0f}  {rows}")
    print(f"{'pipeline (load .. checks)':<40}{result['pipeline_wall_seconds']:>9.1f}"
          f"{result['pipeline_peak_rss_mib']:>14.0f}")
    print(result["quality"])
    out = args.json or PROJECT_ROOT / "bench" / "results" / f"people{args.people}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
