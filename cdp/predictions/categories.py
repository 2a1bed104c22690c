"""Next best category: the category a customer is most likely to buy next among those they
have not bought, from which categories are bought together by the same customers.

For a customer who bought the set S, a category b outside S scores the mean over a in S of
P(b | a): the share of customers who bought a that also bought b. A customer who bought
nothing gets the most popular category. The baseline is that popularity rule for everyone.
The back-test learns the co-occurrences from what was bought up to T - h and asks, for each
customer who bought a category new to them in (T - h, T], whether it is the one predicted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from .history import History

_BOUGHT_SQL = """
create or replace temp table bought as
select distinct purchases.customer_id, lines.category
from purchases inner join lines using (purchase_key)
where purchases.purchased_at <= $cutoff
"""

_SCORES_SQL = """
with
buyers as (select category, count(*) as n from bought group by 1),
together as (
    select a.category as a, b.category as b, count(*) as n
    from bought as a inner join bought as b on a.customer_id = b.customer_id and a.category <> b.category
    group by 1, 2
),
conditional as (
    select together.a, together.b, together.n / buyers.n as p
    from together inner join buyers on together.a = buyers.category
),
candidates as (
    select bought.customer_id, conditional.b as category, sum(conditional.p) as p_sum
    from bought inner join conditional on bought.category = conditional.a
    group by 1, 2
),
owned as (select customer_id, count(*) as k from bought group by 1),
scored as (
    -- rounded: a sum of doubles differs in its last bits with the order threads add them up in
    select candidates.customer_id, candidates.category, round(candidates.p_sum / owned.k, 9) as score
    from candidates inner join owned using (customer_id)
    where not exists (select 1 from bought where bought.customer_id = candidates.customer_id
                      and bought.category = candidates.category)
),
popular as (
    select category, n / (select count(distinct customer_id) from bought) as score from buyers
),
popular_new as (
    -- the popularity rule: the most bought category the customer does not have
    select known.customer_id, popular.category, popular.score
    from (select customer_id from customers where first_seen_at <= $cutoff or $everyone) as known
    cross join popular
    where not exists (select 1 from bought where bought.customer_id = known.customer_id
                      and bought.category = popular.category)
),
-- the highest score, ties broken by the category's name, so every run picks the same
best as (
    select customer_id, category, score from scored
    qualify row_number() over (partition by customer_id order by score desc, category) = 1
),
best_popular as (
    select customer_id, category, score from popular_new
    qualify row_number() over (partition by customer_id order by score desc, category) = 1
)
select
    best_popular.customer_id,
    coalesce(best.category, best_popular.category) as next_best_category,
    coalesce(best.score, best_popular.score) as next_best_category_score,
    best_popular.category as popular_category
from best_popular left join best using (customer_id)
order by 1
"""


def next_best_categories(history: History, cutoff: datetime, everyone: bool = False) -> pd.DataFrame:
    """customer_id, next_best_category, next_best_category_score, popular_category at ``cutoff``
    for the customers known then (``everyone``: all of them)."""
    history.con.execute(_BOUGHT_SQL, {"cutoff": cutoff})
    return history.con.execute(_SCORES_SQL, {"cutoff": cutoff, "everyone": everyone}).df()


def backtest(history: History, as_of: datetime, horizon_days: int) -> list[dict]:
    """Hit rate of the co-occurrence model and of the popularity rule on (T - h, T]."""
    test_at = as_of - timedelta(days=horizon_days)
    history.con.register("predicted", next_best_categories(history, test_at))
    judged, model_hits, baseline_hits, predicted_rows = history.con.execute("""
        with new as (
            select distinct purchases.customer_id, lines.category
            from purchases inner join lines using (purchase_key)
            where purchases.purchased_at > $test_at and purchases.purchased_at <= $as_of
              and not exists (select 1 from bought where bought.customer_id = purchases.customer_id
                              and bought.category = lines.category)
        )
        select
            count(*) filter (where exists (select 1 from new where new.customer_id = predicted.customer_id)),
            count(*) filter (where exists (select 1 from new where new.customer_id = predicted.customer_id
                                           and new.category = predicted.next_best_category)),
            count(*) filter (where exists (select 1 from new where new.customer_id = predicted.customer_id
                                           and new.category = predicted.popular_category)),
            count(*)
        from predicted
    """, {"test_at": test_at, "as_of": as_of}).fetchall()[0]
    history.con.unregister("predicted")
    base = {"task": "next_best_category", "horizon_days": horizon_days, "trained_at_cutoff": test_at,
            "tested_at_cutoff": test_at, "as_of": as_of}
    if not judged:
        return [{**base, "method": "model", "skipped_reason": "nobody bought a new category in the window"}]
    return [{**base, "method": method, "train_rows": predicted_rows, "test_rows": judged,
             "hit_rate": hits / judged, "curves": {}, "importance": {}}
            for method, hits in [("model", model_hits), ("baseline", baseline_hits)]]
