"""Benchmark: generate exports at a given scale, run every stage, print time, memory and quality.

    python -m cdp.quality.scale --people 25000 [--seed 42] [--incremental 0.01 [--incremental-runs 5] | --names-only]
                        [--countries GB] [--name-pool 25] [--workdir bench/runs] [--json FILE]

Each stage runs as its own process so its peak memory (RSS) is its own: generate, load,
one `dbt build` (as the Dagster job and an analyst run it), Great Expectations checks,
publish, evaluation. The dbt build is split into its parts by the times in dbt's
run_results.json: start-up, staging + identity records, matching (the Splink models),
marts; each part's peak memory comes from sampling the process. With --incremental, a share of the identity records
is held back, arrives as a second batch after the full run, and the same stages are timed
again (the incremental run); --incremental-runs N holds back N such shares and loads them
as N daily batches one after another, to show whether the cost of a day stays flat. The
figures are printed and written as JSON so runs can be compared. The data (about 4
identity records and 20 rows per person) goes to a fresh folder under --workdir, which is
removed afterwards unless --keep is given.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import duckdb

from cdp.quality.names_only import strip_contact_points

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MATCHING_MODELS = ("int_scored_pairs", "int_identity_clusters")
BIN = Path(sys.executable).parent


def _run(name: str, command: list[str], env: dict[str, str], rss_samples: list | None = None) -> dict:
    """Run a stage and measure its own peak RSS with wait4 (resource usage of that child only).

    ``rss_samples``: also append (epoch seconds, RSS MiB) of the process every 0.2 s, so that
    parts of one process (the stages of one dbt build) get a peak each."""
    started, started_epoch = time.perf_counter(), time.time()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    done = threading.Event()
    if rss_samples is not None:
        threading.Thread(target=_sample_rss, args=(process.pid, rss_samples, done), daemon=True).start()
    chunks = []
    for chunk in iter(lambda: process.stdout.read(65536), b""):
        chunks.append(chunk)
    done.set()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    output = b"".join(chunks).decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"stage {name} failed ({code}):\n{output[-3000:]}")
    # progress for long runs (the table comes at the end): stderr, so stdout stays the table
    print(f"{name}: {wall:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MiB", file=sys.stderr, flush=True)
    return {"stage": name, "wall_seconds": round(wall, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "_output": output, "_started": started_epoch, "_ended": started_epoch + wall}


def _sample_rss(pid: int, samples: list, done: threading.Event) -> None:
    status = Path(f"/proc/{pid}/status")
    while not done.wait(0.2):
        try:
            text = status.read_text()
        except OSError:
            return
        for line in text.splitlines():
            if line.startswith("VmRSS:"):
                samples.append((time.time(), int(line.split()[1]) / 1024))


def _dbt_parts(build: dict, run_results: Path, samples: list) -> list[dict]:
    """The one dbt build split into time windows: start-up (parse), staging + identity
    records (until the Splink model starts), matching (the Splink model and clustering),
    marts (the rest). Models and tests of a window are those that started in it; with two
    threads a model may run beside the next window's first one. Peak RSS per window comes
    from the 0.2 s samples, so it can miss a shorter spike (the whole build's wait4 peak cannot)."""
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]

    def span(result: dict) -> tuple[float, float]:
        timing = [t for t in result["timing"] if t.get("started_at")]
        return (datetime.fromisoformat(timing[0]["started_at"].replace("Z", "+00:00")).timestamp(),
                datetime.fromisoformat(timing[-1]["completed_at"].replace("Z", "+00:00")).timestamp())

    spans = {r["unique_id"]: span(r) for r in results if any(t.get("started_at") for t in r["timing"])}
    first = min(start for start, _ in spans.values())
    matching = [spans[f"model.cdp.{m}"] for m in MATCHING_MODELS if f"model.cdp.{m}" in spans]
    match_start = min(s for s, _ in matching) if matching else build["_ended"]
    match_end = max(e for _, e in matching) if matching else build["_ended"]
    windows = [("dbt start-up (parse, connect)", build["_started"], first),
               ("dbt staging + identity records", first, match_start),
               ("matching (Splink score + cluster)", match_start, match_end),
               ("marts", match_end, build["_ended"])]
    parts = []
    for name, start, end in windows:
        inside = [r for r in results if r["unique_id"] in spans and start <= spans[r["unique_id"]][0] < end]
        peak = max((rss for at, rss in samples if start <= at <= end), default=0.0)
        parts.append({"stage": name, "part_of": build["stage"], "wall_seconds": round(end - start, 2),
                      "peak_rss_mib": round(peak, 1), "model_seconds": _model_seconds(inside, top=5)})
    return parts


def _counts(warehouse: Path, queries: dict[str, str]) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: con.execute(sql).fetchall()[0][0] for name, sql in queries.items()}


