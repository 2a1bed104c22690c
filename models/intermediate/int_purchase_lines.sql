-- Product lines of web orders and store receipts, keyed like fct_purchases.

with

order_lines as (
    select * from {{ ref('stg_webshop__order_lines') }}
),

receipt_lines as (
    select * from {{ ref('stg_pos__receipt_lines') }}
),

final as (
    select
        'webshop:' || order_id as purchase_key,
        line_number, sku, product_name, category, brand, quantity, line_amount
    from order_lines
    union all
    select
        'pos:' || receipt_id,
        line_number, sku, product_name, category, brand, quantity, line_amount
    from receipt_lines
)

select * from final
