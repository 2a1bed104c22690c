with

purchases as (
    select * from {{ ref('int_purchases') }}
),

crosswalk as (
    select record_key, customer_id from {{ ref('customer_crosswalk') }}
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
        purchases.status,
        coalesce(purchases.status not in ('cancelled', 'returned'), true) as is_revenue
    from purchases
    left join crosswalk on purchases.record_key = crosswalk.record_key
)

select * from final
