-- Deterministic links between identity records, applied before clustering like a
-- must-link: a browser that logged into an account belongs to that account's customer.
-- (Orders placed from an account and receipts with a loyalty card are attributed to the
-- account or member directly, in int_purchases.)

with

browsers as (
    select * from {{ ref('int_web_browsers') }}
),

accounts as (
    select account_id from {{ ref('stg_webshop__accounts') }}
),

browser_logins as (
    select
        {{ record_key('web', 'browsers', 'browsers.anonymous_id') }} as left_record_key,
        {{ record_key('webshop', 'accounts', 'accounts.account_id') }} as right_record_key,
        'web login' as link_type
    from browsers
    inner join accounts on browsers.logged_in_account_id = accounts.account_id
),

final as (
    select * from browser_logins
)

select * from final
