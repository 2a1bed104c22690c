-- Behavioural signals segment conditions can use beside dim_customers. Days are measured,
-- like RFM recency, from the latest purchase in the warehouse (or var rfm_as_of).
--   cart_abandoned_at        latest add_to_cart not followed by a purchase within
--                            var cdp_cart_abandon_days days
--   tenure_days              days since the first purchase
--   affinity_gap_categories  related categories (seed category_affinities) of the bought
--                            ones that the customer never bought

with

touchpoints as (
    select * from {{ ref('fct_customer_touchpoints') }}
    where customer_id is not null
),

purchases as (
    select customer_id, purchased_at from {{ ref('fct_purchases') }}
    where is_revenue and customer_id is not null
),

as_of as (
    select {{ rfm_as_of_at('purchased_at') }} as as_of_at
    from purchases
),

carts as (
    select touchpoints.customer_id, touchpoints.occurred_at as added_at
    from touchpoints
    where touchpoints.touchpoint_type = 'add_to_cart'
),

abandoned as (
    select carts.customer_id, max(carts.added_at) as cart_abandoned_at
    from carts
    cross join as_of
    where carts.added_at <= as_of.as_of_at - {{ days_interval(var('cdp_cart_abandon_days')) }}
        and not exists (
            select 1 from purchases
            where purchases.customer_id = carts.customer_id
                and purchases.purchased_at between carts.added_at
                    and carts.added_at + {{ days_interval(var('cdp_cart_abandon_days')) }}
        )
    group by 1
),

bought_categories as (
    select distinct purchases.customer_id, lines.category
    from {{ ref('fct_purchases') }} as purchases
    inner join {{ ref('int_purchase_lines') }} as lines on purchases.purchase_key = lines.purchase_key
    where purchases.is_revenue and purchases.customer_id is not null and lines.category is not null
),

affinity_gaps as (
    select bought_categories.customer_id,
        {{ string_agg_ordered('affinities.related_category', "', '", distinct=true) }}
            as affinity_gap_categories
    from bought_categories
    inner join {{ ref('category_affinities') }} as affinities on bought_categories.category = affinities.category
    where not exists (
        select 1 from bought_categories as already
        where already.customer_id = bought_categories.customer_id
            and already.category = affinities.related_category
    )
    group by 1
),

tenure as (
    select purchases.customer_id, {{ days_between('min(purchases.purchased_at)', 'any_value(as_of.as_of_at)') }} as tenure_days
    from purchases
    cross join as_of
    group by 1
),

customers as (
    select customer_id from abandoned
    union
    select customer_id from affinity_gaps
    union
    select customer_id from tenure
),

final as (
    select
        customers.customer_id,
        abandoned.cart_abandoned_at,
        tenure.tenure_days,
        affinity_gaps.affinity_gap_categories
    from customers
    left join abandoned on customers.customer_id = abandoned.customer_id
    left join tenure on customers.customer_id = tenure.customer_id
    left join affinity_gaps on customers.customer_id = affinity_gaps.customer_id
)

select * from final
