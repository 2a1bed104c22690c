-- RFM segmentation of customers who bought at least once. Recency is measured against
-- the latest purchase in the warehouse (or var rfm_as_of), so the segments describe the
-- data as exported rather than drifting with the calendar.

with

purchases as (
    select * from {{ ref('fct_purchases') }}
    where is_revenue and customer_id is not null
),

as_of as (
    select {{ rfm_as_of_at('purchased_at') }} as as_of_at
    from purchases
),

customer_rfm as (
    select
        purchases.customer_id,
        {{ days_between('max(purchases.purchased_at)', 'any_value(as_of.as_of_at)') }} as recency_days,
        count(*) as frequency,
        sum(purchases.amount_base) as monetary
    from purchases
    cross join as_of
    group by 1
),

scored as (
    select
        *,
        ntile(5) over (order by recency_days desc, customer_id) as r_score,
        ntile(5) over (order by frequency, customer_id) as f_score,
        ntile(5) over (order by monetary, customer_id) as m_score
    from customer_rfm
),

final as (
    select
        customer_id,
        recency_days,
        frequency,
        monetary::decimal(18, 2) as monetary,
        r_score,
        f_score,
        m_score,
        r_score::string || f_score::string || m_score::string as rfm_cell,
        case
            when r_score >= 4 and f_score >= 4 then 'champions'
            when r_score >= 3 and f_score >= 4 then 'loyal'
            when r_score >= 4 and f_score = 1 then 'new'
            when r_score >= 4 and f_score between 2 and 3 then 'potential_loyalists'
            when r_score <= 2 and f_score >= 4 then 'cannot_lose'
            when r_score <= 2 and f_score = 3 then 'at_risk'
            when r_score <= 2 and f_score <= 2 then 'hibernating'
            else 'need_attention'
        end as rfm_segment
    from scored
)

select * from final
