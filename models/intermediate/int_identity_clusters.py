"""Splink step: cluster identity records into customers with the committed model, then
apply the must-link / cannot-link decisions of seed match_overrides.

Runs inside dbt (dbt-duckdb Python model) so a plain `dbt build` includes matching.
Splink gets its own in-memory DuckDB connection (the dbt session is a cursor wrapper it
cannot use) and the records travel as an Arrow table, fully materialised because Splink
scans its input more than once.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    from matching import DEFAULT_THRESHOLD, link_records

    threshold = float(dbt.config.get("match_threshold") or DEFAULT_THRESHOLD)
    records = dbt.ref("int_identity_records").to_arrow_table()
    overrides = dbt.ref("match_overrides").to_arrow_table()
    return link_records(records, threshold=threshold, overrides=overrides)
