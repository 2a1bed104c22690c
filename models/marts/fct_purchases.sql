-- Web orders and store receipts with their customer; amount_base converts the amount to
-- the base currency at the seed currency_rates, so totals across countries can be added.

with

purchases as (
    select * from {{ ref('int_purchases') }}
),

crosswalk as (
    select record_key, customer_id from {{ ref('customer_crosswalk') }}
),

rates as (
    select currency, rate_to_base from {{ ref('currency_rates') }}
),

final as (
    select
        purchases.channel || ':' || purchases.purchase_id as purchase_key,
        purchases.channel,
        purchases.purchase_id,
        crosswalk.customer_id,
        purchases.purchased_at,
        purchases.amount,
        purchases.currency,
        (purchases.amount * rates.rate_to_base)::decimal(18, 2) as amount_base,
        purchases.status,
        coalesce(purchases.status not in ('cancelled', 'returned'), true) as is_revenue
    from purchases
    left join crosswalk on purchases.record_key = crosswalk.record_key
    left join rates on purchases.currency = rates.currency
)

select * from final
