"""Incremental clustering: a run re-clusters only the part of the file its batch touched.

Who ends in one customer with whom is decided inside the components of the linkage graph:
pairs at or above the attach threshold (or the clustering threshold, when lower) and the
human and deterministic overrides (matching.cluster joins records along nothing weaker). A
component whose records and pairs did not change since the last run clusters exactly as
before and keeps its rows byte for byte. The weaker pairs (down to the candidate floor)
cross components; they only say "another customer": they lower a record's match
confidence and, for a thin record, are rivals that can stop it attaching. So they are
handed to the clustering of a part as each record's best pair outside it.

A record is touched when, against what clustering saw last time, it is new or gone, was
scored again (its input hash in int_scored_pairs changed: new or changed matching columns),
the set of records it has pairs with changed (a fingerprint: their count and the xor of their
keys' hashes; a pair is dropped when its other record changed), its overrides changed, or
its rare-name flag moved (a statistic of the whole file, see
matching.cluster.rare_names_sql; recomputed, not assumed). The region re-clustered is the
touched records, every record they have a pair or an override with, and the whole earlier
components of all of them. It is closed: a linkage pair between two untouched records
existed last time, inside one earlier component; a record whose pairs changed is touched
itself. Everything is re-clustered when the
parameters differ (model, threshold, the rules' version) or there is no earlier table.

The SQL runs on the caller's connection (the dbt session), where the tables are; only the
region travels to matching's own DuckDB. At a million generated records the components at
the candidate floor were one of 340,000 records; at the attach threshold the largest holds
about 6,000.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from matching.cluster import ATTACH_THRESHOLD, connected_components, rare_names_sql
from matching.overrides import OVERRIDE_COLUMNS, canonical_overrides_sql
from matching.predict import cluster_scored_pairs
from matching.prepare import ANCHOR_SQL, CLUSTERING_COLUMNS
from matching.settings import UNIQUE_ID

# Raise when matching.cluster's rules change, so kept clusters are not mixed with new ones.
CLUSTERING_RULES_VERSION = "1"
# The rows int_identity_clusters holds: each record's cluster, and what clustering saw of it
# (the state a later run compares with to tell what changed).
EMPTY = pa.schema([(UNIQUE_ID, pa.string()), ("cluster_id", pa.string()), ("cluster_size", pa.int64()),
                   ("best_match_probability", pa.float64()), ("match_confidence", pa.float64()),
                   ("component_id", pa.string()), ("input_hash", pa.string()), ("overrides_hash", pa.string()),
                   ("pairs_fingerprint", pa.string()),
                   ("is_rare_name", pa.bool_()), ("clustering_params", pa.string()),
                   ("clustered_at", pa.timestamp("us"))]).empty_table()


@dataclass(frozen=True)
class ClusterUpdate:
    """rows: the rows to append (one per record of the region); replaced: how many rows of
    the earlier table were deleted; everything: the whole file was clustered."""

    rows: pa.Table
    replaced: int
    everything: bool


def clustering_params(threshold: float, model_version: str | None) -> str:
    """What the kept clusters were made under; any change re-clusters the whole file."""
    text = f"{threshold!r}|{model_version or ''}|{CLUSTERING_RULES_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def recluster(con: duckdb.DuckDBPyConnection, records: str, pairs: str, overrides: pa.Table,
              previous: str | None, threshold: float, params: str, now: datetime) -> ClusterUpdate:
    """Cluster what changed. ``records`` (identity records), ``pairs`` (int_scored_pairs:
    pairs plus a row per scored record carrying its input_hash) and ``previous`` (this
    model's earlier table, or None) are SQL names on ``con``; ``overrides`` has
    OVERRIDE_COLUMNS. Deletes the region's rows from ``previous`` and returns those to append."""
    try:
        _prepare_state(con, records, pairs, overrides)
        everything = previous is None or _params_of(con, previous) != [params]
        replaced = 0
        if everything:
            con.execute(f"create or replace temp table _cl_region as select {UNIQUE_ID} from _cl_state")
            if previous is not None:
                replaced = con.execute(f"select count(*) from {previous}").fetchall()[0][0]
                con.execute(f"delete from {previous}")
        else:
            _find_region(con, pairs, previous)
            replaced = con.execute(f"select count(*) from {previous} semi join _cl_region using ({UNIQUE_ID})"
                                   ).fetchall()[0][0]
            con.execute(f"delete from {previous} where {UNIQUE_ID} in (select {UNIQUE_ID} from _cl_region)")
        rows = _cluster_region(con, records, pairs, threshold, params, now)
        return ClusterUpdate(rows, replaced, everything)
    finally:
        for table in ("_cl_overrides", "_cl_state", "_cl_touched", "_cl_region"):
            con.execute(f"drop table if exists {table}")


def _params_of(con: duckdb.DuckDBPyConnection, previous: str) -> list[str]:
    return [row[0] for row in con.execute(f"select distinct clustering_params from {previous}").fetchall()]


def _prepare_state(con: duckdb.DuckDBPyConnection, records: str, pairs: str, overrides: pa.Table) -> None:
    """_cl_overrides: the overrides between current records, in canonical order; _cl_state:
    each current record's input hash, overrides hash and rare-name flag."""
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    con.register("_cl_overrides_input", overrides.select(list(OVERRIDE_COLUMNS)))
    canonical = canonical_overrides_sql("_cl_overrides_input", records)
    con.execute(f"create or replace temp table _cl_overrides as {canonical}")
    con.unregister("_cl_overrides_input")
    con.execute(f"""
        create or replace temp table _cl_state as
        with input_hashes as (
            select {left} as {UNIQUE_ID}, input_hash from {pairs} where {left} = {right}
        ),
        override_sides as (
            select {left} as {UNIQUE_ID}, {right} as other, decision from _cl_overrides
            union all select {right}, {left}, decision from _cl_overrides
        ),
        override_hashes as (
            select {UNIQUE_ID}, md5(string_agg(other || ':' || decision, ',' order by other, decision))
                   as overrides_hash
            from override_sides group by 1
        ),
        neighbour_sides as (
            select {left} as {UNIQUE_ID}, {right} as other from {pairs} where {left} <> {right}
            union all select {right}, {left} from {pairs} where {left} <> {right}
        ),
        neighbours as (
            select {UNIQUE_ID}, count(*) || ':' || bit_xor(hash(other)) as pairs_fingerprint
            from neighbour_sides group by 1
        ),
        rare_names as ({rare_names_sql(records)})
        select r.{UNIQUE_ID}, h.input_hash, o.overrides_hash, g.pairs_fingerprint,
               coalesce(n.is_rare_name, false) as is_rare_name
        from {records} as r
        left join input_hashes as h using ({UNIQUE_ID})
        left join override_hashes as o using ({UNIQUE_ID})
        left join neighbours as g using ({UNIQUE_ID})
        left join rare_names as n using ({UNIQUE_ID})
    """)


def _find_region(con: duckdb.DuckDBPyConnection, pairs: str, previous: str) -> None:
    """_cl_touched and _cl_region (record keys; gone records included, so their rows go)."""
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    con.execute(f"""
        create or replace temp table _cl_touched as
        select coalesce(s.{UNIQUE_ID}, p.{UNIQUE_ID}) as {UNIQUE_ID}
        from _cl_state as s full join {previous} as p on p.{UNIQUE_ID} = s.{UNIQUE_ID}
        where s.{UNIQUE_ID} is null or p.{UNIQUE_ID} is null
            or s.input_hash is distinct from p.input_hash
            or s.overrides_hash is distinct from p.overrides_hash
            or s.pairs_fingerprint is distinct from p.pairs_fingerprint
            or s.is_rare_name is distinct from p.is_rare_name
    """)
    con.execute(f"""
        create or replace temp table _cl_region as
        with links as (
            select {left}, {right} from {pairs} where {left} <> {right}
            union all select {left}, {right} from _cl_overrides
        ),
        seeds as (
            select {UNIQUE_ID} from _cl_touched
            union select l.{right} from links as l semi join _cl_touched as t on t.{UNIQUE_ID} = l.{left}
            union select l.{left} from links as l semi join _cl_touched as t on t.{UNIQUE_ID} = l.{right}
        ),
        components as (
            select distinct p.component_id from {previous} as p semi join seeds using ({UNIQUE_ID})
        )
        select {UNIQUE_ID} from seeds
        union select p.{UNIQUE_ID} from {previous} as p semi join components using (component_id)
    """)


def _cluster_region(con: duckdb.DuckDBPyConnection, records: str, pairs: str, threshold: float, params: str,
                    now: datetime) -> pa.Table:
    """The region's records clustered from their pairs and overrides, with the state columns."""
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    columns = ", ".join(f"r.{column}" for column in CLUSTERING_COLUMNS)
    region_records = con.query(f"""
        select {columns}, s.is_rare_name, s.input_hash, s.overrides_hash, s.pairs_fingerprint
        from {records} as r join _cl_state as s using ({UNIQUE_ID})
        semi join _cl_region using ({UNIQUE_ID})
    """).to_arrow_table()
    if region_records.num_rows == 0:
        return EMPTY
    # the region is closed under pairs: one end inside means both
    region_pairs = con.query(f"""
        select p.{left}, p.{right}, p.match_probability from {pairs} as p
        semi join _cl_region as g on g.{UNIQUE_ID} = p.{left}
        where p.{left} <> p.{right}
    """).to_arrow_table()
    region_overrides = con.query(f"""
        select o.{left} as left_record_key, o.{right} as right_record_key, o.decision from _cl_overrides as o
        semi join _cl_region as g on g.{UNIQUE_ID} = o.{left}
    """).to_arrow_table()
    outside = con.query(f"""
        with crossing as (
            select p.{left} as {UNIQUE_ID}, p.{right} as other, p.match_probability from {pairs} as p
            semi join _cl_region as g on g.{UNIQUE_ID} = p.{left} anti join _cl_region as h on h.{UNIQUE_ID} = p.{right}
            where p.{left} <> p.{right}
            union all
            select p.{right}, p.{left}, p.match_probability from {pairs} as p
            semi join _cl_region as g on g.{UNIQUE_ID} = p.{right} anti join _cl_region as h on h.{UNIQUE_ID} = p.{left}
            where p.{left} <> p.{right}
        )
        select c.{UNIQUE_ID}, max(c.match_probability) filter (where {ANCHOR_SQL}) as best_outside_anchor,
               max(c.match_probability) as best_outside
        from crossing as c join {records} as o on o.{UNIQUE_ID} = c.other
        group by 1
    """).to_arrow_table()
    clusters = cluster_scored_pairs(region_records.select([*CLUSTERING_COLUMNS, "is_rare_name"]), region_pairs,
                                    threshold=threshold, overrides=region_overrides, pairs_are_checked=True,
                                    outside=outside)
    link_floor = min(threshold, ATTACH_THRESHOLD)
    return _with_state(clusters, region_records, region_pairs, region_overrides, link_floor, params, now)


def _with_state(clusters: pa.Table, records: pa.Table, pairs: pa.Table, overrides: pa.Table, link_floor: float,
                params: str, now: datetime) -> pa.Table:
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    work = duckdb.connect()
    try:
        for name, table in (("clusters", clusters), ("records", records), ("pairs", pairs),
                            ("overrides", overrides)):
            work.register(name, table)
        components = connected_components(
            work, nodes=f"select {UNIQUE_ID} from records",
            edges=f"""select {left}, {right}, match_probability from pairs
                      union all select left_record_key, right_record_key, 1.0 from overrides""",
            threshold=link_floor)
        return work.sql(f"""
            select c.*, k.cluster_id as component_id, r.input_hash, r.overrides_hash, r.pairs_fingerprint,
                   r.is_rare_name,
                   $params as clustering_params, $now::timestamp as clustered_at
            from clusters as c
            join {components} as k using ({UNIQUE_ID})
            join records as r using ({UNIQUE_ID})
            order by c.{UNIQUE_ID}
        """, params={"params": params, "now": now}).to_arrow_table()
    finally:
        work.close()
