"""Incremental scoring: when a batch of records arrives, score only new x existing and
new x new pairs instead of every pair again.

A record counts as new when its key was not scored before or its matching columns
changed since (an input hash over INPUT_COLUMNS tells). Its old pairs are then stale and
its new ones replace them. Pairs between two unchanged records keep the score they got
when they were first scored.

The prior and the term-frequency tables are those of the whole current file, exactly as a
full re-score would use, so a new pair scores as it would in a full run; only old pairs
keep scores computed at the file's earlier size. ``score_all`` stays available (and is
what the first run, a changed model and `dbt build --full-refresh` use).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import Linker

from matching.model_choice import model_hash
from matching.predict import CANDIDATE_FLOOR, MODEL_PATH, Model, predict_chunks, scoring_linker
from matching.prepare import load_records
from matching.settings import INPUT_COLUMNS, UNIQUE_ID
from matching.workspace import workspace

log = logging.getLogger(__name__)

PAIR_COLUMNS = (f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r", "match_probability")

# (linker over identity_records, its DuckDB connection, table of the new records or None for
# all) -> a table in that connection with the scored pairs; the default scores on DuckDB,
# matching.spark_backend.SparkScorer on Spark
Scorer = Callable[[Linker, duckdb.DuckDBPyConnection, str | None], str]


@dataclass(frozen=True)
class ScoreUpdate:
    """pairs: new scored pairs; hashes: (record_key, input_hash) of every record scored
    now; stale_keys: records whose earlier pairs must be dropped (changed or gone)."""

    pairs: pa.Table
    hashes: pa.Table
    stale_keys: list[str]

    def as_rows(self, version: str, scored_at: datetime) -> pa.Table:
        """The rows int_scored_pairs keeps: one per pair, plus one per scored record
        (record_key_l = record_key_r, no probability, its input hash)."""
        pairs, hashes = self.pairs, self.hashes
        n_rows = pairs.num_rows + hashes.num_rows
        keys = hashes.column(UNIQUE_ID).combine_chunks()
        return pa.table({
            PAIR_COLUMNS[0]: pa.concat_arrays([pairs.column(PAIR_COLUMNS[0]).combine_chunks(), keys]),
            PAIR_COLUMNS[1]: pa.concat_arrays([pairs.column(PAIR_COLUMNS[1]).combine_chunks(), keys]),
            "match_probability": pa.concat_arrays([pairs.column("match_probability").combine_chunks(),
                                                   pa.nulls(hashes.num_rows, pa.float64())]),
            "input_hash": pa.concat_arrays([pa.nulls(pairs.num_rows, pa.string()),
                                            hashes.column("input_hash").combine_chunks()]),
            "model_version": pa.array([version] * n_rows, pa.string()),
            "scored_at": pa.array([scored_at] * n_rows, pa.timestamp("us")),
        })


def model_version(model: Model = MODEL_PATH) -> str:
    """Scores from another model (or another candidate floor) cannot be mixed with new ones."""
    if isinstance(model, Path):
        model = json.loads(model.read_text(encoding="utf-8"))
    return hashlib.sha256(f"{model_hash(model)}|{CANDIDATE_FLOOR}|{','.join(INPUT_COLUMNS)}".encode()).hexdigest()[:16]


def score_all(records: pa.Table, model: Model = MODEL_PATH, scorer: Scorer | None = None) -> ScoreUpdate:
    """Every candidate pair of the file (a full re-score)."""
    return score_new(records, _no_hashes(), model, scorer)


def score_new(records: pa.Table, scored: pa.Table, model: Model = MODEL_PATH,
              scorer: Scorer | None = None) -> ScoreUpdate:
    """Score the records that are new or changed relative to ``scored`` (record_key,
    input_hash of the records scored before) against all records and among themselves.
    ``scorer`` picks the engine that compares the pairs (default: Splink on DuckDB)."""
    con = workspace()
    try:
        n_records = load_records(con, records)
        con.execute(f"""
            create table record_hashes as
            select {UNIQUE_ID}, md5(concat_ws('|', {", ".join(f"coalesce({c}::varchar, '')" for c in INPUT_COLUMNS)}))
                   as input_hash
            from identity_records
        """)
        con.register("scored_input", scored.select([UNIQUE_ID, "input_hash"]))
        con.execute(f"""
            create table new_keys as
            select {UNIQUE_ID} from record_hashes
            anti join scored_input using ({UNIQUE_ID}, input_hash)
        """)
        stale_keys = [row[0] for row in con.execute(f"""
            select {UNIQUE_ID} from scored_input anti join record_hashes using ({UNIQUE_ID}, input_hash)
        """).fetchall()]
        con.unregister("scored_input")
        n_new = con.execute("select count(*) from new_keys").fetchall()[0][0]
        log.info("scoring %d new or changed records of %d (%d stale)", n_new, n_records, len(stale_keys))
        hashes = con.sql(f"select r.* from record_hashes as r semi join new_keys using ({UNIQUE_ID})").to_arrow_table()
        if n_new == 0:
            return ScoreUpdate(_no_pairs(), hashes, stale_keys)
        pairs = _score_new_pairs(con, model, n_new == n_records, scorer or _score_on_duckdb)
        return ScoreUpdate(pairs, hashes, stale_keys)
    finally:
        con.close()


def _score_new_pairs(con: duckdb.DuckDBPyConnection, model: Model, everything_is_new: bool,
                     scorer: Scorer) -> pa.Table:
    linker = scoring_linker(con, model)
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    new_table = None
    if not everything_is_new:
        con.execute(f"create table new_records as "
                    f"select * from identity_records semi join new_keys using ({UNIQUE_ID})")
        new_table = "new_records"
    predictions = scorer(linker, con, new_table)
    return con.sql(f"""
        select least({left}, {right}) as {left}, greatest({left}, {right}) as {right},
               max(match_probability) as match_probability
        from {predictions} where {left} <> {right}
        group by 1, 2
    """).to_arrow_table()


def _score_on_duckdb(linker: Linker, con: duckdb.DuckDBPyConnection, new_table: str | None) -> str:
    if new_table is None:
        n_records = con.execute("select count(*) from identity_records").fetchall()[0][0]
        return linker.inference.predict(threshold_match_probability=CANDIDATE_FLOOR,
                                        num_chunks_left=predict_chunks(n_records)).physical_name
    # new x (all records) in one pass covers new x existing and new x new (each new pair
    # found from both ends, and each record against itself, dropped by the caller): one Splink
    # prediction instead of predict_between plus predict_within halves the fixed cost
    db_api = linker._db_api  # noqa: SLF001 -- the linker's own registry, so its term-frequency tables apply
    return linker.inference.predict_between(
        db_api.register(new_table), db_api.register("identity_records"),
        threshold_match_probability=CANDIDATE_FLOOR).physical_name


def _no_hashes() -> pa.Table:
    return pa.table({UNIQUE_ID: pa.array([], pa.string()), "input_hash": pa.array([], pa.string())})


def _no_pairs() -> pa.Table:
    return pa.table({PAIR_COLUMNS[0]: pa.array([], pa.string()), PAIR_COLUMNS[1]: pa.array([], pa.string()),
                     PAIR_COLUMNS[2]: pa.array([], pa.float64())})
