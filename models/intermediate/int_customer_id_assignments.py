"""Stable customer ids: an append-only log of which customer id each identity record holds.

Incremental: each run reads the log so far (latest id per record, issue time of every id
ever issued), maps this run's clusters onto those ids (matching.stable_ids: merges keep
the oldest id, splits keep the id on the larger part) and appends only the records whose
id is new or changed. `dbt build --full-refresh` starts the ids afresh.
"""

from datetime import UTC, datetime


def model(dbt, session):
    dbt.config(materialized="incremental")
    from matching.stable_ids import assign_customer_ids

    clusters = dbt.ref("int_identity_clusters").to_arrow_table().select(["record_key", "cluster_id"])
    log = session.query(f"select * from {dbt.this}").to_arrow_table() if dbt.is_incremental else None
    assignments = assign_customer_ids(clusters, log, datetime.now(UTC).replace(tzinfo=None))
    if dbt.is_incremental:
        changed = [reason is not None for reason in assignments.column("change_reason").to_pylist()]
        assignments = assignments.filter(changed)
    return assignments
