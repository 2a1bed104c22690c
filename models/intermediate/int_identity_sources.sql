-- Every source record that identifies a person, in one shape (names, contact points,
-- address, when seen) before any normalisation; int_identity_records adds the matching keys.
-- Which records count is explained there.

with

crm_contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

loyalty_members as (
    select * from {{ ref('stg_loyalty__members') }}
),

webshop_accounts as (
    select * from {{ ref('stg_webshop__accounts') }}
),

webshop_orders as (
    select * from {{ ref('stg_webshop__orders') }}
),

pos_receipts as (
    select * from {{ ref('stg_pos__receipts') }}
),

callcentre_calls as (
    select * from {{ ref('stg_callcentre__calls') }}
),

messenger_conversations as (
    select * from {{ ref('stg_messenger__conversations') }}
),

web_browsers as (
    select * from {{ ref('int_web_browsers') }}
),

final as (
    select
        {{ record_key('crm', 'contacts', 'contact_id') }} as record_key,
        'crm' as channel, 'contacts' as entity, contact_id as source_record_id,
        first_name, last_name, null::string as full_name, email, phone, birth_date,
        street, street2, city, postcode, region, country,
        updated_at as first_seen_at, updated_at as last_seen_at,
        null::string as handle
    from crm_contacts

    union all

    select
        {{ record_key('loyalty', 'members', 'member_id') }},
        'loyalty', 'members', member_id,
        first_name, last_name, null, email, phone, birth_date,
        street, street2, city, postcode, region, country,
        enrolled_at, enrolled_at, null
    from loyalty_members

    union all

    select
        {{ record_key('webshop', 'accounts', 'account_id') }},
        'webshop', 'accounts', account_id,
        first_name, last_name, null, email, phone, birth_date,
        street, street2, city, postcode, region, country,
        created_at, coalesce(last_login_at, created_at), null
    from webshop_accounts

    union all

    select
        {{ record_key('webshop', 'orders', 'order_id') }},
        'webshop', 'orders', order_id,
        first_name, last_name, null, email, phone, null::date,
        shipping_street, shipping_street2, shipping_city, shipping_postcode, shipping_region,
        shipping_country,
        ordered_at, ordered_at, null
    from webshop_orders
    -- guest checkouts, and orders whose account was never exported
    where account_id is null
        or account_id not in (select account_id from webshop_accounts)

    union all

    select
        {{ record_key('pos', 'receipts', 'receipt_id') }},
        'pos', 'receipts', receipt_id,
        null, null, null, null, phone, null,
        null, null, null, null, null, null,
        purchased_at, purchased_at, null
    from pos_receipts
    -- a typed phone identifies the buyer unless a known loyalty card already does
    where phone is not null
        and (
            card_id is null
            or card_id not in (select card_id from loyalty_members where card_id is not null)
        )

    union all

    select
        {{ record_key('callcentre', 'calls', 'call_id') }},
        'callcentre', 'calls', call_id,
        null, null, caller_name, null, phone, null,
        null, null, null, null, null, null,
        started_at, started_at, null
    from callcentre_calls

    union all

    select
        {{ record_key('messenger', 'conversations', 'conversation_id') }},
        'messenger', 'conversations', conversation_id,
        null, null, display_name, null, phone, null,
        null, null, null, null, null, null,
        started_at, coalesce(last_message_at, started_at), handle
    from messenger_conversations

    union all

    select
        {{ record_key('web', 'browsers', 'anonymous_id') }},
        'web', 'browsers', anonymous_id,
        null, null, form_name, form_email, null, null,
        null, null, null, null, null, null,
        first_seen_at, last_seen_at, null
    from web_browsers
    -- a browser says who someone is when it logged in or sent a feedback form
    where logged_in_account_id is not null or form_email is not null or form_name is not null
)

select * from final