# Exports held back for the incremental run: identity records no other export refers to.
LATE_EXPORTS = (("crm", "contacts"), ("callcentre", "calls"), ("messenger", "conversations"))


def hold_back(landing: Path, late: Path, truth: Path, share: float, batches: int = 1) -> list[int]:
    """Move about ``share`` of all identity records (rows of LATE_EXPORTS), ``batches`` times
    over, into files under ``late`` with the same layout, to arrive as later batches: batch k
    (from 1) under ``late/batch_k`` when there are several, else under ``late`` itself.
    Returns the rows held back for each batch."""
    records = sum(1 for _ in truth.open(encoding="utf-8")) - 1
    files = [f for channel, entity in LATE_EXPORTS for f in sorted((landing / channel / entity).iterdir())
             if f.suffix in (".csv", ".jsonl")]
    rows = sum(_data_lines(f) for f in files)
    every = max(1, round(rows / max(1, share * batches * records)))
    held = [0] * batches
    moved_so_far = 0
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        header = lines[:1] if path.suffix == ".csv" else []
        body = lines[len(header):]
        keep, moves = [], [[] for _ in range(batches)]
        for number, line in enumerate(body):
            if number % every == every - 1:
                moves[moved_so_far % batches].append(line)
                moved_so_far += 1
            else:
                keep.append(line)
        for batch, move in enumerate(moves):
            target = batch_folder(late, batch + 1, batches) / path.relative_to(landing)
            target = target.with_name(f"late_{target.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("".join(header + move), encoding="utf-8")
            held[batch] += len(move)
        path.write_text("".join(header + keep), encoding="utf-8")
    return held


def batch_folder(late: Path, batch: int, batches: int) -> Path:
    """Where hold_back puts batch ``batch`` (from 1) of ``batches``: ``late`` itself for one."""
    return late / f"batch_{batch}" if batches > 1 else late


PREDICTION_MODELS = ("customer_predictions", "prediction_backtests")


def _predictions(run_results: Path, warehouse: Path) -> dict:
    """What the predictive layer cost in this build (execution time of its models and their
    tests; with two threads the wall time it adds can be less) and its back-test figures."""
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    seconds = {name: round(sum(r["execution_time"] for r in results
                               if r["unique_id"].split(".")[-1] == name
                               or (r["unique_id"].startswith("test.") and name in r["unique_id"])), 2)
               for name in PREDICTION_MODELS}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not con.execute("select count(*) from information_schema.tables where table_name = "
                           "'prediction_backtests'").fetchall()[0][0]:
            return {"execution_seconds": seconds}
        rows = con.execute("""select task, method, test_rows, base_rate, auc, ece, top_decile_lift, mae, hit_rate,
                                     skipped_reason from main.prediction_backtests order by 1, 2 desc""").fetchall()
    names = ("task", "method", "test_rows", "base_rate", "auc", "ece", "top_decile_lift", "mae", "hit_rate",
             "skipped_reason")
    backtests = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in zip(names, row, strict=True)}
                 for row in rows]
    return {"execution_seconds": seconds, "backtests": backtests}


