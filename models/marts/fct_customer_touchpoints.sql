-- Every interaction from every channel as one row, for a BI timeline: purchases, web
-- events, e-mails and SMS sent and their events, calls, chats, loyalty points, consent
-- changes and profile records. customer_id is null where nobody is known (an anonymous
-- browser or receipt), so counts reconcile with the source exports. interaction_count is 1,
-- but for web events aged by the retention policy (counted from their daily aggregates).

with

crosswalk as (
    select record_key, customer_id from {{ ref('customer_crosswalk') }}
),

owners as (
    select contact_kind, contact_key, customer_id from {{ ref('int_contact_point_owners') }}
),

phone_texts as (
    select * from {{ ref('int_phone_texts') }}
),

purchases as (
    select
        purchase_key as touchpoint_key, customer_id, channel,
        case when channel = 'webshop' then 'order' else 'store_purchase' end as touchpoint_type,
        purchased_at as occurred_at, amount, currency, null::integer as points,
        status as details,
        1 as interaction_count
    from {{ ref('fct_purchases') }}
),

web_events as (
    select
        'web:' || events.event_id, crosswalk.customer_id, 'web', events.event_type, events.occurred_at,
        null::decimal(18, 2), null, null::integer, coalesce(events.sku, events.page_url), 1
    from {{ ref('stg_web__events') }} as events
    left join crosswalk on crosswalk.record_key = {{ record_key('web', 'browsers', 'events.anonymous_id') }}
),

-- events aged by the retention policy, from their daily aggregates (one per day, browser,
-- account and event type): a row at the first event counting 1 and, when there were more, a
-- row at the last counting the rest, so counts, first and last moments stay exact
aged_web_events as (
    select
        'web_daily:' || cast(aged.occurred_on as string) || ':' || coalesce(aged.anonymous_id, '')
            || ':' || coalesce(aged.account_id, '') || ':' || coalesce(aged.event_type, '') as aged_key,
        crosswalk.customer_id, aged.event_type, aged.event_count, aged.first_occurred_at, aged.last_occurred_at
    from {{ ref('stg_web__events_daily') }} as aged
    left join crosswalk on crosswalk.record_key = {{ record_key('web', 'browsers', 'aged.anonymous_id') }}
),

aged_web_touchpoints as (
    select aged_key || ':first', customer_id, 'web', event_type, first_occurred_at,
        null::decimal(18, 2), null, null::integer, null, 1
    from aged_web_events
    union all
    select aged_key || ':rest', customer_id, 'web', event_type, last_occurred_at,
        null::decimal(18, 2), null, null::integer, null, event_count - 1
    from aged_web_events
    where event_count > 1
),

email_messages as (
    select messages.*, owners.customer_id
    from {{ ref('stg_email__messages') }} as messages
    left join owners on owners.contact_kind = 'email' and owners.contact_key = {{ email_key('messages.email') }}
),

sms_messages as (
    select messages.*, owners.customer_id
    from {{ ref('stg_sms__messages') }} as messages
    left join phone_texts on messages.phone = phone_texts.phone
    left join owners on owners.contact_kind = 'phone' and owners.contact_key = phone_texts.phone_key
),

email_touchpoints as (
    {{ campaign_message_touchpoints('email', 'email_messages', ref('stg_email__events')) }}
),

sms_touchpoints as (
    {{ campaign_message_touchpoints('sms', 'sms_messages', ref('stg_sms__events')) }}
),

calls as (
    select 'callcentre:' || calls.call_id, crosswalk.customer_id, 'callcentre',
        'call_' || coalesce(calls.direction, 'unknown'), calls.started_at,
        null::decimal(18, 2), null, null::integer, calls.outcome, 1
    from {{ ref('stg_callcentre__calls') }} as calls
    left join crosswalk on crosswalk.record_key = {{ record_key('callcentre', 'calls', 'calls.call_id') }}
),

conversations as (
    select 'messenger:' || conversations.conversation_id, crosswalk.customer_id, 'messenger',
        'conversation', conversations.started_at,
        null::decimal(18, 2), null, null::integer, conversations.platform, 1
    from {{ ref('stg_messenger__conversations') }} as conversations
    left join crosswalk
        on crosswalk.record_key = {{ record_key('messenger', 'conversations', 'conversations.conversation_id') }}
),

card_holders as (
    select card_id, min(member_id) as member_id
    from {{ ref('stg_loyalty__members') }}
    where card_id is not null
    group by 1
),

points as (
    select 'loyalty:' || transactions.transaction_id, crosswalk.customer_id, 'loyalty',
        'points_' || coalesce(transactions.transaction_type, 'unknown'), transactions.occurred_at,
        null::decimal(18, 2), null, transactions.points, transactions.receipt_id, 1
    from {{ ref('stg_loyalty__point_transactions') }} as transactions
    left join card_holders on transactions.card_id = card_holders.card_id
    left join crosswalk on crosswalk.record_key = {{ record_key(
        'loyalty', 'members', 'coalesce(transactions.member_id, card_holders.member_id)') }}
),

consents as (
    select 'consent:' || consent.consent_event_id, owners.customer_id, 'consent',
        'consent_' || consent.status, consent.occurred_at,
        null::decimal(18, 2), null, null::integer, consent.channel || ' ' || consent.purpose, 1
    from {{ ref('int_consent_events') }} as consent
    left join owners on consent.contact_kind = owners.contact_kind and consent.contact_key = owners.contact_key
),

profile_records as (
    select 'record:' || records.record_key, crosswalk.customer_id, records.channel,
        case records.channel
            when 'crm' then 'crm_contact'
            when 'loyalty' then 'loyalty_enrolment'
            else 'account_created'
        end,
        records.first_seen_at, null::decimal(18, 2), null, null::integer, records.entity, 1
    from {{ ref('int_identity_records') }} as records
    inner join crosswalk on records.record_key = crosswalk.record_key
    where records.channel in ('crm', 'loyalty') or (records.channel = 'webshop' and records.entity = 'accounts')
),

final as (
    select * from purchases
    union all select * from web_events
    union all select * from aged_web_touchpoints
    union all select * from email_touchpoints
    union all select * from sms_touchpoints
    union all select * from calls
    union all select * from conversations
    union all select * from points
    union all select * from consents
    union all select * from profile_records
)

select * from final
