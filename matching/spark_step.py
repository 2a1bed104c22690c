"""The matching step for a Spark warehouse, run between two dbt invocations.

On DuckDB the dbt Python models int_scored_pairs, int_identity_clusters and
int_customer_id_assignments do this inside `dbt build`; dbt-spark runs Python models only
on Databricks, so on the `spark` target those models are disabled and ``run_matching``
writes Spark tables of the same names and columns, which the later models read (dbt
source `matching`). The logic is the models' own: incremental scoring
(matching.incremental, pairs compared on Spark through matching.spark_backend),
clustering (matching.incremental_clusters, the whole file) and stable ids (matching.stable_ids).

Where the work happens: records, pairs and ids travel between Spark and the driver as
Arrow. Scoring's pairwise comparisons run on Spark; clustering runs on the driver in
DuckDB, over the scored pairs (at or above the 0.05 candidate floor: a few per record, far
fewer than the records squared), as does the id bookkeeping. The project's Spark tables
are plain parquet without row-level deletes, so the two incremental tables are rewritten
whole from the previous rows kept on the driver plus the new ones.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from matching.incremental import Scorer, model_version, score_all, score_new
from matching.incremental_clusters import clustering_params, recluster
from matching.model_choice import choose, latest_choice, model_of
from matching.overrides import with_deterministic_links
from matching.predict import DEFAULT_THRESHOLD
from matching.settings import INPUT_COLUMNS
from matching.stable_ids import assign_customer_ids

log = logging.getLogger(__name__)

PAIRS, CLUSTERS, ASSIGNMENTS = "int_scored_pairs", "int_identity_clusters", "int_customer_id_assignments"
MODELS = "int_match_models"


@dataclass
class MatchSummary:
    records: int = 0
    records_scored: int = 0
    pairs: int = 0
    customers: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def run_matching(spark, schema: str, threshold: float = DEFAULT_THRESHOLD, full_refresh: bool = False,
                 scorer: Scorer | None = None) -> MatchSummary:
    """Read int_identity_records, int_identity_links and match_overrides from ``schema`` and
    write the matching tables there: the registry of models (as the dbt model int_match_models
    does on DuckDB, matching.model_choice; a model is pinned by $CDP_MATCH_MODEL), the scored
    pairs, the clusters and the id log. ``scorer`` defaults to matching.spark_backend's."""
    if scorer is None:
        from matching.spark_backend import SparkScorer

        scorer = SparkScorer(spark)
    summary = MatchSummary()
    started = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    records = _read(spark, f"{schema}.int_identity_records")
    summary.records = records.num_rows

    model = _chosen_model(spark, schema, records, now)
    summary.seconds["choose model"] = time.perf_counter() - started
    started = time.perf_counter()
    pair_rows, summary.records_scored = _scored_pairs(spark, schema, records, model, now, full_refresh, scorer)
    _write(spark, pair_rows, f"{schema}.{PAIRS}")
    summary.pairs = pc.sum(pc.not_equal(pair_rows.column("record_key_l"), pair_rows.column("record_key_r"))).as_py()
    summary.seconds["score"] = time.perf_counter() - started

    started = time.perf_counter()
    overrides = with_deterministic_links(_read(spark, f"{schema}.match_overrides"),
                                         _read(spark, f"{schema}.int_identity_links"))
    clusters = _clusters(records, pair_rows, overrides, threshold, now)
    _write(spark, clusters, f"{schema}.{CLUSTERS}")
    summary.customers = len(pc.unique(clusters.column("cluster_id")))
    summary.seconds["cluster"] = time.perf_counter() - started

    started = time.perf_counter()
    _write(spark, _assignments(spark, schema, clusters, now, full_refresh), f"{schema}.{ASSIGNMENTS}")
    summary.seconds["ids"] = time.perf_counter() - started
    log.info("matched %d records (%d scored now): %d pairs, %d customers", summary.records,
             summary.records_scored, summary.pairs, summary.customers)
    return summary


def _chosen_model(spark, schema: str, records: pa.Table, now: datetime) -> dict:
    """The model that scores: a new choice appended to the registry table, or the latest one.
    Kept by a full refresh, as on DuckDB."""
    registry = _read_if_exists(spark, f"{schema}.{MODELS}")
    choice = choose(records.select(list(INPUT_COLUMNS)), latest_choice(registry),
                    pin=os.environ.get("CDP_MATCH_MODEL") or None)
    if choice is not None:
        row = choice.as_row(now)
        _write(spark, row if registry is None else pa.concat_tables([registry.cast(row.schema), row]),
               f"{schema}.{MODELS}")
        return choice.model
    return model_of(registry)


def _scored_pairs(spark, schema: str, records: pa.Table, model: dict, now: datetime, full_refresh: bool,
                  scorer: Scorer) -> tuple[pa.Table, int]:
    """All rows int_scored_pairs should hold now, and how many records were scored this run."""
    version = model_version(model)
    previous = None if full_refresh else _read_if_exists(spark, f"{schema}.{PAIRS}")
    if previous is not None and pc.unique(previous.column("model_version")).to_pylist() == [version]:
        registered = previous.filter(pc.equal(previous.column("record_key_l"), previous.column("record_key_r")))
        update = score_new(records, pa.table({"record_key": registered.column("record_key_l"),
                                              "input_hash": registered.column("input_hash")}), model, scorer=scorer)
        stale = pa.array(update.stale_keys, pa.string())
        kept = previous.filter(pc.invert(pc.or_(pc.is_in(previous.column("record_key_l"), stale),
                                                pc.is_in(previous.column("record_key_r"), stale))))
    else:
        update, kept = score_all(records, model, scorer=scorer), None
    rows = update.as_rows(version, now)
    if kept is not None:
        rows = pa.concat_tables([kept.select(rows.column_names).cast(rows.schema), rows])
    return rows, update.hashes.num_rows


def _clusters(records: pa.Table, pair_rows: pa.Table, overrides: pa.Table, threshold: float,
              now: datetime) -> pa.Table:
    """The whole file clustered, with the columns the DuckDB model keeps (matching.incremental_clusters)."""
    con = duckdb.connect()
    try:
        con.register("records", records)
        con.register("pairs", pair_rows)
        versions = pc.unique(pair_rows.column("model_version")).to_pylist()
        params = clustering_params(threshold, versions[0] if len(versions) == 1 else None)
        return recluster(con, "records", "pairs", overrides, None, threshold, params, now).rows
    finally:
        con.close()


def _assignments(spark, schema: str, clusters: pa.Table, now: datetime, full_refresh: bool) -> pa.Table:
    """The customer-id log after this run: the earlier rows plus a row per new or changed id."""
    previous = None if full_refresh else _read_if_exists(spark, f"{schema}.{ASSIGNMENTS}")
    assignments = assign_customer_ids(clusters.select(["record_key", "cluster_id"]), previous, now)
    if previous is None:
        return assignments
    changed = assignments.filter(pc.is_valid(assignments.column("change_reason")))
    return pa.concat_tables([previous.select(changed.column_names).cast(changed.schema), changed])


def _read(spark, table: str) -> pa.Table:
    return spark.table(table).toArrow()


def _read_if_exists(spark, table: str) -> pa.Table | None:
    return _read(spark, table) if spark.catalog.tableExists(table) else None


def _write(spark, table: pa.Table, name: str) -> None:
    """Replace a Spark table by an Arrow table (collected first, so a table may be rewritten
    from its own earlier rows)."""
    spark.createDataFrame(table).write.mode("overwrite").format("parquet").saveAsTable(name)
