"""Stable customer ids: an append-only log of which customer id each identity record holds.

Incremental: each run reads the records int_identity_clusters re-clustered since the last
assignment (an incremental clustering rewrites whole earlier customers, so each old id's
records come together) and their rows of the log, maps their clusters onto those ids
(matching.stable_ids: merges keep the oldest id, splits keep the id on the larger part)
and appends only the records whose id is new or changed. `dbt build --full-refresh`
starts the ids afresh.
"""

from datetime import UTC, datetime


def model(dbt, session):
    dbt.config(materialized="incremental")
    import pyarrow.compute as pc

    from matching.stable_ids import assign_customer_ids

    session.execute(f"create or replace temp view _ids_clusters as {dbt.ref('int_identity_clusters').sql_query()}")
    log, issued_ids = None, None
    if dbt.is_incremental:
        session.execute(f"""
            create or replace temp table _ids_changed as
            select record_key, cluster_id from _ids_clusters
            where clustered_at > (select coalesce(max(assigned_at), '-infinity'::timestamp) from {dbt.this})
        """)
        log = session.query(f"select * from {dbt.this} semi join _ids_changed using (record_key)").to_arrow_table()
        issued_ids = session.query(f"select distinct customer_id from {dbt.this}").to_arrow_table().column(0)
        clusters = session.query("select * from _ids_changed").to_arrow_table()
        session.execute("drop table _ids_changed")
    else:
        clusters = session.query("select record_key, cluster_id from _ids_clusters").to_arrow_table()
    session.execute("drop view _ids_clusters")
    assignments = assign_customer_ids(clusters, log, datetime.now(UTC).replace(tzinfo=None), issued_ids)
    if dbt.is_incremental:
        assignments = assignments.filter(pc.is_valid(assignments.column("change_reason")))
    return assignments
