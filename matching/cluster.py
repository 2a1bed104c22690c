"""Turn scored pairs into customers.

Connected components alone let a record with a single piece of evidence (a receipt with
only a phone, a chat with only a display name) bridge two different people who share that
one thing: members of a household sharing a phone, namesakes. So clustering runs in two
steps:

1. anchor records (at least two kinds of evidence, see matching.prepare) are clustered by
   connected components over the pairs at or above the threshold, then clusters held
   together by a single weak link are cut there (see matching.bridges);
2. every other record joins the cluster of its best-scoring anchor match when that match
   reaches ATTACH_THRESHOLD and no other customer comes close (the runner-up customer's
   best match is below RIVAL_RATIO times it); the rest are clustered among themselves at
   the threshold.

A thin record can therefore join a customer but never merge two.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix, csgraph

from matching.bridges import MIN_SIDE, STRONG_LINK, weak_bridges
from matching.overrides import enforce_cannot_links
from matching.settings import UNIQUE_ID

# A thin record joins its most likely customer even when the pair alone is not conclusive:
# it cannot merge customers, so a wrong attachment costs one record, not a merged profile.
# What it needs is a clear winner: a receipt whose phone belongs to one customer joins
# them at 0.3 (a phone alone scores about that in a big file); a chat named 'Andrei
# Popescu' with five Andrei Popescus scoring alike joins none. Measured (pairwise F1):
# 0.5 with no rival rule gave 0.852 on the sample and 0.751 at a million records; 0.2 with
# a rival ratio of 0.5 gave 0.861 and 0.788. The ratio is 0.3 since a file of names, birth
# dates and addresses only (the million-record exports' CRM, loyalty and account records
# without e-mails and phones, 418,371 records): 0.5 let a runner-up at 40% through, and
# there namesakes are most thin records' rivals; precision 0.858 -> 0.904, F1 0.599 ->
# 0.606. The full million: 0.8060 -> 0.8074; the sample: 0.8687 -> 0.8676.
ATTACH_THRESHOLD = 0.2
RIVAL_RATIO = 0.3


def cluster_records(con: duckdb.DuckDBPyConnection, records: str, edges: str, threshold: float,
                    attach_threshold: float | None = None, cannot_link: str | None = None,
                    outside: str | None = None) -> str:
    """Cluster; ``edges`` has record_key_l, record_key_r, match_probability, is_forced (a must-link,
    preferred over any scored pair when a thin record picks its customer). Returns a table name
    with (record_key, cluster_id), cluster_id being the smallest record_key of the cluster.
    ``cannot_link`` names a table of record pairs that must end in different clusters.
    ``outside`` (record_key, best_outside_anchor, best_outside) is given when ``records`` are a
    part of the file (matching.incremental_clusters): each record's best pair to an anchor
    record, and to any record, outside that part, below the attach threshold, so of another
    customer; a thin record's rival there counts as any other."""
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    attach_threshold = min(threshold, ATTACH_THRESHOLD) if attach_threshold is None else attach_threshold
    con.execute(f"""
        create or replace table _edges_both_ways as
        select {left} as a, {right} as b, match_probability, is_forced from {edges}
        where match_probability >= {attach_threshold}
        union all
        select {right}, {left}, match_probability, is_forced from {edges}
        where match_probability >= {attach_threshold}
    """)
    named = connected_components(
        con,
        nodes=f"select {UNIQUE_ID} from {records} where is_anchor",
        edges=f"""select e.{left}, e.{right}, e.match_probability from {edges} as e
                  join {records} as l on l.{UNIQUE_ID} = e.{left} and l.is_anchor
                  join {records} as r on r.{UNIQUE_ID} = e.{right} and r.is_anchor""",
        threshold=threshold,
    )
    named = _without_weak_bridges(con, edges, named, threshold)
    con.execute(f"""
        create or replace table _attached as
        with candidates as (
            select e.a, n.cluster_id, max(e.match_probability) as match_probability, bool_or(e.is_forced) as is_forced
            from (
                select {left} as a, {right} as b, match_probability, is_forced from {edges}
                union all select {right}, {left}, match_probability, is_forced from {edges}
            ) as e
            join {records} as thin on thin.{UNIQUE_ID} = e.a and not thin.is_anchor
            join {named} as n on n.{UNIQUE_ID} = e.b
            group by all
        ),
        ranked as (
            select *, row_number() over w as rank, lead(match_probability) over w as runner_up
            from candidates
            window w as (partition by a order by is_forced desc, match_probability desc, cluster_id)
        )
        select a as {UNIQUE_ID}, cluster_id from ranked
        {f"left join {outside} as o on o.{UNIQUE_ID} = ranked.a" if outside else ""}
        where rank = 1 and (is_forced or (match_probability >= {attach_threshold}
              and greatest(coalesce(runner_up, 0), {"coalesce(o.best_outside_anchor, 0)" if outside else "0"})
                  < {RIVAL_RATIO} * match_probability))
    """)
    con.execute(f"""
        create or replace table _unattached as
        select {UNIQUE_ID} from {records} where not is_anchor
        and {UNIQUE_ID} not in (select {UNIQUE_ID} from _attached)
    """)
    rest = connected_components(
        con,
        nodes="select * from _unattached",
        edges=f"""select e.{left}, e.{right}, e.match_probability from {edges} as e
                  semi join _unattached as l on l.{UNIQUE_ID} = e.{left}
                  semi join _unattached as r on r.{UNIQUE_ID} = e.{right}""",
        threshold=threshold,
    )
    con.execute(f"""
        create or replace table _membership as
        with all_members as (
            select {UNIQUE_ID}, cluster_id from {named}
            union all select {UNIQUE_ID}, cluster_id from _attached
            union all select {UNIQUE_ID}, cluster_id from {rest}
        )
        select {UNIQUE_ID}, min({UNIQUE_ID}) over (partition by cluster_id) as cluster_id
        from all_members
    """)
    _merge_along_forced_links(con, "_membership", edges)
    cannot_link = _with_birth_date_conflicts(con, records, "_membership", edges, cannot_link)
    if cannot_link is not None:
        # the links clustering used: anchor-anchor at the threshold, each thin record's attachment
        con.execute(f"""
            create or replace table _used_links as
            select e.a, e.b, e.match_probability from _edges_both_ways as e
            join {records} as l on l.{UNIQUE_ID} = e.a and l.is_anchor
            join {records} as r on r.{UNIQUE_ID} = e.b and r.is_anchor
            where e.match_probability >= {threshold}
            union all
            select least(t.{UNIQUE_ID}, e.b), greatest(t.{UNIQUE_ID}, e.b), e.match_probability
            from _attached as t
            join _edges_both_ways as e on e.a = t.{UNIQUE_ID}
            join {named} as n on n.{UNIQUE_ID} = e.b and n.cluster_id = t.cluster_id
            qualify row_number() over (partition by t.{UNIQUE_ID}
                                       order by e.is_forced desc, e.match_probability desc, e.b) = 1
            union all
            select e.a, e.b, e.match_probability from _edges_both_ways as e
            semi join _unattached as l on l.{UNIQUE_ID} = e.a
            semi join _unattached as r on r.{UNIQUE_ID} = e.b
            where e.match_probability >= {threshold}
        """)
        enforce_cannot_links(con, "_membership", "_used_links", cannot_link)
    return "_membership"


