"""Prediction and clustering with the committed Splink model.

``link_records`` is what the dbt Python model ``int_identity_clusters`` calls: identity
records in, one row per record out with its cluster and a match confidence.

match_confidence (0..1) says how sure we are that a record belongs to its customer and
to no other:  P(in) x (1 - P(out)), where P(in) is the best match probability linking the
record to another member of its cluster (1 for a singleton, which needs no link) and P(out)
is the best match probability to any record of another cluster (0 if there is none).
A record alone in its cluster with a 0.7 candidate elsewhere therefore gets 0.3; a record
linked at 0.99 with no rival gets 0.99.
"""

from __future__ import annotations

import copy
import logging
import math
from pathlib import Path

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from matching.cluster import cluster_records
from matching.overrides import apply_overrides
from matching.prepare import load_records
from matching.reports import blocking_counts
from matching.settings import DETERMINISTIC_RECALL, DETERMINISTIC_RULES, UNIQUE_ID
from matching.splink_speedups import install as install_splink_speedups
from matching.term_frequencies import register_corrected_term_frequencies
from matching.workspace import workspace

log = logging.getLogger(__name__)
install_splink_speedups()

MODEL_PATH = Path(__file__).parent / "model" / "splink_model.json"
# a model JSON file, or the model itself (a warehouse's model lives in int_match_models)
Model = Path | dict
DEFAULT_THRESHOLD = 0.9
# Pairs below this probability are not kept at all; between it and the clustering
# threshold they only lower the confidence of the records involved.
CANDIDATE_FLOOR = 0.05
# The least prior, as other records of the same person per record. The generated files
# estimate 2.8 by the exact rules; the same sample with every e-mail, phone and handle
# removed estimated 0.11, which left recall at 0.18. At 1.0 it is 0.35 (precision 0.91);
# a higher floor would over-link genuine files where most people appear once.
MIN_MATCHES_PER_RECORD = 1.0
# Above this many records prediction is chunked (see predict_chunks): a million records
# are scored in one go (as before chunking existed), ten million in four slices.
RECORDS_PER_CHUNK = 2_500_000


def link_records(records: pa.Table, threshold: float = DEFAULT_THRESHOLD,
                 model: Model = MODEL_PATH, overrides: pa.Table | None = None) -> pa.Table:
    """Cluster identity records into customers.

    ``overrides`` (left_record_key, right_record_key, decision in must_link/cannot_link)
    are human decisions applied on top of the model (see matching.overrides).
    Returns an Arrow table: record_key, cluster_id (the smallest record_key of the
    cluster), cluster_size, best_match_probability, match_confidence.
    """
    return link_records_at(records, [threshold], model, overrides)[threshold]


def link_records_at(records: pa.Table, thresholds: list[float], model: Model = MODEL_PATH,
                    overrides: pa.Table | None = None) -> dict[float, pa.Table]:
    """Score the candidate pairs once and cluster at each threshold (for threshold studies)."""
    _check_thresholds(thresholds)
    con = workspace()
    try:
        n_records = load_records(con, records)
        if n_records == 0:
            return {threshold: _empty_result() for threshold in thresholds}
        _score_pairs(con, model, n_records, floor=min(CANDIDATE_FLOOR, *thresholds))
        n_pairs = con.execute("select count(*) from scored_pairs").fetchall()[0][0]
        log.info("matched %d records: %d candidate pairs at or above %.2f", n_records, n_pairs, CANDIDATE_FLOOR)
        return _clusters_at(con, thresholds, overrides)
    finally:
        con.close()


def _score_pairs(con: duckdb.DuckDBPyConnection, model: Model, n_records: int, floor: float) -> None:
    """Create table scored_pairs (record_key_l, record_key_r, match_probability) from identity_records."""
    linker = scoring_linker(con, model)
    blocking_counts(linker, n_records)
    predictions = linker.inference.predict(threshold_match_probability=floor,
                                           num_chunks_left=predict_chunks(n_records))
    con.execute(f"create or replace table scored_pairs as select {UNIQUE_ID}_l, {UNIQUE_ID}_r, match_probability, "
                f"false as is_forced from {predictions.physical_name}")


