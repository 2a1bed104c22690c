"""Splink step, second half: cluster identity records into customers from the pairs
int_scored_pairs keeps (scored incrementally). The deterministic links of
int_identity_links (a browser's login) join as must-links, and the must-link /
cannot-link decisions of seed match_overrides are applied on top.

Incremental (matching.incremental_clusters): a run re-clusters only the components of the
candidate graph its batch touched, so untouched customers keep their rows byte for byte;
another model, threshold or clustering rules re-cluster the whole file, and so does
`dbt build --full-refresh`.

Runs inside dbt (dbt-duckdb Python model) so a plain `dbt build` includes matching. The
region to re-cluster is found in SQL on the dbt session; its records travel as Arrow tables
to the matching package, which works on its own in-memory DuckDB connection (the dbt
session is a cursor wrapper Splink cannot use).
"""

from datetime import UTC, datetime


def model(dbt, session):
    dbt.config(materialized="incremental")
    from matching import DEFAULT_THRESHOLD
    from matching.incremental_clusters import clustering_params, recluster
    from matching.overrides import with_deterministic_links

    threshold = float(dbt.config.get("match_threshold") or DEFAULT_THRESHOLD)
    # the tables by name, for the SQL that finds what changed (no copy of a million records)
    for view, relation in (("_cl_records", dbt.ref("int_identity_records")),
                           ("_cl_pairs", dbt.ref("int_scored_pairs"))):
        session.execute(f"create or replace temp view {view} as {relation.sql_query()}")
    versions = [row[0] for row in session.execute("select distinct model_version from _cl_pairs").fetchall()]
    overrides = with_deterministic_links(dbt.ref("match_overrides").to_arrow_table(),
                                         dbt.ref("int_identity_links").to_arrow_table())
    # int_scored_pairs' tests (one row per ordered pair of identity records) ran before this
    update = recluster(session, "_cl_records", "_cl_pairs", overrides,
                       previous=str(dbt.this) if dbt.is_incremental else None, threshold=threshold,
                       params=clustering_params(threshold, versions[0] if len(versions) == 1 else None),
                       now=datetime.now(UTC).replace(tzinfo=None))
    for view in ("_cl_records", "_cl_pairs"):
        session.execute(f"drop view if exists {view}")
    return update.rows
