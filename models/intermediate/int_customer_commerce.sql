-- Commercial facts per buying customer, in the base currency of seed currency_rates:
-- orders, revenue, average order value, first/last purchase, online share, top
-- categories and brands (by net line amount).

with

purchases as (
    select * from {{ ref('fct_purchases') }}
    where is_revenue and customer_id is not null
),

lines as (
    select purchases.customer_id, lines.category, lines.brand,
        lines.line_amount * (purchases.amount_base / nullif(purchases.amount, 0)) as line_amount_base
    from {{ ref('int_purchase_lines') }} as lines
    inner join purchases on lines.purchase_key = purchases.purchase_key
),

{% for dimension in ['category', 'brand'] %}
{{ dimension }}_amounts as (
    select customer_id, {{ dimension }}, sum(line_amount_base) as amount
    from lines
    where {{ dimension }} is not null
    group by 1, 2
),

{{ dimension }}_ranks as (
    select customer_id, {{ dimension }},
        row_number() over (partition by customer_id order by amount desc nulls last, {{ dimension }}) as position
    from {{ dimension }}_amounts
),

top_{{ dimension }} as (
    select customer_id,
        {{ string_agg_ordered(dimension, "', '", order_by='position') }} as top_values,
        min({{ dimension }}) filter (where position = 1) as top_value
    from {{ dimension }}_ranks
    where position <= 3
    group by 1
),
{% endfor %}

totals as (
    select
        customer_id,
        count(*) as order_count,
        count(*) filter (where channel = 'webshop') as online_order_count,
        count(*) filter (where channel = 'pos') as store_order_count,
        sum(amount_base) as revenue,
        sum(amount_base) filter (where channel = 'webshop') as online_revenue,
        count(distinct currency) as currency_count,
        mode(currency) as main_currency,
        min(purchased_at) as first_purchase_at,
        max(purchased_at) as last_purchase_at
    from purchases
    group by 1
),

final as (
    select
        totals.customer_id,
        totals.order_count,
        totals.online_order_count,
        totals.store_order_count,
        totals.revenue::decimal(18, 2) as revenue,
        (totals.revenue / totals.order_count)::decimal(18, 2) as average_order_value,
        round(coalesce(totals.online_revenue, 0) / nullif(totals.revenue, 0), 4) as online_revenue_share,
        totals.main_currency,
        totals.currency_count,
        totals.first_purchase_at,
        totals.last_purchase_at,
        top_category.top_value as top_category,
        top_category.top_values as top_categories,
        top_brand.top_value as top_brand,
        top_brand.top_values as top_brands
    from totals
    left join top_category on totals.customer_id = top_category.customer_id
    left join top_brand on totals.customer_id = top_brand.customer_id
)

select * from final
