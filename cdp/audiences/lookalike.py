"""Lookalike audiences: the customers outside a segment who most resemble its members.

    cdp lookalike --segment champions --size 500

A classifier (scikit-learn gradient boosting) learns the segment's members against everyone
else from profile features of dim_customers (commerce, RFM, engagement, channels, the
prediction scores); every customer outside the segment gets the probability it gives them,
and the ``size`` highest are written to ``main.seg_lookalike_<segment>`` (customer_id,
lookalike_score, lookalike_rank). That table is a segment like any other for
`cdp export --segment lookalike_<segment>`, which applies consent and suppression again.
Suppressed (and so erased) customers are neither learnt from nor ranked. Each build appends a
row of counts to ``activation.lookalike_log``; nothing personal is logged.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from cdp.audiences.export import segment_relation
from cdp.ingest.contract import warehouse_path

FEATURES = [
    "order_count", "online_order_count", "store_order_count", "revenue", "average_order_value",
    "online_revenue_share", "recency_days", "loyalty_points_balance", "emails_sent", "email_open_rate",
    "email_click_rate", "sms_sent", "sms_click_rate", "call_count", "touchpoint_count", "channel_count",
    "source_record_count", "churn_probability", "purchase_probability_30d", "predicted_ltv_12m",
]
MIN_MEMBERS = 5

LOG_DDL = """
create schema if not exists activation;
create table if not exists activation.lookalike_log (
    built_at timestamp not null,
    segment_name varchar not null,
    table_name varchar not null,
    segment_members bigint not null,
    candidates bigint not null,
    rows_written bigint not null,
    excluded_suppressed bigint not null
)
"""


@dataclass(frozen=True)
class LookalikeResult:
    table: str
    segment_members: int
    candidates: int
    rows_written: int
    excluded_suppressed: int


def build_lookalike(con: duckdb.DuckDBPyConnection, segment: str, size: int) -> LookalikeResult:
    """Rank the customers outside ``segment`` by resemblance and keep the top ``size``."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    if size <= 0:
        raise ValueError(f"--size must be positive, not {size}")
    relation = segment_relation(con, segment)
    available = {r[0] for r in con.execute("select column_name from information_schema.columns "
                                           "where table_schema = 'main' and table_name = 'dim_customers'").fetchall()}
    features = [f for f in FEATURES if f in available]
    profiles = con.sql(f"""
        select customers.customer_id,
               customers.customer_id in (select customer_id from {relation}) as is_member,
               customers.customer_id in (select customer_id from main.int_suppressed_customers)
                   or customers.is_suppressed as is_suppressed,
               {', '.join(f'customers.{f}::double as {f}' for f in features)}
        from main.dim_customers as customers
        order by customers.customer_id""").to_arrow_table()
    suppressed = np.asarray(profiles["is_suppressed"].to_numpy(zero_copy_only=False), dtype=bool)
    member = np.asarray(profiles["is_member"].to_numpy(zero_copy_only=False), dtype=bool)
    usable = ~suppressed
    x = np.column_stack([np.asarray(profiles[f].to_numpy(zero_copy_only=False), dtype=float) for f in features])
    members, candidates = int((member & usable).sum()), int((~member & usable).sum())
    if members < MIN_MEMBERS or candidates == 0:
        raise ValueError(f"segment {segment!r} has {members} unsuppressed members and {candidates} other "
                         f"customers: a lookalike needs at least {MIN_MEMBERS} members and one other customer")
    model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_leaf_nodes=15,
                                           class_weight="balanced", random_state=0)
    from threadpoolctl import threadpool_limits

    from cdp.predictions.pipeline import SKLEARN_THREADS

    with threadpool_limits(SKLEARN_THREADS):
        model.fit(x[usable], member[usable])
        scores = model.predict_proba(x)[:, 1]
    ranked = np.flatnonzero(~member & usable)
    ranked = ranked[np.lexsort((np.asarray(profiles["customer_id"].to_pylist())[ranked], -scores[ranked]))][:size]
    table_name = f"seg_lookalike_{segment}"
    now = datetime.now(UTC).replace(tzinfo=None)
    out = pa.table({
        "customer_id": pa.array([profiles["customer_id"][int(i)].as_py() for i in ranked], pa.string()),
        "lookalike_score": pa.array(scores[ranked], pa.float64()),
        "lookalike_rank": pa.array(np.arange(1, len(ranked) + 1), pa.int64()),
        "source_segment": pa.array([segment] * len(ranked), pa.string()),
        "built_at": pa.array([now] * len(ranked), pa.timestamp("us")),
    })
    con.register("lookalike_rows", out)
    con.execute(f"create or replace table main.{table_name} as select * from lookalike_rows")
    con.unregister("lookalike_rows")
    result = LookalikeResult(f"main.{table_name}", members, candidates, len(ranked), int(suppressed.sum()))
    con.execute(LOG_DDL)
    con.execute("insert into activation.lookalike_log values (?, ?, ?, ?, ?, ?, ?)",
                [now, segment, result.table, members, candidates, result.rows_written, result.excluded_suppressed])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cdp lookalike", description=__doc__.splitlines()[0])
    parser.add_argument("--segment", required=True, help="segment name from segments.yml (or rfm)")
    parser.add_argument("--size", type=int, required=True, help="how many customers to keep")
    args = parser.parse_args(argv)
    with duckdb.connect(str(warehouse_path())) as con:
        try:
            result = build_lookalike(con, args.segment, args.size)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    print(f"{result.rows_written:,} lookalikes of {args.segment} ({result.segment_members:,} members, "
          f"{result.candidates:,} candidates, {result.excluded_suppressed:,} suppressed left out) written to "
          f"{result.table}; activate with: cdp export --segment lookalike_{args.segment} --destination ...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
