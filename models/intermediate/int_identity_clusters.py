"""Splink step: cluster identity records into customers with the committed model. The
deterministic links of int_identity_links (a browser's login) join as must-links, and the
must-link / cannot-link decisions of seed match_overrides are applied on top.

Runs inside dbt (dbt-duckdb Python model) so a plain `dbt build` includes matching.
Splink gets its own in-memory DuckDB connection (the dbt session is a cursor wrapper it
cannot use) and the records travel as an Arrow table, fully materialised because Splink
scans its input more than once.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    from matching import DEFAULT_THRESHOLD, link_records
    from matching.overrides import with_deterministic_links

    threshold = float(dbt.config.get("match_threshold") or DEFAULT_THRESHOLD)
    records = dbt.ref("int_identity_records").to_arrow_table()
    overrides = with_deterministic_links(dbt.ref("match_overrides").to_arrow_table(),
                                         dbt.ref("int_identity_links").to_arrow_table())
    return link_records(records, threshold=threshold, overrides=overrides)