def _model_seconds(results: list[dict], top: int | None = None) -> dict[str, float]:
    """Execution time of each dbt model among ``results`` (run_results.json entries), or of the
    ``top`` slowest, and of the tests together."""
    seconds = {r["unique_id"].split(".")[-1]: round(r["execution_time"], 2) for r in results
               if r["unique_id"].startswith("model.")}
    tests = [r["execution_time"] for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
    slowest = dict(sorted(seconds.items(), key=lambda item: -item[1])[:top])
    return slowest | ({f"{len(tests)} dbt tests": round(sum(tests), 2)} if tests else {})


# what the Dagster job adds to `dbt build` (orchestration/assets/dbt.py; a test keeps the two equal):
# no unit tests in scheduled runs
DBT_BUILD_ARGS = ("--exclude-resource-type", "unit_test")


def _people_in(truth: Path) -> int:
    with duckdb.connect() as con:
        quoted = str(truth).replace("'", "''")
        return con.execute(f"select count(distinct person_id) from read_csv('{quoted}', all_varchar = true)"
                           ).fetchall()[0][0]


def _data_lines(path: Path) -> int:
    lines = sum(1 for _ in path.open(encoding="utf-8"))
    return lines - 1 if path.suffix == ".csv" else lines


def _pipeline(stages: list[dict], prefix: str, warehouse: Path, env: dict[str, str]) -> None:
    """load, dbt staging + identity records, matching, marts, checks, publish: appended to ``stages``."""
    dbt, python = str(BIN / "dbt"), sys.executable
    stages.append(_run(f"{prefix}load", [python, "-m", "cdp.ingest"], env))
    stages[-1]["rows_out"] = _counts(warehouse, {"raw rows": "select sum(rows_loaded) from raw._load_ledger"})
    # one dbt build, as `make run` (the Dagster job) runs it; its parts are timed
    # from run_results.json (see _dbt_parts)
    samples: list = []
    stages.append(_run(f"{prefix}dbt build (staging, matching, marts)", [dbt, "build", "--quiet", *DBT_BUILD_ARGS],
                       env, samples))
    build = stages[-1]
    build["rows_out"] = _counts(warehouse, {
        "identity records": "select count(*) from int_identity_records",
        "records scored this run": "select count(*) from int_scored_pairs where record_key_l = record_key_r "
                                   "and scored_at = (select max(scored_at) from int_scored_pairs)",
        "customers": "select count(*) from dim_customers"})
    for part in _dbt_parts(build, Path(env["DBT_TARGET_PATH"]) / "run_results.json", samples):
        part["stage"] = prefix + part["stage"]
        stages.append(part)
    build["predictions"] = _predictions(Path(env["DBT_TARGET_PATH"]) / "run_results.json", warehouse)
    # raw suites on the batches no earlier pass covered, as the Dagster asset checks do
    stages.append(_run(f"{prefix}checks (Great Expectations)",
                       [python, "-m", "expectations.run", "--new-batches"], env))
    stages.append(_run(f"{prefix}publish (published.duckdb for BI)", [python, "-m", "cdp.serve.publish"], env))


def bench(people: int, seed: int, workdir: Path, keep: bool, incremental: float = 0.0,
          reuse: Path | None = None, names_only: bool = False, countries: str | None = None,
          incremental_runs: int = 1, name_pool: int | None = None) -> dict:
    if incremental_runs > 1 and (reuse or not incremental):
        raise ValueError("--incremental-runs chains batches held back from fresh exports: "
                         "give --incremental, not --reuse")
    if names_only and (reuse or incremental):
        raise ValueError("--names-only rewrites freshly generated exports: not with --reuse or --incremental")
    if (countries or name_pool) and reuse:
        raise ValueError("--countries and --name-pool pick the people of freshly generated exports: not with --reuse")
    label = "".join(f"_{part}" for part in (countries and countries.replace(",", ""),
                                            name_pool and f"pool{name_pool}", names_only and "names_only") if part)
    run_dir = reuse or workdir / f"people{people}_seed{seed}{label}_{int(time.time())}"
    landing, warehouse, truth = run_dir / "landing", run_dir / "warehouse.duckdb", run_dir / "truth.csv"
    env = dict(os.environ, CDP_LANDING_DIR=str(landing), CDP_WAREHOUSE=str(warehouse),
               DBT_PROFILES_DIR=str(PROJECT_ROOT), DBT_TARGET_PATH=str(run_dir / "target"),
               DBT_LOG_PATH=str(run_dir / "logs"), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    python = sys.executable
    stages, held = [], []
    try:
        if reuse is None:
            stages.append(_run("generate", [python, "-m", "cdp.generate", "--people", str(people), "--seed",
                                            str(seed), "--out", str(landing), "--truth", str(truth),
                                            *(["--countries", countries] if countries else []),
                                            *(["--name-pool", str(name_pool)] if name_pool else [])], env))
        if names_only:
            started = time.perf_counter()
            left = strip_contact_points(landing, truth)
            stages.append({"stage": "names only (e-mail, phone and their exports removed)",
                           "wall_seconds": round(time.perf_counter() - started, 2), "peak_rss_mib": 0.0,
                           "rows_out": {"ground-truth records": left}})
        if incremental and (run_dir / "late").is_dir():  # held back when these exports were first used
            held = [sum(_data_lines(f) for f in sorted((run_dir / "late").rglob("late_*")))]
        elif incremental:
            held = hold_back(landing, run_dir / "late", truth, incremental, incremental_runs)
        _pipeline(stages, "", warehouse, env)
        for batch in range(1, len(held) + 1):
            shutil.copytree(batch_folder(run_dir / "late", batch, incremental_runs), landing, dirs_exist_ok=True)
            _pipeline(stages, _incremental_prefix(batch, incremental_runs), warehouse, env)
        stages.append(_run("evaluate", [python, "-m", "cdp.quality.evaluate", "--truth", str(truth)], env))
        quality = stages[-1]["_output"].strip().splitlines()[-1]
    finally:
        if not keep and reuse is None:
            shutil.rmtree(run_dir, ignore_errors=True)
    for stage in stages:
        for private in ("_output", "_started", "_ended"):
            stage.pop(private, None)
    whole = [s for s in stages if "part_of" not in s]  # the parts of the dbt build are inside it
    full = [s for s in whole if s["stage"] not in ("generate", "evaluate")
            and not s["stage"].startswith(("incr", "names only"))]
    result = {
        # exports reused from elsewhere: their people are counted, their seed is not known here
        "people": _people_in(truth) if reuse else people, "seed": None if reuse else seed,
        "names_only": names_only, "countries": countries or "default", "name_pool": name_pool,
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "stages": stages,
        "pipeline_wall_seconds": round(sum(s["wall_seconds"] for s in full), 1),
        "pipeline_peak_rss_mib": max(s["peak_rss_mib"] for s in full),
        "quality": quality,
    }
    # each incremental run: the records it loaded and its wall time, load .. publish
    result["incremental_runs"] = []
    for batch, rows in enumerate(held, start=1):
        prefix = _incremental_prefix(batch, incremental_runs)
        seconds = sum(s["wall_seconds"] for s in whole if s["stage"].startswith(prefix))
        result["incremental_runs"].append({"rows_held_back": rows, "wall_seconds": round(seconds, 1)})
    if incremental_runs == 1 and held:  # the figures of one incremental run, as earlier results give them
        result["incremental_rows_held_back"] = result["incremental_runs"][0]["rows_held_back"]
        result["incremental_wall_seconds"] = result["incremental_runs"][0]["wall_seconds"]
    return result


def _incremental_prefix(batch: int, runs: int) -> str:
    """The stage-name prefix of an incremental run: 'incremental: ', or 'incremental 3: ' of several."""
    return "incremental: " if runs == 1 else f"incremental {batch}: "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "bench" / "runs")
    parser.add_argument("--json", type=Path, default=None, help="default: bench/results/people<N>.json")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and warehouse")
    parser.add_argument("--reuse", type=Path, default=None, metavar="RUN_DIR",
                        help="run the pipeline on exports generated earlier: RUN_DIR/landing and RUN_DIR/truth.csv "
                             "(e.g. by cdp.generate, or a run kept with --keep); the warehouse is built there, "
                             "and nothing is removed; with --incremental the rows held back the first time "
                             "(moved from RUN_DIR/landing to RUN_DIR/late) are the second batch every time")
    parser.add_argument("--incremental", type=float, default=0.0, metavar="SHARE",
                        help="hold back this share of identity records (e.g. 0.01) and load them as a second "
                             "batch after the full run, timing that incremental run too")
    parser.add_argument("--incremental-runs", type=int, default=1, metavar="N",
                        help="with --incremental: hold back N such shares and load them as N daily batches "
                             "one after another, timing each run")
    parser.add_argument("--names-only", action="store_true",
                        help="the held-out check: keep only the exports with names, birth dates and addresses, "
                             "without e-mail and phone columns (cdp.quality.names_only)")
    parser.add_argument("--countries", default=None, metavar="LIST",
                        help="generate people of these countries instead of the default mix, e.g. GB: a "
                             "population the matching model was not tuned on (cdp.generate.gb)")
    parser.add_argument("--name-pool", type=int, default=None, metavar="N",
                        help="draw names from the N most common of each list only (cdp.generate --name-pool): "
                             "with --names-only, a name-dense file where most names are shared by many people")
    args = parser.parse_args(argv)
    try:
        result = bench(args.people, args.seed, args.workdir, args.keep, args.incremental, args.reuse, args.names_only,
                       args.countries, args.incremental_runs, args.name_pool)
    except ValueError as error:
        parser.error(str(error))
    print(f"{'stage':<40}{'wall s':>9}{'peak RSS MiB':>14}  rows")
    for stage in result["stages"]:
        rows = "; ".join([", ".join(f"{k} {v:,}" for k, v in stage.get("rows_out", {}).items()),
                          *(f"{model} {seconds:.1f} s" for model, seconds in stage.get("model_seconds", {}).items())])
        rows = rows.removeprefix("; ")
        name = ("  " + re.sub(r"^incremental( \d+)?: ", "", stage["stage"])) if "part_of" in stage else stage["stage"]
        print(f"{name:<40}{stage['wall_seconds']:>9.1f}{stage['peak_rss_mib']:>14.0f}  {rows}")
    print(f"{'pipeline (load .. publish)':<40}{result['pipeline_wall_seconds']:>9.1f}"
          f"{result['pipeline_peak_rss_mib']:>14.0f}")
    for batch, run in enumerate(result["incremental_runs"], start=1):
        name = "incremental run" if args.incremental_runs == 1 else f"incremental run {batch}"
        print(f"{name + ' (load .. publish)':<40}{run['wall_seconds']:>9.1f}"
              f"  ({run['rows_held_back']:,} records held back, then loaded)")
    print(result["quality"])
    label = f"{'_' + args.countries.replace(',', '') if args.countries else ''}{'_names_only' * args.names_only}"
    out = args.json or PROJECT_ROOT / "bench" / "results" / f"people{result['people']}{label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