def predict_chunks(n_records: int) -> int:
    """Splink scores the left side of the candidate pairs in this many slices, each one
    blocked, scored and filtered to the candidate floor before the next, so the pairs
    blocked at once stay near what RECORDS_PER_CHUNK records produce."""
    return max(1, math.ceil(n_records / RECORDS_PER_CHUNK))


def scoring_linker(con: duckdb.DuckDBPyConnection, model: Model = MODEL_PATH,
                   table: str = "identity_records") -> Linker:
    """The model (default: the committed one) over ``table``, with the prior and the term
    frequencies of that file.

    Splink's settings validation (do the model's columns exist in the input?) only logs,
    and costs 0.26 s a prediction; the input is always INPUT_COLUMNS, and a test checks that
    the committed model validates cleanly against them, so scoring skips it. Training
    (matching.train) still validates a model against the warehouse's records."""
    linker = Linker(DuckDBAPI(connection=con).register(table), _settings_of(model), log_level=logging.WARNING,
                    validate_settings=False)
    # The prior depends on the size of the file being matched, not the one trained on.
    try:
        linker.training.estimate_probability_two_random_records_match(
            DETERMINISTIC_RULES, recall=DETERMINISTIC_RECALL)
    except ValueError:  # tiny inputs where exact rules find "too many" matches: keep the trained prior
        log.info("kept the trained prior: too few records to estimate it")
    _prior_at_least(linker, con, table)
    register_corrected_term_frequencies(linker, con, table)
    return linker


def _settings_of(model: Model) -> str | dict:
    """What Splink's Linker takes; a copy, as the linker keeps and changes what it is given."""
    return copy.deepcopy(model) if isinstance(model, dict) else str(model)


def _prior_at_least(linker: Linker, con: duckdb.DuckDBPyConnection, table: str) -> None:
    """The exact rules only see matches where records carry an e-mail, a phone or a full
    name with a birth date; a file with no contact points (names, birth dates and addresses
    only) would get a prior many times too small, and every pair would lose that many bits.
    So the prior never drops below MIN_MATCHES_PER_RECORD other records per record."""
    n_records = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    settings = linker._settings_obj  # Splink keeps the prior here; training sets it the same way
    floor = MIN_MATCHES_PER_RECORD / max(n_records - 1, 1)
    if settings._probability_two_random_records_match < floor:
        log.info("prior raised from %.3g to %.3g (%s matches per record)",
                 settings._probability_two_random_records_match, floor, MIN_MATCHES_PER_RECORD)
        settings._probability_two_random_records_match = min(floor, 0.5)


def cluster_scored_pairs(records: pa.Table, pairs: pa.Table, threshold: float = DEFAULT_THRESHOLD,
                         overrides: pa.Table | None = None, pairs_are_checked: bool = False,
                         outside: pa.Table | None = None) -> pa.Table:
    """Cluster records from pairs scored earlier (record_key_l, record_key_r, match_probability),
    e.g. by matching.incremental; same result columns as link_records. ``records`` needs
    only matching.prepare.CLUSTERING_COLUMNS.

    Pairs are put in canonical order, deduplicated and kept only between ``records``, unless
    ``pairs_are_checked`` says they already are (int_scored_pairs: scored so, and its dbt
    tests check it). At ten million records (31 million pairs) that check's hash tables took
    matching's DuckDB past its memory limit. ``outside``: see matching.cluster.cluster_records."""
    _check_thresholds([threshold])
    con = workspace()
    try:
        if load_records(con, records, blocking_keys=False) == 0:
            return _empty_result()
        con.register("pairs_input", pairs)
        floor = min(CANDIDATE_FLOOR, threshold)
        if pairs_are_checked:
            con.execute(f"""
                create table scored_pairs as
                select {UNIQUE_ID}_l, {UNIQUE_ID}_r, match_probability, false as is_forced
                from pairs_input
                where {UNIQUE_ID}_l <> {UNIQUE_ID}_r and match_probability >= {floor}
            """)
        else:
            con.execute(f"""
                create table scored_pairs as
                select least({UNIQUE_ID}_l, {UNIQUE_ID}_r) as {UNIQUE_ID}_l,
                       greatest({UNIQUE_ID}_l, {UNIQUE_ID}_r) as {UNIQUE_ID}_r,
                       max(match_probability) as match_probability, false as is_forced
                from pairs_input
                where {UNIQUE_ID}_l <> {UNIQUE_ID}_r and match_probability >= {floor}
                    and {UNIQUE_ID}_l in (select {UNIQUE_ID} from identity_records)
                    and {UNIQUE_ID}_r in (select {UNIQUE_ID} from identity_records)
                group by 1, 2
            """)
        con.unregister("pairs_input")
        if outside is not None:
            con.register("outside_input", outside)
            con.execute("create table outside_links as select * from outside_input")
            con.unregister("outside_input")
        return _clusters_at(con, [threshold], overrides, "outside_links" if outside is not None else None)[threshold]
    finally:
        con.close()


