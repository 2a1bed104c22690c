-- Deterministic links between identity records, applied before clustering like a
-- must-link: a browser that logged into an account belongs to that account's customer,
-- and conversations with one handle on one messenger platform are one chat account.
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

-- a handle names one account on its platform (Telegram and Instagram usernames ignore
-- case; '@' is how an export may or may not write it); on another platform the same
-- handle can be someone else's, so that stays the model's evidence ('same handle')
conversation_accounts as (
    select
        conversation_id,
        platform,
        regexp_replace(lower(handle), '^@', '') as account_handle
    from {{ ref('stg_messenger__conversations') }}
    where platform is not null and handle is not null
),

first_conversation_of_account as (
    select
        conversation_id,
        min(conversation_id) over (partition by platform, account_handle) as first_conversation_id
    from conversation_accounts
    where account_handle <> ''
),

messenger_accounts as (
    select
        {{ record_key('messenger', 'conversations', 'first_conversation_id') }} as left_record_key,
        {{ record_key('messenger', 'conversations', 'conversation_id') }} as right_record_key,
        'messenger account' as link_type
    from first_conversation_of_account
    where conversation_id <> first_conversation_id
),

final as (
    select * from browser_logins
    union all
    select * from messenger_accounts
)

select * from final
