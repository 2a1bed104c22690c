"""Stable customer ids: an append-only log of which customer id each identity record holds.

Incremental: each run reads the log so far (latest id per record, issue time of every id
ever issued), maps this run's clusters onto those ids (matching.stable_ids: merges keep
the oldest id, splits keep the id on the larger part) and appends only the records whose
id is new or changed. `dbt build --full-refresh` starts the ids afresh.
"""

from datetime import UTC, datetime


def model(dbt, session):
    dbt.config(materialized="incremental")
    from matching.stable_ids import Previous, assign_customer_ids

    clusters = dbt.ref("int_identity_clusters").to_arrow_table().select(["record_key", "cluster_id"])
    customer_of, issued_at = {}, {}
    if dbt.is_incremental:
        for record_key, customer_id in session.execute(f"""
                select record_key, customer_id from {dbt.this}
                qualify row_number() over (partition by record_key order by assigned_at desc) = 1
                """).fetchall():
            customer_of[record_key] = customer_id
        for customer_id, issued in session.execute(
                f"select customer_id, min(customer_id_issued_at) from {dbt.this} group by 1").fetchall():
            issued_at[customer_id] = issued
    now = datetime.now(UTC).replace(tzinfo=None)
    assignments = assign_customer_ids(clusters, Previous(customer_of, issued_at), now)
    if dbt.is_incremental:
        changed = [reason is not None for reason in assignments.column("change_reason").to_pylist()]
        assignments = assignments.filter(changed)
    return assignments