def _check_thresholds(thresholds: list[float]) -> None:
    for threshold in thresholds:
        if not 0 < threshold < 1:
            raise ValueError(f"match threshold must be between 0 and 1, got {threshold}")


def _clusters_at(con: duckdb.DuckDBPyConnection, thresholds: list[float],
                 overrides: pa.Table | None, outside: str | None = None) -> dict[float, pa.Table]:
    """The human decisions applied to table scored_pairs, then the records of identity_records
    clustered at each threshold: the one way both entry points (link_records_at, which scores
    the pairs, and cluster_scored_pairs, which is given them) turn pairs into customers."""
    cannot_link = apply_overrides(con, overrides, "scored_pairs")
    results = {}
    for threshold in thresholds:
        membership = cluster_records(con, "identity_records", "scored_pairs", threshold, cannot_link=cannot_link,
                                     outside=outside)
        results[threshold] = con.sql(_result_sql(membership, "scored_pairs", threshold, outside)).to_arrow_table()
    return results


def _result_sql(membership: str, predictions: str, threshold: float, outside: str | None = None) -> str:
    # a part of the file: a record's pairs outside it are to other customers
    best_out = ("greatest(edge_sides.best_out, outside.best_outside)" if outside else "edge_sides.best_out")
    return f"""
        with membership as (
            select {UNIQUE_ID} as record_key, cluster_id from {membership}
        ),
        cluster_sizes as (
            select cluster_id, count(*) as cluster_size from membership group by 1
        ),
        edges as (
            select {UNIQUE_ID}_l as a, {UNIQUE_ID}_r as b, match_probability from {predictions}
            union all
            select {UNIQUE_ID}_r, {UNIQUE_ID}_l, match_probability from {predictions}
        ),
        edge_sides as (
            select edges.a as record_key,
                   max(case when ma.cluster_id = mb.cluster_id then match_probability end) as best_in,
                   max(case when ma.cluster_id <> mb.cluster_id then match_probability end) as best_out
            from edges
            join membership as ma on ma.record_key = edges.a
            join membership as mb on mb.record_key = edges.b
            group by 1
        ),
        final as (
            select
                membership.record_key,
                membership.cluster_id,
                cluster_sizes.cluster_size,
                edge_sides.best_in as best_match_probability,
                round(
                    (case when cluster_sizes.cluster_size = 1 then 1.0
                          else coalesce(edge_sides.best_in, {threshold}) end)
                    * (1.0 - coalesce({best_out}, 0.0)),
                    6
                ) as match_confidence
            from membership
            join cluster_sizes using (cluster_id)
            left join edge_sides using (record_key)
            {f"left join {outside} as outside using (record_key)" if outside else ""}
        )
        select * from final order by record_key
    """


def _empty_result() -> pa.Table:
    return pa.table({
        "record_key": pa.array([], pa.string()),
        "cluster_id": pa.array([], pa.string()),
        "cluster_size": pa.array([], pa.int64()),
        "best_match_probability": pa.array([], pa.float64()),
        "match_confidence": pa.array([], pa.float64()),
    })