def _without_weak_bridges(con: duckdb.DuckDBPyConnection, edges: str, named: str, threshold: float) -> str:
    """Anchor clusters again without the weak bridges (see matching.bridges): two groups of
    records held together by a single uncertain link become two customers."""
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    links = con.execute(f"""
        with big_enough as (
            select cluster_id from {named} group by 1 having count(*) >= {2 * MIN_SIDE}
        )
        select e.{left}, e.{right}, max(e.match_probability), bool_or(e.is_forced)
        from {edges} as e
        join {named} as l on l.{UNIQUE_ID} = e.{left}
        join {named} as r on r.{UNIQUE_ID} = e.{right} and r.cluster_id = l.cluster_id
        where e.match_probability >= {threshold} and l.cluster_id in (select cluster_id from big_enough)
        group by 1, 2
    """).fetchall()
    cut = weak_bridges(links)
    if not cut:
        return named
    con.register("weak_bridges_input", pa.table({left: [a for a, _ in cut], right: [b for _, b in cut]},
                                                schema=pa.schema([(left, pa.string()), (right, pa.string())])))
    con.execute("create or replace table _weak_bridges as select * from weak_bridges_input")
    con.unregister("weak_bridges_input")
    return connected_components(
        con,
        nodes=f"select {UNIQUE_ID} from {named}",
        edges=f"""select e.{left}, e.{right}, e.match_probability from {edges} as e
                  semi join {named} as l on l.{UNIQUE_ID} = e.{left}
                  semi join {named} as r on r.{UNIQUE_ID} = e.{right}
                  anti join _weak_bridges as w on w.{left} = e.{left} and w.{right} = e.{right}""",
        threshold=threshold,
    )


