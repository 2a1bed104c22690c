"""A customer history as of a cut-off: the features a model sees and the labels it learns.

Everything is computed in an in-memory DuckDB over three Arrow tables, so a million
purchases take seconds and nothing after the cut-off can leak into a feature:

- ``purchases``: customer_id, purchase_key, purchased_at, amount_base (revenue only);
- ``customers``: customer_id, first_seen_at (when the customer was first known);
- ``lines``: purchase_key, category (for the next-category model; may be empty).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

# the columns a propensity model sees, all measured at the cut-off from what happened before it
FEATURES = [
    "recency_days", "frequency", "frequency_90d", "frequency_365d", "monetary", "monetary_365d",
    "average_order_value", "tenure_days", "days_since_first_purchase", "mean_gap_days", "last_gap_days",
    "overdue_ratio", "online_share", "category_count",
]

_FEATURES_SQL = """
with
known as (
    -- everyone when scoring (a customer first seen after the last purchase still gets scores)
    select customer_id, first_seen_at from customers where first_seen_at <= $cutoff or $everyone
),
before as (
    select purchases.*, purchased_at as bought_at,
        lag(purchased_at) over (partition by customer_id order by purchased_at, purchase_key) as previous_at
    from purchases where purchased_at <= $cutoff
),
bought as (
    select
        customer_id,
        count(*) as frequency,
        count(*) filter (where bought_at > $cutoff - interval 90 day) as frequency_90d,
        count(*) filter (where bought_at > $cutoff - interval 365 day) as frequency_365d,
        sum(amount_base) as monetary,
        coalesce(sum(amount_base) filter (where bought_at > $cutoff - interval 365 day), 0) as monetary_365d,
        min(bought_at) as first_purchase_at,
        max(bought_at) as last_purchase_at,
        arg_max(epoch(bought_at) - epoch(previous_at), bought_at) / 86400.0 as last_gap_days,
        avg(case when purchase_key like 'webshop:%' then 1.0 else 0.0 end) as online_share
    from before group by 1
),
categories as (
    select before.customer_id, count(distinct lines.category) as category_count
    from before inner join lines using (purchase_key) group by 1
),
final as (
    select
        known.customer_id,
        (epoch($cutoff) - epoch(bought.last_purchase_at)) / 86400.0 as recency_days,
        coalesce(bought.frequency, 0) as frequency,
        coalesce(bought.frequency_90d, 0) as frequency_90d,
        coalesce(bought.frequency_365d, 0) as frequency_365d,
        coalesce(bought.monetary, 0)::double as monetary,
        coalesce(bought.monetary_365d, 0)::double as monetary_365d,
        (bought.monetary / bought.frequency)::double as average_order_value,
        greatest(epoch($cutoff) - epoch(least(known.first_seen_at, bought.first_purchase_at)), 0) / 86400.0
            as tenure_days,
        (epoch($cutoff) - epoch(bought.first_purchase_at)) / 86400.0 as days_since_first_purchase,
        case when bought.frequency > 1 then (epoch(bought.last_purchase_at) - epoch(bought.first_purchase_at))
            / 86400.0 / (bought.frequency - 1) end as mean_gap_days,
        bought.last_gap_days,
        case when bought.frequency > 1 then (epoch($cutoff) - epoch(bought.last_purchase_at))
            / nullif(epoch(bought.last_purchase_at) - epoch(bought.first_purchase_at), 0)
            * (bought.frequency - 1) end as overdue_ratio,
        bought.online_share,
        coalesce(categories.category_count, 0) as category_count
    from known
    left join bought using (customer_id)
    left join categories using (customer_id)
)
select * from final order by customer_id
"""

_LABELS_SQL = """
select
    known.customer_id,
    count(purchases.customer_id) filter (where purchases.purchased_at <= $cutoff + to_days($churn_days))
        as purchases_churn_window,
    count(purchases.customer_id) filter (where purchases.purchased_at <= $cutoff + interval 30 day)
        as purchases_30d,
    coalesce(sum(purchases.amount_base) filter (where purchases.purchased_at <= $cutoff + interval 365 day), 0)
        ::double as revenue_365d
from (select customer_id from customers where first_seen_at <= $cutoff) as known
left join purchases
    on known.customer_id = purchases.customer_id and purchases.purchased_at > $cutoff
group by 1
order by 1
"""


class History:
    """Purchases and customers held in an in-memory DuckDB, queried as of any cut-off."""

    def __init__(self, purchases: pa.Table, customers: pa.Table, lines: pa.Table | None = None):
        self.con = duckdb.connect()
        self.con.register("purchases_in", purchases)
        self.con.register("customers_in", customers)
        self.con.execute("""create table purchases as select customer_id::varchar as customer_id,
            purchase_key::varchar as purchase_key, purchased_at::timestamp as purchased_at,
            amount_base::decimal(18, 2) as amount_base from purchases_in where customer_id is not null""")
        # first known at its first record or first purchase, whichever came first
        self.con.execute("""create table customers as
            select customer_id, min(first_seen_at) as first_seen_at from (
                select customer_id::varchar as customer_id, first_seen_at::timestamp as first_seen_at
                from customers_in
                union all
                select customer_id, min(purchased_at) from purchases group by 1
            ) where customer_id is not null group by 1""")
        if lines is None:
            self.con.execute("create table lines (purchase_key varchar, category varchar)")
        else:
            self.con.register("lines_in", lines)
            self.con.execute("""create table lines as select purchase_key::varchar as purchase_key,
                category::varchar as category from lines_in where category is not null""")

    def latest_purchase(self) -> datetime | None:
        return self.con.sql("select max(purchased_at) from purchases").fetchall()[0][0]

    def first_purchase(self) -> datetime | None:
        return self.con.sql("select min(purchased_at) from purchases").fetchall()[0][0]

    def features(self, cutoff: datetime, everyone: bool = False) -> pd.DataFrame:
        """One row per customer known at ``cutoff`` (``everyone``: per customer): FEATURES from
        what happened up to it. Money is summed as decimals, so the sums (and the models) do
        not depend on the order DuckDB's threads add them up in."""
        return self.con.execute(_FEATURES_SQL, {"cutoff": cutoff, "everyone": everyone}).df()

    def labels(self, cutoff: datetime, churn_days: int) -> pd.DataFrame:
        """What each customer known at ``cutoff`` did after it: purchases in the churn window and
        in 30 days, revenue in 365 days."""
        return self.con.execute(_LABELS_SQL, {"cutoff": cutoff, "churn_days": churn_days}).df()

    def close(self) -> None:
        self.con.close()
