"""Human decisions that overrule the model: must-link and cannot-link pairs of records.

must_link: the pair is scored 1.0, so the two records end in one customer.
cannot_link: the pair's own score is dropped, and after clustering every customer that
still holds both records is rebuilt from its links strongest first, skipping any link that
would bring a cannot-link pair together (so the weakest links between them are cut).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from matching.settings import UNIQUE_ID

OVERRIDE_COLUMNS = ("left_record_key", "right_record_key", "decision")


def with_deterministic_links(overrides: pa.Table, links: pa.Table) -> pa.Table:
    """Human overrides plus deterministic links (left_record_key, right_record_key) as must-links."""
    schema = pa.schema([(name, pa.string()) for name in OVERRIDE_COLUMNS])
    as_must_links = pa.table({
        "left_record_key": links.column("left_record_key").cast(pa.string()),
        "right_record_key": links.column("right_record_key").cast(pa.string()),
        "decision": pa.array(["must_link"] * links.num_rows, pa.string()),
    }, schema=schema)
    return pa.concat_tables([overrides.select(list(OVERRIDE_COLUMNS)).cast(schema), as_must_links])


def canonical_overrides_sql(overrides: str, records: str) -> str:
    """SQL: the overrides (OVERRIDE_COLUMNS) between two distinct records of ``records``, each
    pair once, as (record_key_l <= record_key_r, decision)."""
    return f"""
        select distinct
            least(left_record_key, right_record_key) as {UNIQUE_ID}_l,
            greatest(left_record_key, right_record_key) as {UNIQUE_ID}_r,
            decision
        from {overrides}
        where left_record_key <> right_record_key
            and left_record_key in (select {UNIQUE_ID} from {records})
            and right_record_key in (select {UNIQUE_ID} from {records})
    """


def apply_overrides(con: duckdb.DuckDBPyConnection, overrides: pa.Table | None, pairs: str) -> str | None:
    """Rewrite the scored pairs by the overrides; returns the cannot-link table name, or None."""
    if overrides is None or overrides.num_rows == 0:
        return None
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    con.register("overrides_input", overrides.select(list(OVERRIDE_COLUMNS)))
    canonical = canonical_overrides_sql("overrides_input", "identity_records")
    con.execute(f"create or replace table _overrides as {canonical}")
    con.unregister("overrides_input")
    con.execute(f"""
        delete from {pairs} using _overrides
        where least({pairs}.{left}, {pairs}.{right}) = _overrides.{left}
          and greatest({pairs}.{left}, {pairs}.{right}) = _overrides.{right}
    """)
    con.execute(f"""
        insert into {pairs} ({left}, {right}, match_probability, is_forced)
        select {left}, {right}, 1.0, true from _overrides where decision = 'must_link'
    """)
    con.execute(f"create or replace table _cannot_link as select {left}, {right} from _overrides "
                "where decision = 'cannot_link'")
    return "_cannot_link"


def enforce_cannot_links(con: duckdb.DuckDBPyConnection, membership: str, links: str, cannot_link: str) -> None:
    """Split every cluster of ``membership`` that holds a cannot-link pair.

    ``links`` (a, b, match_probability) are the links clustering used; they are replayed
    strongest first within each offending cluster with a constrained union-find.
    """
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    offending = [row[0] for row in con.execute(f"""
        select distinct ml.cluster_id from {cannot_link} as c
        join {membership} as ml on ml.{UNIQUE_ID} = c.{left}
        join {membership} as mr on mr.{UNIQUE_ID} = c.{right}
        where ml.cluster_id = mr.cluster_id
    """).fetchall()]
    if not offending:
        return
    con.register("offending", pa.table({"cluster_id": offending}))
    members = con.execute(f"select {UNIQUE_ID}, cluster_id from {membership} semi join offending using (cluster_id)"
                          ).fetchall()
    cluster_of = dict(members)
    edges = con.execute(f"""
        select a, b, match_probability from {links}
        where a < b and a in (select {UNIQUE_ID} from {membership} semi join offending using (cluster_id))
        order by match_probability desc, a, b
    """).fetchall()
    forbidden = con.execute(f"select {left}, {right} from {cannot_link}").fetchall()
    con.unregister("offending")

    parent = {record: record for record in cluster_of}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # enemies[root]: the roots it must never join. Kept per root and merged smaller into larger,
    # so a link costs a set lookup, not a scan of every cannot-link pair (birth-date conflicts
    # run to hundreds of thousands at a million records).
    enemies: dict[str, set[str]] = {}
    for a, b in forbidden:
        if a in parent and b in parent:
            enemies.setdefault(a, set()).add(b)
            enemies.setdefault(b, set()).add(a)
    for a, b, _probability in edges:
        if b not in parent or cluster_of[a] != cluster_of[b]:
            continue
        root_a, root_b = find(a), find(b)
        if root_a == root_b or root_b in enemies.get(root_a, ()):
            continue
        if len(enemies.get(root_a, ())) < len(enemies.get(root_b, ())):
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        moved = enemies.pop(root_b, set())
        for enemy in moved:
            enemies[enemy].discard(root_b)
            enemies[enemy].add(root_a)
        if moved:
            enemies.setdefault(root_a, set()).update(moved)
    components: dict[str, list[str]] = {}
    for record in parent:
        components.setdefault(find(record), []).append(record)
    new_ids = {record: min(group) for group in components.values() for record in group}
    con.register("split", pa.table({UNIQUE_ID: list(new_ids), "new_cluster_id": list(new_ids.values())}))
    con.execute(f"""
        update {membership} set cluster_id = split.new_cluster_id
        from split where {membership}.{UNIQUE_ID} = split.{UNIQUE_ID}
    """)
    con.unregister("split")