# Birth dates this close are one person's date written wrongly, not two people's: Splink's
# demo file fake_1000 moves a date by weeks or months (2008-03-23 / 2008-02-05 / 2008-06-15
# for one Noah Watson with one e-mail), where splitting at any difference gave F1 0.789 and
# half a year 0.937. Namesakes born that close are rare: at a million records precision
# fell by 0.0006 (a year: 0.0011; three months: fake_1000 0.920).
BIRTH_DATE_SLACK_DAYS = 183
# Measured with the rule below: FEBRL3 F1 0.950 -> 0.964, FEBRL2 0.948 -> 0.969; the generated
# sample unchanged at 0.5 to 5 (without the one-name condition, household members chained
# through a shared record merged: sample precision -0.013).
NAMESAKES_EXPECTED = 1.0


def _one_name_up_to_a_typo(a: str, b: str) -> str:
    """SQL: records ``a`` and ``b`` carry one name, each part the same or one edit apart (first
    and last name possibly swapped), and not a man's and a woman's form of it (Gabriel /
    Gabriela, Okunov / Okunova): household members differ in more than a typo."""
    def close(x: str, y: str) -> str:
        return (f"({x} = {y} or (damerau_levenshtein({x}, {y}) <= 1 and least(length({x}), length({y})) > 2"
                f" and {x} || 'a' <> {y} and {y} || 'a' <> {x}))")
    first_a, last_a, first_b, last_b = (f"{side}.{part}_name_key" for side in (a, b) for part in ("first", "last"))
    return (f"coalesce(({close(first_a, first_b)} and {close(last_a, last_b)})"
            f" or ({close(first_a, last_b)} and {close(last_a, first_b)}), false)")


def _with_birth_date_conflicts(con: duckdb.DuckDBPyConnection, records: str, membership: str, edges: str,
                               cannot_link: str | None) -> str | None:
    """People do not change their birth date: two records of one cluster whose birth dates
    differ by more than a typo (one digit, day and month swapped) and by more than
    BIRTH_DATE_SLACK_DAYS are kept apart like a human cannot-link. This is what stops
    chains of namesakes (Andrei Popescu, born 1965, linked through a look-alike to Andrei
    Popescu, born 1988) at scale, and of household members (Andrei and Andreea Dascaleanu).

    Unless namesakes are unlikely: two records of one name (up to a typo, see
    _one_name_up_to_a_typo) whose first and last names are so rare in this file that fewer
    than NAMESAKES_EXPECTED records would carry that name by chance (count of the first name
    x count of the last name / records carrying both) are one person with a date written wrongly. FEBRL's
    duplicates replace birth dates so; a file of a million records has namesakes for most
    names, and there the rule holds as before."""
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    has_flag = any(row[0] == "is_rare_name" for row in con.execute(f"describe {records}").fetchall())
    # the flag comes with the records when they are a part of the file (matching.incremental_clusters)
    rare_names = f"select {UNIQUE_ID}, is_rare_name from {records}" if has_flag else rare_names_sql(records)
    con.execute(f"""
        create or replace table _birth_date_conflicts as
        with rare_names as ({rare_names}),
        dated as (
            select m.cluster_id, r.{UNIQUE_ID}, r.birth_date, r.first_name_key, r.last_name_key,
                   coalesce(c.is_rare_name, false) as is_rare_name
            from {membership} as m join {records} as r using ({UNIQUE_ID})
            left join rare_names as c using ({UNIQUE_ID})
            where r.birth_date is not null
        )
        select a.{UNIQUE_ID} as {left}, b.{UNIQUE_ID} as {right}
        from dated as a join dated as b on a.cluster_id = b.cluster_id and a.{UNIQUE_ID} < b.{UNIQUE_ID}
        where a.birth_date <> b.birth_date
            and not ({_one_name_up_to_a_typo("a", "b")} and a.is_rare_name and b.is_rare_name)
            and not exists (  -- a must-link (a person's decision, a login) overrules the dates,
                -- and so does the model when it links the two records directly, dates and all
                select 1 from {edges} as e
                where (e.is_forced or e.match_probability >= {STRONG_LINK})
                    and least(e.{left}, e.{right}) = a.{UNIQUE_ID}
                    and greatest(e.{left}, e.{right}) = b.{UNIQUE_ID}
            )
            and not (day(a.birth_date) = month(b.birth_date) and month(a.birth_date) = day(b.birth_date)
                     and year(a.birth_date) = year(b.birth_date))
            and damerau_levenshtein(strftime(a.birth_date, '%Y%m%d'), strftime(b.birth_date, '%Y%m%d')) > 1
            and abs(date_diff('day', a.birth_date, b.birth_date)) > {BIRTH_DATE_SLACK_DAYS}
        {f"union select {left}, {right} from {cannot_link}" if cannot_link else ""}
    """)
    if not con.execute("select count(*) from _birth_date_conflicts").fetchall()[0][0]:
        return cannot_link
    return "_birth_date_conflicts"


