-- One row per campaign e-mail or SMS with its customer (through int_contact_point_owners,
-- as in fct_customer_touchpoints) and what happened to it: delivered, opened, clicked,
-- unsubscribed, and converted = the customer bought within var cdp_conversion_days days.

with

touchpoints as (
    select * from {{ ref('fct_customer_touchpoints') }}
    where channel in ('email', 'sms')
),

email_messages as (
    select 'email' as channel, message_id, campaign_id, campaign_name
    from {{ ref('stg_email__messages') }}
),

sms_messages as (
    select 'sms' as channel, message_id, campaign_id, campaign_name
    from {{ ref('stg_sms__messages') }}
),

email_events as (
    select 'email' as channel, message_id, event_type from {{ ref('stg_email__events') }}
),

sms_events as (
    select 'sms' as channel, message_id, event_type from {{ ref('stg_sms__events') }}
),

messages as (
    select * from email_messages
    union all
    select * from sms_messages
),

events as (
    select channel, message_id,
        bool_or(event_type = 'delivered') as is_delivered,
        bool_or(event_type = 'opened') as is_opened,
        bool_or(event_type = 'clicked') as is_clicked,
        bool_or(event_type = 'unsubscribed') as is_unsubscribed
    from (select * from email_events union all select * from sms_events)
    group by all
),

sent as (
    select
        channel,
        substr(touchpoint_key, length(channel) + 2) as message_id,
        customer_id,
        occurred_at as sent_at
    from touchpoints
    where touchpoint_type in ('email_sent', 'sms_sent')
),

purchases as (
    select customer_id, purchased_at from {{ ref('fct_purchases') }}
    where is_revenue and customer_id is not null
),

final as (
    select
        messages.channel,
        messages.message_id,
        messages.campaign_id,
        messages.campaign_name,
        sent.customer_id,
        sent.sent_at,
        coalesce(events.is_delivered, false) as is_delivered,
        coalesce(events.is_opened, false) as is_opened,
        coalesce(events.is_clicked, false) as is_clicked,
        coalesce(events.is_unsubscribed, false) as is_unsubscribed,
        exists (
            select 1 from purchases
            where purchases.customer_id = sent.customer_id
                and purchases.purchased_at between sent.sent_at
                    and sent.sent_at + {{ days_interval(var('cdp_conversion_days')) }}
        ) as is_converted
    from messages
    inner join sent on messages.channel = sent.channel and messages.message_id = sent.message_id
    left join events on messages.channel = events.channel and messages.message_id = events.message_id
)

select * from final
