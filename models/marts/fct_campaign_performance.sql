-- Campaign performance per channel, campaign and recipient segment (current members of the
-- segments of segments.yml; segment_name 'all' counts every message once).

with

messages as (
    select * from {{ ref('int_campaign_messages') }}
),

members as (
    select * from {{ ref('int_segment_members') }}
),

by_segment as (
    select messages.*, 'all' as segment_name from messages
    union all
    select messages.*, members.segment_name
    from messages
    inner join members on messages.customer_id = members.customer_id
),

final as (
    select
        channel,
        campaign_id,
        any_value(campaign_name) as campaign_name,
        segment_name,
        min(sent_at) as first_sent_at,
        count(*) as sent,
        count(*) filter (where is_delivered) as delivered,
        count(*) filter (where is_opened) as opened,
        count(*) filter (where is_clicked) as clicked,
        count(*) filter (where is_converted) as converted,
        count(*) filter (where is_unsubscribed) as unsubscribed,
        round(count(*) filter (where is_opened) / nullif(count(*) filter (where is_delivered), 0), 4) as open_rate,
        round(count(*) filter (where is_clicked) / nullif(count(*) filter (where is_delivered), 0), 4) as click_rate,
        round(count(*) filter (where is_converted) / count(*), 4) as conversion_rate
    from by_segment
    group by channel, campaign_id, segment_name
)

select * from final
