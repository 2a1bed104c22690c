-- Every purchase from the web shop and the stores, pointed at the identity record that
-- says who bought it: the account or the guest order itself for web orders, the loyalty
-- member behind the scanned card or the receipt's typed phone for store receipts.
-- Anonymous store receipts stay in with a null record_key so revenue still reconciles.

with

orders as (
    select * from {{ ref('stg_webshop__orders') }}
),

receipts as (
    select * from {{ ref('stg_pos__receipts') }}
),

accounts as (
    select account_id from {{ ref('stg_webshop__accounts') }}
),

card_holders as (
    select card_id, min(member_id) as member_id
    from {{ ref('stg_loyalty__members') }}
    where card_id is not null
    group by 1
),

web_purchases as (
    select
        'webshop' as channel,
        orders.order_id as purchase_id,
        orders.ordered_at as purchased_at,
        orders.total_amount as amount,
        orders.currency,
        orders.status,
        case
            when accounts.account_id is not null
                then {{ record_key('webshop', 'accounts', 'accounts.account_id') }}
            else {{ record_key('webshop', 'orders', 'orders.order_id') }}
        end as record_key
    from orders
    left join accounts on orders.account_id = accounts.account_id
),

store_purchases as (
    select
        'pos' as channel,
        receipts.receipt_id as purchase_id,
        receipts.purchased_at,
        receipts.total_amount as amount,
        receipts.currency,
        'paid' as status,
        case
            when card_holders.member_id is not null
                then {{ record_key('loyalty', 'members', 'card_holders.member_id') }}
            when receipts.phone is not null
                then {{ record_key('pos', 'receipts', 'receipts.receipt_id') }}
        end as record_key
    from receipts
    left join card_holders on receipts.card_id = card_holders.card_id
),

final as (
    select * from web_purchases
    union all
    select * from store_purchases
)

select * from final
