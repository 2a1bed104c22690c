"""Splink step, second half: cluster identity records into customers from the pairs
int_scored_pairs keeps (scored incrementally). The deterministic links of
int_identity_links (a browser's login) join as must-links, and the must-link /
cannot-link decisions of seed match_overrides are applied on top. Clustering always
covers the whole file: it is cheap next to scoring, and a new record can join or merge
customers anywhere.

Runs inside dbt (dbt-duckdb Python model) so a plain `dbt build` includes matching.
The records travel as Arrow tables to the matching package, which works on its own
in-memory DuckDB connection (the dbt session is a cursor wrapper Splink cannot use).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    from matching import DEFAULT_THRESHOLD
    from matching.overrides import with_deterministic_links
    from matching.predict import cluster_scored_pairs
    from matching.prepare import CLUSTERING_COLUMNS

    threshold = float(dbt.config.get("match_threshold") or DEFAULT_THRESHOLD)
    # only what clustering reads: at ten million records the build ran out of memory here
    # while it read every matching column of the records and every column of the pairs
    records = dbt.ref("int_identity_records").project(", ".join(CLUSTERING_COLUMNS)).to_arrow_table()
    pairs = (dbt.ref("int_scored_pairs").filter("record_key_l <> record_key_r")
             .project("record_key_l, record_key_r, match_probability").to_arrow_table())
    overrides = with_deterministic_links(dbt.ref("match_overrides").to_arrow_table(),
                                         dbt.ref("int_identity_links").to_arrow_table())
    # int_scored_pairs' tests (one row per ordered pair of identity records) ran before this
    return cluster_scored_pairs(records, pairs, threshold=threshold, overrides=overrides, pairs_are_checked=True)