def rare_names_sql(records: str) -> str:
    """SQL: (record_key, is_rare_name) of every record of ``records`` with a first and a last
    name key: fewer than NAMESAKES_EXPECTED records of the file would carry that name by
    chance (count of the first name x count of the last name / records carrying both). A
    statistic of the whole file: a part of it is clustered with the flags of the whole."""
    return f"""
        with named as (
            select {UNIQUE_ID}, first_name_key, last_name_key from {records}
            where first_name_key is not null and last_name_key is not null
        )
        select {UNIQUE_ID},
               count(*) over (partition by first_name_key) * count(*) over (partition by last_name_key)
               / count(*) over () < {NAMESAKES_EXPECTED} as is_rare_name
        from named
    """


def _merge_along_forced_links(con: duckdb.DuckDBPyConnection, membership: str, edges: str) -> None:
    """A must-link always holds: clusters joined by a forced pair become one, whatever their
    records' evidence (a browser with no evidence of its own joins the account it logged into
    even when that account is itself a thin record)."""
    left, right = f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r"
    con.execute(f"""
        create or replace table _forced_cluster_pairs as
        select distinct ml.cluster_id as {left}, mr.cluster_id as {right}, 1.0 as match_probability
        from {edges} as e
        join {membership} as ml on ml.{UNIQUE_ID} = e.{left}
        join {membership} as mr on mr.{UNIQUE_ID} = e.{right}
        where e.is_forced and ml.cluster_id <> mr.cluster_id
    """)
    if not con.execute("select count(*) from _forced_cluster_pairs").fetchall()[0][0]:
        return
    merged = connected_components(
        con,
        nodes=f"select distinct cluster_id as {UNIQUE_ID} from {membership}",
        edges="select * from _forced_cluster_pairs",
        threshold=1.0,
    )
    con.execute(f"""
        create or replace table {membership} as
        with relabelled as (
            select m.{UNIQUE_ID}, g.cluster_id as group_id
            from {membership} as m join {merged} as g on g.{UNIQUE_ID} = m.cluster_id
        )
        select {UNIQUE_ID}, min({UNIQUE_ID}) over (partition by group_id) as cluster_id from relabelled
    """)


def connected_components(con: duckdb.DuckDBPyConnection, nodes: str, edges: str, threshold: float) -> str:
    """Connected components of ``nodes`` (SQL: record_key) over ``edges`` (SQL: record_key_l,
    record_key_r, match_probability) at or above ``threshold``; returns a table name with
    (record_key, cluster_id), cluster_id being the smallest record_key of the component, as
    Splink's cluster_pairwise_predictions_at_threshold names them.

    The components come from scipy's graph routines on the records numbered in DuckDB:
    Splink's clustering is an iterative SQL join, which took 8.6 s of clustering's 18 s at a
    million records (four calls) and gives the same components."""
    table = f"_components_{abs(hash((nodes, edges))) % 10**8}"
    con.execute(f"""create or replace temp table _component_nodes as
                    select row_number() over () - 1 as node_index, {UNIQUE_ID}
                    from (select distinct {UNIQUE_ID} from ({nodes}))""")
    n_nodes = con.execute("select count(*) from _component_nodes").fetchall()[0][0]
    links = con.sql(f"""
        select l.node_index as l, r.node_index as r
        from ({edges}) as e
        join _component_nodes as l on l.{UNIQUE_ID} = e.{UNIQUE_ID}_l
        join _component_nodes as r on r.{UNIQUE_ID} = e.{UNIQUE_ID}_r
        where e.match_probability >= {threshold}
    """).to_arrow_table()
    left, right = links.column("l").to_numpy(), links.column("r").to_numpy()
    # float weights: repeated pairs are summed, which a small integer type wraps to zero in
    # coo.tocsr() (csgraph converts to float first today; this does not rely on it)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n_nodes, n_nodes))
    _, component = csgraph.connected_components(graph, directed=False)
    con.register("_component_labels", pa.table({"node_index": np.arange(n_nodes, dtype=np.int64),
                                                "component": component.astype(np.int64)}))
    con.execute(f"""
        create or replace table {table} as
        select n.{UNIQUE_ID}, min(n.{UNIQUE_ID}) over (partition by c.component)::varchar as cluster_id
        from _component_nodes as n join _component_labels as c using (node_index)
    """)
    con.unregister("_component_labels")
    con.execute("drop table _component_nodes")
    return table
