"""`cdp` command line: run the whole pipeline on sample data, or one step of it.

    cdp run [--people 3000] [--seed 42]   generate sample exports if the landing folder is empty,
                                           run the Dagster job `full_pipeline`, print a summary
    cdp generate | load | check | evaluate | train | publish   one step (see --help of each)
    cdp segments                           write the dbt models of segments.yml
    cdp export --segment S --destination D write a segment's consented members to a file
    cdp lookalike --segment S --size K     rank customers outside S by resemblance: seg_lookalike_<S>
    cdp predictions-report                 reports/predictions.html from prediction_backtests
    cdp retention [--as-of D]              age raw detail older than retention.yml into daily aggregates
    cdp erase | subject-access             privacy requests (see cdp/privacy/cli.py)
    cdp spark run | publish-raw | dbt      the pipeline on the dbt target `spark` (cdp/spark/pipeline.py)
    cdp match [--backend duckdb|spark]     the matching step alone
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from pathlib import Path

from cdp.ingest.contract import landing_dir, warehouse_path

DEFAULT_PEOPLE = 3000


def truth_path(landing: Path) -> Path:
    """Where the generated sample's ground truth goes: beside the landing folder
    (data/landing -> data/ground_truth/identity.csv), so a run on other exports never scores
    them against the sample's truth, and two sample folders keep a truth each."""
    return landing.parent / "ground_truth" / "identity.csv"


def _peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run(people: int, seed: int) -> int:
    from cdp.generate import generate
    from cdp.ingest.loader import discover

    started = time.perf_counter()
    landing = landing_dir()
    if not discover(landing)[0]:
        print(f"landing folder {landing} is empty: generating sample exports for {people:,} people (seed {seed})")
        generate(landing, truth_path(landing), people=people, seed=seed)

    from cdp.audiences.segments import write as write_segment_models

    write_segment_models()  # segments.yml may have changed since the models were written

    from dagster import DagsterInstance

    from orchestration.definitions import build_definitions

    defs = build_definitions()
    print(f"running Dagster job full_pipeline: {landing} -> {warehouse_path()}")
    result = defs.resolve_job_def("full_pipeline").execute_in_process(
        instance=DagsterInstance.ephemeral(),
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        raise_on_error=False,
    )
    from cdp.serve.summary import print_summary

    truth = truth_path(landing)
    print_summary(warehouse_path(), truth if truth.exists() else None)
    print(f"\nwall time {time.perf_counter() - started:.1f} s, peak memory {_peak_rss_mib():,.0f} MiB "
          f"(largest of this process and the dbt subprocess)")
    if not result.success:
        print("the Dagster run FAILED; see the messages above", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    commands = {
        "generate": "cdp.generate.__main__",
        "check": "expectations.run",
        "evaluate": "cdp.quality.evaluate",
        "train": "matching.train",
        "load": "cdp.ingest.__main__",
        "segments": "cdp.audiences.segments",
        "export": "cdp.audiences.export",
        "lookalike": "cdp.audiences.lookalike",
        "predictions-report": "cdp.predictions.report",
        "retention": "cdp.retention.cli",
        "publish": "cdp.serve.publish",
        "erase": "cdp.privacy.cli:erase_main",
        "subject-access": "cdp.privacy.cli:access_main",
        "match": "cdp.spark.pipeline:match_main",
        "spark": "cdp.spark.pipeline:spark_main",
    }
    if argv and argv[0] in commands:
        import importlib

        module, _, function = commands[argv[0]].partition(":")
        return getattr(importlib.import_module(module), function or "main")(argv[1:]) or 0
    parser = argparse.ArgumentParser(prog="cdp", description=__doc__.splitlines()[0],
                                     epilog="other commands: " + ", ".join(commands))
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="run the full pipeline (generating sample data if needed)")
    run_parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    run_parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    return run(args.people, args.seed)


if __name__ == "__main__":
    sys.exit(main())
